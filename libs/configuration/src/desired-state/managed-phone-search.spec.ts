import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PHONE_SEARCH_TEXT } from './managed-phone-search';

describe('PHONE_SEARCH_TEXT', () => {
  it('is the expression the trigram index was built on, so the phone list search can use it', () => {
    const migration = readFileSync(join(__dirname, '../migrations/1764115200012-configuration-phone-search.ts'), 'utf8');
    expect(migration).toContain(`USING gin (${PHONE_SEARCH_TEXT} `);
  });
});
