import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

/**
 * Migrations are history: once a database has run one, what it ran must never change. A
 * migration that imports code (an SQL generator, a table-name constant) changes whenever that
 * code does; one that exports a value invites app code to import it and tie the two together.
 * So every migration of every service is literal SQL that imports only typeorm's types and
 * exports only its class.
 */
const repoRoot = join(__dirname, '../../..');

function migrationFiles(): string[] {
  const libs = join(repoRoot, 'libs');
  return readdirSync(libs, { withFileTypes: true })
    .filter((lib) => lib.isDirectory())
    .flatMap((lib) => {
      const dir = join(libs, lib.name, 'src/migrations');
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []; // this lib has no migrations
        throw e;
      }
      return names.filter((n) => /^\d{13}-[a-z0-9-]+\.ts$/.test(n)).map((n) => join(dir, n));
    });
}

/** What a migration file does that a frozen migration must not: one line per problem. */
function frozenMigrationProblems(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const problems: string[] = [];
  let exportedClasses = 0;
  for (const statement of source.statements) {
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (ts.isImportDeclaration(statement)) {
      const from = (statement.moduleSpecifier as ts.StringLiteral).text;
      if (from !== 'typeorm') problems.push(`imports '${from}'`);
    } else if (ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) {
      problems.push('re-exports');
    } else if (ts.isImportEqualsDeclaration(statement)) {
      problems.push('imports with import =');
    } else if (exported && ts.isClassDeclaration(statement)) {
      exportedClasses += 1;
    } else if (exported) {
      problems.push(`exports something other than its class: ${statement.getText(source).split('\n')[0]}`);
    }
  }
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      problems.push(`loads code at run time: ${node.getText(source)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (exportedClasses !== 1) problems.push(`exports ${exportedClasses} classes, not one`);
  return problems;
}

describe('frozen migrations', () => {
  const files = migrationFiles();

  it('finds the migrations of all three services', () => {
    const services = new Set(files.map((f) => relative(join(repoRoot, 'libs'), f).split('/')[0]));
    expect([...services].sort()).toEqual(expect.arrayContaining(['configuration', 'deployment', 'inventory']));
  });

  it.each(files.map((f) => [relative(repoRoot, f), f]))('%s imports only typeorm and exports only its class', (_name, file) => {
    expect(frozenMigrationProblems(file, readFileSync(file, 'utf8'))).toEqual([]);
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
