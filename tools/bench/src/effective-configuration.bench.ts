import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { effectiveConfiguration, phoneFacts, planDelivery, profilesForPhone, SecretBox } from '@workpoint/configuration';
import type { EffectiveConfigurationResult } from './bench-report.types';
import { describeProfileSet, EFFECTIVE_NIC_BASE, fleetPhone, fleetProfiles, phoneFactsInput, reportedState, storedProfiles } from './configuration-fleet.fixture';
import { summarizeLatencies } from '@workpoint/phone-sim';

export interface EffectiveConfigurationOptions {
  phones: number;
  /** Items each phone reports (its full item set). */
  reportedItems: number;
  /** Phones computed before measuring, so the timings are of optimised code. */
  warmUp: number;
}


/**
 * Effective configuration + delivery plan per phone, in-process: the library's own functions
 * on the fleet as it stores it (secrets sealed), one phone after the other, as GET
 * /api/v1/phones/{mac} and every re-plan compute them. Each phone's input (its row: assignment,
 * facts, reported items) is built just before its timing and outside it; the two parts are
 * timed separately and together.
 */
export function benchEffectiveConfiguration(options: EffectiveConfigurationOptions, log: (line: string) => void): EffectiveConfigurationResult {
  const box = new SecretBox(randomBytes(32));
  const open = (sealed: string) => box.open(sealed);
  const fingerprint = (value: string | null) => box.fingerprint(value);
  const profiles = fleetProfiles();
  const stored = storedProfiles(profiles, (plain) => box.seal(plain));

  const computePhone = (i: number) => {
    const phone = fleetPhone(i, EFFECTIVE_NIC_BASE);
    const input = phoneFactsInput(phone);
    const state = reportedState(phone, options.reportedItems);
    const started = performance.now();
    const effective = effectiveConfiguration(profilesForPhone(stored, input, open), phoneFacts(input));
    const computed = performance.now();
    const plan = effective.ok ? planDelivery(effective.items, state, fingerprint) : undefined;
    const planned = performance.now();
    return { phone, effective, plan, effectiveMs: computed - started, planMs: planned - computed, totalMs: planned - started };
  };

  for (let i = 0; i < options.warmUp; i++) computePhone(i);

  const totalUs = new Float64Array(options.phones);
  const effectiveUs = new Float64Array(options.phones);
  const planUs = new Float64Array(options.phones);
  let measuredMs = 0;
  let failedPhones = 0;
  let effectiveItems = 0;
  let pendingWrites = 0;
  let firstFailure: string | undefined;
  for (let i = 0; i < options.phones; i++) {
    const run = computePhone(i);
    totalUs[i] = run.totalMs * 1000;
    effectiveUs[i] = run.effectiveMs * 1000;
    planUs[i] = run.planMs * 1000;
    measuredMs += run.totalMs;
    if (!run.effective.ok || !run.plan) {
      failedPhones++;
      firstFailure ??= `${run.phone.mac}: ${run.effective.ok ? 'no plan' : run.effective.problems.map((p) => `${p.item}: ${p.problem}`).join('; ')}`;
      continue;
    }
    effectiveItems += run.effective.items.length;
    pendingWrites += run.plan.write.length;
  }
  if (firstFailure) log(`effective configuration: ${failedPhones} phone(s) failed, the first: ${firstFailure}`);

  const computed = Math.max(1, options.phones - failedPhones);
  const total = summarizeLatencies(totalUs);
  log(`  in-process: mean ${total.mean.toFixed(1)} µs, p99 ${total.p99.toFixed(1)} µs per phone`);
  return {
    phones: options.phones,
    method: 'effectiveConfiguration(profilesForPhone(…), phoneFacts(…)) + planDelivery(…), one phone at a time, secrets sealed with a SecretBox',
    profileSet: describeProfileSet(profiles),
    reportedItemsPerPhone: options.reportedItems,
    warmUpPhones: options.warmUp,
    totalUs: total,
    effectiveUs: summarizeLatencies(effectiveUs),
    planUs: summarizeLatencies(planUs),
    // From the timed parts only: the inputs built between them are not the computation's cost.
    phonesPerSec: options.phones / (measuredMs / 1000),
    effectiveItemsPerPhone: effectiveItems / computed,
    pendingWritesPerPhone: pendingWrites / computed,
    failedPhones,
  };
}
