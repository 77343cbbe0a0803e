import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContactMeScheduler } from '@workpoint/contact-me';

/**
 * Contact-me pace, measured on the real clock and real HTTP: N phones asked to call back at
 * once (each its own contact-me URI on one loopback listener), then every phone asked again
 * within the gap. Prints when the sends started, the busiest second, and any phone reached
 * twice. Not a test: it asserts nothing about time.
 */
async function main(): Promise<void> {
  const phones = Number(process.env['BENCH_CONTACT_ME_PHONES'] ?? 2000);
  const rate = Number(process.env['BENCH_CONTACT_ME_RATE'] ?? 500);
  const starts = new Map<string, number[]>();
  const server = createServer((req, res) => {
    const phone = (req.url ?? '').split('/')[1] ?? '';
    const list = starts.get(phone) ?? [];
    list.push(performance.now());
    starts.set(phone, list);
    req.resume();
    res.writeHead(204, { Server: 'DlsClient', 'Content-Length': '0' }).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const scheduler = new ContactMeScheduler({ ratePerSecond: rate, maxInFlight: 32, gapMs: 300_000, timeoutMs: 5000 });
  const target = (i: number) => `http://127.0.0.1:${port}/p${i}/contact_dls.html/ContactDLS`;
  const mac = (i: number) => `00:1A:E8:${[(i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':')}`;

  const t0 = performance.now();
  for (let i = 0; i < phones; i++) scheduler.request(mac(i), target(i), '127.0.0.1');
  let absorbed = 0;
  for (let i = 0; i < phones; i++) {
    const again = scheduler.request(mac(i), target(i), '127.0.0.1');
    if (!again.accepted || again.coalesced) absorbed++;
  }
  await scheduler.drained();
  const wallMs = performance.now() - t0;
  server.close();

  const all = [...starts.values()].flat().sort((a, b) => a - b);
  let busiest = 0;
  for (let i = 0, j = 0; i < all.length; i++) {
    while (all[i]! - all[j]! >= 1000) j++;
    busiest = Math.max(busiest, i - j + 1);
  }
  const twice = [...starts.values()].filter((l) => l.length > 1).length;
  const result = {
    phones,
    ratePerSecond: rate,
    reached: starts.size,
    reachedTwice: twice,
    /** Second requests within the gap that caused no new contact (joined or refused). */
    secondRequestsAbsorbed: absorbed,
    wallSeconds: Number((wallMs / 1000).toFixed(2)),
    busiestSecond: busiest,
    stats: scheduler.stats(),
  };
  console.log(`contact-me pace: ${phones} phones at ${rate}/s → reached ${result.reached} in ${result.wallSeconds} s, busiest second ${busiest} requests, second requests absorbed ${absorbed}/${phones}, reached twice ${twice}`);
  const dir = process.env['BENCH_RESULTS_DIR'] ?? join(__dirname, '..', '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `contact-me-pace-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(result, null, 2));
  await scheduler.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
