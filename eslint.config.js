// Lint rules: eslint recommended plus typescript-eslint recommended for all TypeScript sources, and the layers' import rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers: the folders of ours each folder must not import (an import path that climbs out with ../ into one of
 * them), any exceptions under those, and the rule in words. Tests may import anything.
 */
const LAYERS = [
  { folder: 'world', forbidden: ['agent', 'sims', 'bin', 'viewer', 'bench'], rule: 'world/ is the bottom layer: it imports nothing of ours' },
  { folder: 'agent', forbidden: ['sims', 'bin', 'viewer', 'bench'], rule: 'agent/ imports only world/ (a sim or its checkpoint path is passed in)' },
  { folder: 'sims', forbidden: ['agent', 'bin', 'viewer', 'bench'], except: ['agent/cost/index\\.ts$'], rule: 'sims/ imports only world/ and the cost API, agent/cost/index.ts' },
  { folder: 'viewer', forbidden: ['bin'], rule: 'viewer/ never imports bin/ (the CLI); what both need lives in agent/ or world/' },
  { folder: 'bench', forbidden: ['bin'], rule: 'bench/ never imports bin/ (the CLI); what both need lives in agent/ or world/' },
];

/** `^(\.\./)+` then, unless an exception follows, one of the forbidden folders. */
const climbsInto = (forbidden, except = []) => `^(\\.\\./)+${except.length > 0 ? `(?!(${except.join('|')}))` : ''}(${forbidden.join('|')})/`;

/** The agent's modules: one reaches another only through that module's index.ts (or agent/ports.ts). */
const MODULES = ['actor', 'configurator', 'cost', 'memory', 'perception', 'world-model'];
const MODULE_RULE = {
  regex: `^(\\.\\.?/)+(${MODULES.join('|')})/(?!index\\.ts$)`,
  message: 'module rule: one agent module reaches another only through agent/ports.ts or that module\'s index.ts',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'runs/', 'viewer/dist/', '.scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...LAYERS.map(({ folder, forbidden, except, rule }) => ({
    files: [`${folder}/**/*.ts`, `${folder}/**/*.js`],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: climbsInto(forbidden, except), message: `layer rule: ${rule}.` }, ...(folder === 'agent' ? [MODULE_RULE] : [])] }],
    },
  })),
);
