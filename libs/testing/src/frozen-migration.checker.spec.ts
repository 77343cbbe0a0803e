import { frozenMigrationProblems } from './frozen-migration.checker';

describe('frozenMigrationProblems', () => {
  it('accepts a migration of literal SQL that imports only typeorm types', () => {
    const text = "import type { MigrationInterface, QueryRunner } from 'typeorm';\nexport class M1 implements MigrationInterface {\n  async up(q: QueryRunner) { await q.query(`CREATE TABLE \"x\".\"y\" (\"id\" integer)`); }\n}";
    expect(frozenMigrationProblems('m.ts', text)).toEqual([]);
  });

  it.each([
    ['an import of app code', `import { jobTableSql } from '@workpoint/contact-pipeline';\nimport type { QueryRunner } from 'typeorm';\nexport class M {}`, "imports '@workpoint/contact-pipeline'"],
    ['a relative import', `import { X } from '../x';\nexport class M {}`, "imports '../x'"],
    ['an exported constant', `export const SEARCH = 'x';\nexport class M {}`, "exports something other than its class: export const SEARCH = 'x';"],
    ['a re-export', `export { X } from './x';\nexport class M {}`, 're-exports'],
    ['a require', `export class M { up() { return require('x'); } }`, "loads code at run time: require('x')"],
    ['a dynamic import', `export class M { up() { return import('x'); } }`, "loads code at run time: import('x')"],
    ['no class', `import type { QueryRunner } from 'typeorm';`, 'exports 0 classes, not one'],
  ])('rejects %s', (_case, text, problem) => {
    expect(frozenMigrationProblems('m.ts', text)).toContain(problem);
  });
});
