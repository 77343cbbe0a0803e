import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';

/**
 * Migrations are history: once a database has run one, what it ran must never change. A
 * migration that imports code (an SQL generator, a table-name constant) changes whenever that
 * code does; one that exports a value invites app code to import it and tie the two together.
 * So every migration is literal SQL that imports only typeorm's types and exports only its class.
 * Each service's migrations folder has a spec that applies this check to every file in it.
 */

/** The migration files (`<13-digit timestamp>-<name>.ts`) in a migrations folder. */
export function migrationFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => /^\d{13}-[a-z0-9-]+\.ts$/.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/** What a migration file does that a frozen migration must not: one line per problem. */
export function frozenMigrationProblems(fileName: string, text: string): string[] {
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
