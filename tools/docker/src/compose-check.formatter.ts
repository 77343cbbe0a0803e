import { type KillMatrixRow, lossCount } from '@workpoint/stack';
import type { FlowResult } from './compose-conformance';

export interface ComposeCheckSummary {
  api: { withoutKey: number; withKey: number };
  conformance: FlowResult[];
  storm: { phones: number; completed: number; wallMs: number; retried: number };
  kill: KillMatrixRow;
}

/** The driver's part of the test:compose summary, one fact a line. */
export function formatComposeCheck(s: ComposeCheckSummary): string {
  const rate = s.storm.wallMs > 0 ? (s.storm.completed / (s.storm.wallMs / 1000)).toFixed(1) : '0';
  const passed = s.conformance.filter((r) => r.ok).length;
  const k = s.kill;
  return [
    `operator API:  ${s.api.withoutKey} without key (expected 401), ${s.api.withKey} with the admin key (expected 200)`,
    `conformance:   ${passed}/${s.conformance.length} flows passed`,
    `storm:         ${s.storm.completed}/${s.storm.phones} phones in ${(s.storm.wallMs / 1000).toFixed(1)} s = ${rate} start-ups/s (${s.storm.retried} retried)`,
    `kill ${k.target}: ${k.completed}/${k.phones} phones completed, ${k.jobs} jobs, ${lossCount(k.losses)} lost or doubled; ` +
      `back ${(k.outageMs / 1000).toFixed(1)} s after the kill; ${k.delayed} phones delayed (longest ${(k.longestDelayMs / 1000).toFixed(1)} s, at most ${k.mostAttempts} attempts)`,
    '',
  ].join('\n');
}
