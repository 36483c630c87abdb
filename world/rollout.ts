// Old path of the episode runner and the exploration policies, kept until every importer uses episodes.ts / exploration.ts.
export * from './episodes.ts';
export * from './exploration.ts';
