import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { frozenMigrationProblems, migrationFilesIn } from '@workpoint/testing';

describe('deployment migrations', () => {
  const files = migrationFilesIn(__dirname);

  it('are found', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((f) => [relative(__dirname, f), f]))('%s imports only typeorm and exports only its class', (_name, file) => {
    expect(frozenMigrationProblems(file, readFileSync(file, 'utf8'))).toEqual([]);
  });
});
