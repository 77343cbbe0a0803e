import { fileArgument, itemArgument, parseCliArguments, type CliArguments } from './cli-arguments.parser';

describe('phone-sim command line', () => {
  const url = 'https://127.0.0.1:18443/DeploymentService/LoginService';
  const run = (...argv: string[]): CliArguments => {
    const parsed = parseCliArguments(argv);
    if (parsed.kind !== 'run') throw new Error(`expected a command, got ${JSON.stringify(parsed)}`);
    return parsed.args;
  };
  const error = (...argv: string[]): string => {
    const parsed = parseCliArguments(argv);
    if (parsed.kind !== 'error') throw new Error(`expected a usage error, got ${parsed.kind}`);
    return parsed.message;
  };

  it('keeps the original startup command line working', () => {
    const args = run('startup', '--url', url, '--phones', '200', '--concurrency', '50', '--mac', '00:1a:e8:00:01:00', '--keep-alive');
    expect(args.command).toBe('startup');
    expect(args.storm).toEqual({ phones: 200, concurrency: 50, deadlineMs: 300_000, macPrefix: '00:1A:E8', macStart: 0x100 });
    expect(args.phone).toMatchObject({ urls: [url], itemCount: 200, keepAlive: true, tlsSessionReuse: true, timeoutMs: 30_000 });
  });

  it('reads the flow-specific options', () => {
    const local = run('local-changes', '--url', url, '--attached', '--item', 'dhcp=false', '--item', 'function-key-def#1001=63', '--item', 'display-id=');
    expect(local.attached).toBe(true);
    expect(local.items).toEqual([
      { name: 'dhcp', value: 'false' },
      { name: 'function-key-def', index: 1001, value: '63' },
      { name: 'display-id', value: null },
    ]);
    expect(run('local-changes', '--url', url, '--flag-only').attached).toBe(false);
    expect(run('local-changes', '--url', url).attached).toBeUndefined();
    expect(run('status', '--url', url, '--file', 'a.wav:RINGTONE', '--file', 'b.png:LOGO:failed').files).toEqual([
      { name: 'a.wav', type: 'RINGTONE', status: 'ok' },
      { name: 'b.png', type: 'LOGO', status: 'failed' },
    ]);
    expect(run('interact', '--url', url, '--reason', 'mobility-logon').reason).toBe('mobility-logon');
    expect(run('dcmp-poll', '--url', url, '--dcmp-url', 'http://proxy:8080', '--count', '3').dcmp).toEqual({ url: 'http://proxy:8080', count: 3, intervalMs: 60_000 });
    expect(run('listen', '--url', url, '--listen-port', '0', '--refuse-with', '500', '--count', '2').listen).toMatchObject({ port: 0, refuseWith: 500, callBack: true, count: 2 });
  });

  it('turns behaviour flags into the behaviour model', () => {
    const args = run(
      'solicited', '--url', url, '--family', 'openstage-40-v2', '--busy', '--fragment-size', '50', '--unknown-item', 'foo',
      '--item-status', 'key-label#3=invalid data', '--refuse', 'Restart', '--file-status', 'failed', '--no-follow-ups',
      '--switch-mac-to', '00:1A:E8:99:99:99', '--endless-fragments',
    );
    expect(args.phone.family).toBe('openstage-40-v2');
    expect(args.phone.behaviour).toMatchObject({
      busy: true,
      fragmentSize: 50,
      unknownItems: ['foo'],
      itemStatuses: { 'key-label#3': 'invalid data' },
      refusedActions: ['Restart'],
      fileDeploymentStatus: 'failed',
      followUps: false,
      misbehave: { switchMacTo: '00:1A:E8:99:99:99', endlessFragments: true },
    });
  });

  it('answers usage errors with a reason', () => {
    expect(error('startup')).toBe('--url is required');
    expect(error('reboot', '--url', url)).toMatch(/^expected one command: startup, solicited, local-changes/);
    expect(error('status', '--url', url)).toBe('status needs at least one --file');
    expect(error('interact', '--url', url)).toBe('interact needs --reason');
    expect(error('local-changes', '--url', url, '--attached', '--flag-only')).toMatch(/exclude each other/);
    expect(error('solicited', '--url', url, '--phones', '3')).toBe('--phones is only for startup');
    expect(error('solicited', '--url', url, '--refuse', 'Reboot')).toMatch(/"Reboot" is not one of ReadAllItems/);
    expect(error('solicited', '--url', url, '--family', 'nokia')).toMatch(/unknown firmware family "nokia"/);
    expect(error('solicited', '--url', url, '--file-status', 'maybe')).toBe('--file-status must be ok or failed, got "maybe"');
    expect(error('startup', '--url', url, '--bogus')).toMatch(/bogus/);
    expect(() => itemArgument('=1')).toThrow(/not name=value/);
    expect(() => fileArgument('only-a-name')).toThrow(/not name:type/);
    expect(parseCliArguments(['--help'])).toEqual({ kind: 'help' });
    expect(run('families').command).toBe('families');
  });
});
