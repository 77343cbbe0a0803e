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

/** One line per exchange of a single interaction, what the phone did at its end, and its follow-ups. */
export function formatInteraction(result: InteractionResult): string {
  const reason = result.reason !== undefined ? ` ${result.reason}` : '';
  const lines = [`${result.mac}${reason}: ${result.ok ? 'ok' : 'FAILED'}, actions ${result.actions.join(' → ') || '(none)'}`];
  for (const exchange of result.exchanges) {
    const status = exchange.httpStatus === undefined ? 'no response' : `HTTP ${exchange.httpStatus}`;
    lines.push(
      `  #${exchange.index + 1} ${exchange.sent} → ${exchange.url}: ${status}, ${exchange.action ?? '-'}, ` +
        `${exchange.latencyMs.toFixed(1)} ms${exchange.errors.length > 0 ? `; ${exchange.errors.join('; ')}` : ''}`,
    );
  }
  const last = result.steps?.[result.steps.length - 1];
  if (result.endedBy !== undefined && last !== undefined) lines.push(`  after ${result.endedBy}: ${last.answer}`);
  if (result.error) lines.push(`  error: ${result.error}`);
  if (result.followUp) {
    const [first, ...rest] = formatInteraction(result.followUp).split('\n');
    lines.push(`  then ${first}`, ...rest.map((line) => `  ${line}`));
  }
  return lines.join('\n');
}
