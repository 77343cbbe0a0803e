import { formatComposeCheck } from './compose-check.formatter';
import { parseComposeCommand } from './compose-service';

describe('formatComposeCheck', () => {
  it('reports each part on its own line, with the storm rate and the kill result', () => {
    const text = formatComposeCheck({
      api: { withoutKey: 401, withKey: 200 },
      conformance: [
        { flow: 'a', ok: true },
        { flow: 'b', ok: false, detail: 'x' },
      ],
      storm: { phones: 500, completed: 500, wallMs: 10_000, retried: 3 },
      kill: {
        target: 'configuration',
        phones: 500,
        completed: 500,
        delayed: 20,
        longestDelayMs: 4_500,
        mostAttempts: 3,
        outageMs: 12_300,
        jobs: 510,
        losses: { rows: [], jobs: [], outcomes: [], events: ['e'], duplicates: [] },
      },
    });
    expect(text.split('\n')).toEqual([
      'operator API:  401 without key (expected 401), 200 with the admin key (expected 200)',
      'conformance:   1/2 flows passed',
      'storm:         500/500 phones in 10.0 s = 50.0 start-ups/s (3 retried)',
      'kill configuration: 500/500 phones completed, 510 jobs, 1 lost or doubled; back 12.3 s after the kill; 20 phones delayed (longest 4.5 s, at most 3 attempts)',
      '',
    ]);
  });
});

describe('parseComposeCommand', () => {
  it('splits the program from its arguments', () => {
    expect(parseComposeCommand('docker-compose -p wp -f a.yml')).toEqual({ program: 'docker-compose', args: ['-p', 'wp', '-f', 'a.yml'] });
  });

  it('refuses an empty command', () => {
    expect(() => parseComposeCommand(' ')).toThrow('WORKPOINT_COMPOSE is empty');
  });
});
