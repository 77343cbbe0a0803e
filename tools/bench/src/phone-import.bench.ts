import type { CsvImportResult, ImportRun } from './bench-report.types';
import { fleetPhone } from './configuration-fleet.fixture';
import type { ApiAnswer, OperatorApiClient } from './operator-api.client';

interface ImportAnswer {
  lines?: number;
  valid?: number;
  created?: number;
  updated?: number;
  unchanged?: number;
  errors?: unknown[];
  fatal?: { code: string; message: string };
}

const IMPORT_PROFILE = 'desk-standard';
const NIC_BASE = 0x200000;

/**
 * A CSV import of `lines` phones through POST /api/v1/imports: a dry run, the import, and the
 * same file again (which must change nothing). Wall time is the one request each, from the
 * first byte sent to the result read.
 */
export async function benchCsvImport(api: OperatorApiClient, lines: number, log: (line: string) => void): Promise<CsvImportResult> {
  await api.expect(201, `POST profile ${IMPORT_PROFILE}`, api.postJson('/api/v1/profiles', {
    name: IMPORT_PROFILE,
    layer: 'phone',
    items: [
      { name: 'sip-user-id', value: '{{e164}}' },
      { name: 'display-id', value: '{{user}}' },
      { name: 'dls-contact-interval', value: '600' },
    ],
  }));
  const csv = importCsv(lines);
  const bytes = Buffer.byteLength(csv);
  log(`CSV import: ${lines} lines, ${(bytes / 1024).toFixed(0)} KiB`);

  const runs: ImportRun[] = [];
  const run = async (kind: ImportRun['kind'], query: string, expected: Partial<Record<'created' | 'updated' | 'unchanged', number>>) => {
    const answer = await api.postText(`/api/v1/imports${query}`, csv, 'text/csv');
    const result = importRun(kind, answer, lines, expected);
    runs.push(result);
    log(`  ${kind}: HTTP ${result.status} in ${(result.wallMs / 1000).toFixed(2)} s, created ${result.created}, updated ${result.updated}, unchanged ${result.unchanged}, errors ${result.errors}`);
    if (result.unexpected) log(`  ${kind}: UNEXPECTED ${result.unexpected}`);
  };
  await run('dry run', '?dryRun=true', { created: lines, updated: 0, unchanged: 0 });
  await run('apply', '', { created: lines, updated: 0, unchanged: 0 });
  await run('re-import', '', { created: 0, updated: 0, unchanged: lines });
  return { lines, bytes, runs };
}

/** mac,e164,model,site,tags,user,profile: one fleet phone a line, tags `|`-separated. */
export function importCsv(lines: number): string {
  const rows = ['mac,e164,model,site,tags,user,profile'];
  for (let i = 0; i < lines; i++) {
    const p = fleetPhone(i, NIC_BASE);
    rows.push([p.mac, p.e164, p.deviceType, p.site, p.tags.join('|'), p.user, IMPORT_PROFILE].join(','));
  }
  return `${rows.join('\r\n')}\r\n`;
}

function importRun(kind: ImportRun['kind'], answer: ApiAnswer, lines: number, expected: Partial<Record<'created' | 'updated' | 'unchanged', number>>): ImportRun {
  let body: ImportAnswer = {};
  try {
    body = JSON.parse(answer.text) as ImportAnswer;
  } catch {
    // Reported below as unexpected, with the text.
  }
  const run: ImportRun = {
    kind,
    status: answer.status,
    wallMs: answer.ms,
    linesPerSec: lines / (answer.ms / 1000),
    lines: body.lines ?? 0,
    valid: body.valid ?? 0,
    created: body.created ?? 0,
    updated: body.updated ?? 0,
    unchanged: body.unchanged ?? 0,
    errors: body.errors?.length ?? 0,
  };
  const wrong = [
    ...(answer.status !== 200 ? [`HTTP ${answer.status}: ${answer.text.slice(0, 300)}`] : []),
    ...(run.lines !== lines || run.valid !== lines ? [`lines/valid ${run.lines}/${run.valid}, expected ${lines}/${lines}`] : []),
    ...Object.entries(expected)
      .filter(([field, value]) => run[field as keyof typeof expected] !== value)
      .map(([field, value]) => `${field} ${run[field as keyof typeof expected]}, expected ${value}`),
    ...(body.fatal ? [`fatal ${body.fatal.code}: ${body.fatal.message}`] : []),
  ];
  return wrong.length > 0 ? { ...run, unexpected: wrong.join('; ') } : run;
}
