// Lint: Nx module boundaries that actually constrain who imports whom, plus promise-safe and
// exhaustiveness rules (type-aware, over the one program in tsconfig.check.json).
const nx = require('@nx/eslint-plugin');
const jest = require('eslint-plugin-jest');

const scope = (name, allowed) => ({ sourceTag: `scope:${name}`, onlyDependOnLibsWithTags: allowed.map((s) => `scope:${s}`) });
const type = (name, allowed) => ({ sourceTag: `type:${name}`, onlyDependOnLibsWithTags: allowed.map((t) => `type:${t}`) });

// Tests may also use the testing libraries; production code may not.
const boundaries = (tests) => ({
  enforceBuildableLibDependency: false,
  allow: [],
  depConstraints: [
    // Apps compose features; features never import each other; utilities stay generic.
    type('app', ['feature', 'util', 'contracts', ...(tests ? ['testing'] : [])]),
    type('feature', ['util', 'contracts', ...(tests ? ['testing'] : [])]),
    type('util', ['util', 'contracts', ...(tests ? ['testing'] : [])]),
    type('contracts', ['util']),
    type('tool', ['tool', 'util', 'contracts']),
    // The benchmark measures the product's own code in-process as well as over the wire.
    type('bench', ['tool', 'util', 'contracts', 'feature']),
    type('testing', ['util', 'contracts', 'tool', 'testing']),
    // Each service sees only itself and the shared libraries.
    scope('gateway', ['gateway', 'shared']),
    scope('inventory', ['inventory', 'shared']),
    scope('configuration', ['configuration', 'shared']),
    scope('deployment', ['deployment', 'shared']),
    scope('shared', ['shared']),
    scope('embedded', ['shared', 'gateway', 'inventory', 'configuration', 'deployment']),
    scope('tools', ['tools', 'shared']),
    scope('cli', ['shared']),
    scope('bench', ['tools', 'shared', 'configuration', 'gateway', 'inventory']),
  ],
});

module.exports = [
  { ignores: ['**/dist/**', '**/node_modules/**', 'tmp/**', 'data/**', '.nx/**', 'coverage/**', 'bench/results/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: ['./tsconfig.check.json'], tsconfigRootDir: __dirname } },
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(false)],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.matrix-spec.ts'],
    plugins: { jest },
    rules: {
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/expect-expect': 'off',
      '@nx/enforce-module-boundaries': ['error', boundaries(true)],
    },
  },
];
