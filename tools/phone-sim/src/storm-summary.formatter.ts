import type { InteractionResult } from './interaction-result.types';
import type { StormResult } from './storm.runner';

/** Human-readable storm summary for the CLI and bench logs. */
export function formatStormSummary(result: StormResult): string {
  const ms = (value: number): string => value.toFixed(1);
  const lines = [
    `phones ${result.phones}, concurrency ${result.concurrency}: started ${result.started}, ok ${result.completedOk}, failed ${result.failed}, aborted ${result.aborted}, not started ${result.notStarted}${result.deadlineReached ? ' (deadline reached)' : ''}`,
    `wall ${(result.wallMs / 1000).toFixed(2)} s, ${result.startUpsPerSec.toFixed(1)} start-ups/s, ${result.exchanges} exchanges, ${result.exchangesPerSec.toFixed(1)} exchanges/s`,
    `latency per exchange (ms): p50 ${ms(result.latencyMs.p50)}, p90 ${ms(result.latencyMs.p90)}, p99 ${ms(result.latencyMs.p99)}, max ${ms(result.latencyMs.max)}, mean ${ms(result.latencyMs.mean)}`,
    `actions: ${Object.entries(result.actions).map(([action, count]) => `${action} ${count}`).join(', ') || '(none)'}`,
  ];
  if (result.firstErrors.length > 0) lines.push('first errors:', ...result.firstErrors.map((error) => `  ${error}`));
  return lines.join('\n');
}

/** One line per exchange of a single interaction. */
export function formatInteraction(result: InteractionResult): string {
  const lines = [`${result.mac}: ${result.ok ? 'ok' : 'FAILED'}, actions ${result.actions.join(' → ') || '(none)'}`];
  for (const exchange of result.exchanges) {
    const status = exchange.httpStatus === undefined ? 'no response' : `HTTP ${exchange.httpStatus}`;
    lines.push(
      `  #${exchange.index + 1} ${exchange.sent} → ${exchange.url}: ${status}, ${exchange.action ?? '-'}, ` +
        `${exchange.latencyMs.toFixed(1)} ms${exchange.errors.length > 0 ? `; ${exchange.errors.join('; ')}` : ''}`,
    );
  }
  if (result.error) lines.push(`  error: ${result.error}`);
  return lines.join('\n');
}
