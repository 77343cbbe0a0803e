import { DEFAULT_API_URL, parseCliArgs, type CliCommand, type CliEnv } from './cli-args.parser';

const env: CliEnv = { apiKey: 'env-key' };

const imported = (command: CliCommand) => {
  if (command.kind !== 'import') {
    throw new Error(`expected an import, got ${JSON.stringify(command)}`);
  }
  return { ...command, url: command.url.href };
};

describe('parseCliArgs', () => {
  it('reads an import with defaults', () => {
    expect(imported(parseCliArgs(['import', 'phones.csv'], env))).toEqual({
      kind: 'import',
      file: 'phones.csv',
      dryRun: false,
      json: false,
      url: `${DEFAULT_API_URL}/`,
      key: 'env-key',
    });
  });

  it.each([
    [['import', 'a.csv', '--dry-run', '--json'], { dryRun: true, json: true }],
    [['--dry-run', 'import', 'a.csv'], { dryRun: true, json: false }],
    [['import', '--url', 'https://wp.example/ops', 'a.csv'], { url: 'https://wp.example/ops' }],
    [['import', '--url=https://wp.example:8443', 'a.csv'], { url: 'https://wp.example:8443/' }],
    [['import', 'a.csv', '--key', 'arg-key'], { key: 'arg-key' }],
    [['import', 'a.csv', '--key=k=with=equals'], { key: 'k=with=equals' }],
    [['import', '--', '--odd-name.csv'], { file: '--odd-name.csv' }],
    [['import', '-'], { file: '-' }],
  ])('reads %j', (argv, expected) => {
    expect(imported(parseCliArgs(argv, env))).toMatchObject(expected);
  });

  it('takes URL and key from the environment, arguments first', () => {
    const fromEnv = { apiUrl: 'http://10.0.0.5:18080', apiKey: 'env-key' };
    expect(imported(parseCliArgs(['import', 'a.csv'], fromEnv))).toMatchObject({ url: 'http://10.0.0.5:18080/', key: 'env-key' });
    expect(imported(parseCliArgs(['import', 'a.csv', '--url', 'http://h:1', '--key', 'k'], fromEnv))).toMatchObject({ url: 'http://h:1/', key: 'k' });
  });

  it.each([[['--help']], [['-h']], [['import', 'a.csv', '-h']], [['bogus', '--help']]])('shows help for %j', (argv) => {
    expect(parseCliArgs(argv, {})).toEqual({ kind: 'help' });
  });

  it.each([
    [[], 'missing command'],
    [['export', 'a.csv'], "unknown command 'export'"],
    [['import'], 'import needs a CSV file'],
    [['import', 'a.csv', 'b.csv'], 'import takes one file, got 2'],
    [['import', 'a.csv', '--force'], 'unknown option --force'],
    [['import', 'a.csv', '--url'], '--url needs a value'],
    [['import', 'a.csv', '--key='], '--key needs a value'],
    [['import', 'a.csv', '--dry-run=yes'], '--dry-run takes no value'],
    [['import', 'a.csv', '--url', 'ftp://host'], 'not an http(s) URL: ftp://host'],
    [['import', 'a.csv', '--url', 'localhost:18080'], 'not an http(s) URL: localhost:18080'],
    [['import', 'a.csv', '--url', 'not a url'], 'not an http(s) URL: not a url'],
  ])('refuses %j', (argv, message) => {
    expect(parseCliArgs(argv, env)).toEqual({ kind: 'usage-error', message });
  });

  it('requires an API key', () => {
    expect(parseCliArgs(['import', 'a.csv'], { apiKey: '' })).toEqual({ kind: 'usage-error', message: 'no API key: set WORKPOINT_API_KEY or pass --key' });
  });
});
