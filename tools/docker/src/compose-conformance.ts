import { randomUUID } from 'node:crypto';
import { ConfigurationJobRequestedTopic, type JobRequested } from '@workpoint/contracts';
import { type InteractionResult, SimulatedPhone } from '@workpoint/phone-sim';
import type { Pool } from 'pg';

/** Where the stack under compose answers. */
export interface ComposeEndpoints {
  urls: string[];
  dcmpUrls: string[];
  apiUrl: string;
  apiKey: string;
}

export interface FlowResult {
  flow: string;
  ok: boolean;
  detail?: string;
}

/** Polls until `probe` gives a value, or fails after `timeoutMs`. */
export async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Undefined when the interaction went as the protocol says (HTTP 200, nonce echoed, the actions expected); else why not. */
export function cleanInteractionProblem(result: InteractionResult | undefined, actions: string[]): string | undefined {
  if (!result) return 'no interaction';
  if (result.error) return `error: ${result.error}`;
  if (!result.ok) return 'not ok';
  if (JSON.stringify(result.actions) !== JSON.stringify(actions)) return `actions ${JSON.stringify(result.actions)}, expected ${JSON.stringify(actions)}`;
  if (!result.exchanges.every((e) => e.httpStatus === 200 && e.nonceEchoed)) return 'an exchange was not HTTP 200 with its nonce echoed';
  return undefined;
}

function expectClean(result: InteractionResult | undefined, actions: string[]): void {
  const problem = cleanInteractionProblem(result, actions);
  if (problem) throw new Error(problem);
}

async function queueCommand(endpoints: ComposeEndpoints, command: JobRequested): Promise<void> {
  const response = await fetch(`${endpoints.apiUrl}/api/v1/commands/${ConfigurationJobRequestedTopic.name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${endpoints.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(command),
  });
  if (response.status !== 202) throw new Error(`the operator API answered a command with ${response.status}: ${(await response.text()).slice(0, 200)}`);
}

async function jobDone(db: Pool, requestId: string): Promise<{ state: string; outcome: string | null }> {
  return until(
    async () => {
      const { rows } = await db.query<{ state: string; outcome: string | null }>('SELECT state, outcome FROM configuration.configuration_job WHERE request_id = $1', [requestId]);
      return rows[0]?.state === 'done' ? rows[0] : undefined;
    },
    30_000,
    `job ${requestId} done`,
  );
}

const command = (mac: string, action: JobRequested['action'], items: JobRequested['items']): JobRequested => ({
  requestId: randomUUID(),
  mac,
  action,
  items,
  contactMe: false,
  requestedBy: 'compose-check',
});

/**
 * The protocol flows of e2e/conformance.e2e-spec.ts that need no phone reachable from inside the
 * compose network (contact-me POSTs are left out: the phones run on the host), each with its own
 * phone, through the compose gateways, checked against the services' tables.
 */
export function conformanceFlows(endpoints: ComposeEndpoints, db: Pool, newMac: () => string): Array<[string, () => Promise<void>]> {
  const phone = (family?: string) => new SimulatedPhone({ mac: newMac(), urls: endpoints.urls, ...(family ? { family } : {}) });
  return [
    [
      '6.1 start-up: a new phone is read and registered, a known unchanged one is not read again',
      async () => {
        const p = phone();
        expectClean(await p.startUp(), ['ReadAllItems', 'CleanUp']);
        const { rows } = await db.query<{ last_reason: string }>('SELECT last_reason FROM inventory.phone WHERE mac = $1', [p.mac]);
        if (rows[0]?.last_reason !== 'start-up') throw new Error(`inventory.phone: ${JSON.stringify(rows)}`);
        expectClean(await p.startUp(), ['CleanUp']);
      },
    ],
    [
      '6.2 local changes, V2R2 attached form: stored as a local change, answered CleanUp',
      async () => {
        const p = phone('openstage-60-v3');
        expectClean(await p.startUp(), ['ReadAllItems', 'CleanUp']);
        expectClean(await p.localChanges({ items: [{ name: 'lldp-enabled', value: 'false' }], attached: true }), ['CleanUp']);
        const { rows } = await db.query<{ kind: string }>('SELECT kind FROM inventory.phone_report WHERE mac = $1 ORDER BY id', [p.mac]);
        if (rows.map((r) => r.kind).join() !== 'full,local-change') throw new Error(`reports: ${JSON.stringify(rows)}`);
      },
    ],
    [
      '6.5 ReadItems job from the command topic, run on the solicited call-back',
      async () => {
        const p = phone();
        expectClean(await p.startUp(), ['ReadAllItems', 'CleanUp']);
        const job = command(p.mac, 'ReadItems', [{ name: 'e164', value: null }]);
        await queueCommand(endpoints, job);
        await until(async () => ((await db.query('SELECT 1 FROM configuration.configuration_job WHERE request_id = $1', [job.requestId])).rowCount ? true : undefined), 30_000, 'the job row');
        expectClean(await p.solicited(), ['ReadItems', 'CleanUp']);
        const done = await jobDone(db, job.requestId);
        if (done.outcome !== 'accepted') throw new Error(`job outcome ${done.outcome}`);
      },
    ],
    [
      '6.13 DCMP poll: 200 idle, 202 while a job is queued (on every gateway), the call-back runs it',
      async () => {
        const p = phone();
        expectClean(await p.startUp(), ['ReadAllItems', 'CleanUp']);
        const idle = await p.pollDcmp(endpoints.dcmpUrls[0]!);
        if (idle.status !== 200) throw new Error(`first poll answered ${idle.status}`);
        const job = command(p.mac, 'WriteItems', [{ name: 'sntp-tz-offset', value: '-180' }]);
        await queueCommand(endpoints, job);
        await until(
          async () => ((await Promise.all(endpoints.dcmpUrls.map((u) => fetch(`${u}/dcmp/contact-me?device-id=${p.mac}`).then((r) => r.status)))).every((s) => s === 202) ? true : undefined),
          30_000,
          'every gateway answering 202',
        );
        const poll = await p.pollDcmp(endpoints.dcmpUrls.at(-1)!);
        if (poll.status !== 202) throw new Error(`poll answered ${poll.status}`);
        expectClean(poll.interaction, ['WriteItems', 'CleanUp']);
        const done = await jobDone(db, job.requestId);
        if (done.outcome !== 'accepted') throw new Error(`job outcome ${done.outcome}`);
      },
    ],
    [
      'bad input: a reply-to for an action never sent is answered CleanUp, stores nothing, and the gateway keeps serving',
      async () => {
        const p = phone();
        expectClean(await p.startUp(), ['ReadAllItems', 'CleanUp']);
        expectClean(await p.strayReplyTo('WriteItems', 'accepted'), ['CleanUp']);
        expectClean(await p.strayReplyTo('ReadAllItems', 'accepted'), ['CleanUp']);
        const { rows } = await db.query('SELECT 1 FROM inventory.phone_report WHERE mac = $1', [p.mac]);
        if (rows.length !== 1) throw new Error(`${rows.length} reports stored, expected the start-up's one`);
        expectClean(await phone().startUp(), ['ReadAllItems', 'CleanUp']);
      },
    ],
  ];
}

export async function runConformance(flows: Array<[string, () => Promise<void>]>): Promise<FlowResult[]> {
  const results: FlowResult[] = [];
  for (const [flow, run] of flows) {
    try {
      await run();
      results.push({ flow, ok: true });
    } catch (error) {
      results.push({ flow, ok: false, detail: error instanceof Error ? error.message : String(error) });
    }
  }
  return results;
}
