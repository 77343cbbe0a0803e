// Shared Jest settings: SWC transpiles TypeScript (with Nest/TypeORM decorator metadata),
// and @workpoint/* imports resolve to library sources so tests never need a prior build.
const path = require('node:path');

const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

const libs = {
  '^@workpoint/phone-sim$': '<rootDir>/tools/phone-sim/src/index.ts',
  '^@workpoint/stack$': '<rootDir>/tools/stack/src/index.ts',
  '^@workpoint/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
};

module.exports = function tier(name, testRegex, extra = {}) {
  return {
    displayName: name,
    rootDir: path.resolve(__dirname),
    testEnvironment: 'node',
    transform: { '^.+\\.ts$': ['@swc/jest', swc] },
    moduleNameMapper: libs,
    testRegex,
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
    ...extra,
  };
};
