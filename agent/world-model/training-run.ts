// Old path of the training run, kept until every importer uses agent/training/training-run.ts.
export * from '../training/training-run.ts';
