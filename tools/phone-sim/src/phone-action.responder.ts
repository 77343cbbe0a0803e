import { itemValue, type DlsMessage, type WpiItem } from '@workpoint/wpi-codec';
import {
  fileStatusItems,
  planFileDeployment,
  planSoftwareDeployment,
  type DeployedFile,
  type FileDeploymentReport,
} from './file-deployment.items';
import { httpGet } from './http-get.client';
import type { DeploymentOutcome } from './phone-behaviour.options';
import type { PhoneState } from './phone.state';

/** A message the phone sends next within the same interaction. */
export interface OutgoingMessage {
  reason: string;
  replyTo?: { action: string; status: string };
  fragment?: 'next' | 'final';
  items: WpiItem[];
  /** For records and logs: `reply-to WriteItems accepted`, `status`, … */
  sent: string;
  /** Set when the encoded message may be reused for as long as the item store is unchanged. */
  cacheKey?: string;
}

/** An interaction the phone starts by itself once the current one has ended. */
export interface FollowUp {
  reason: 'status' | 'start-up' | 'solicited';
  /** Sent after the basic items. */
  items: WpiItem[];
}

export type PhoneAnswer =
  | { kind: 'reply'; message: OutgoingMessage }
  /** The phone sends nothing more in this interaction; `note` says what it did instead. */
  | { kind: 'end'; note: string; followUp?: FollowUp };

/** Where a fragmented reply stands (protocol.md §3.4). */
export interface FragmentCursor {
  action: string;
  items: readonly WpiItem[];
  offset: number;
}

/** Per-interaction state the answers depend on. */
export interface ResponderContext {
  fragments?: FragmentCursor;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** The phone's reaction to one service action (protocol.md §5, §6), applied to its state. */
export async function answerAction(phone: PhoneState, dls: DlsMessage, context: ResponderContext): Promise<PhoneAnswer> {
  const items = dls.items ?? [];
  if (phone.behaviour.refusedActions.includes(dls.action)) return reply(phone, dls.action, 'failed', []);
  switch (dls.action) {
    case 'ReadAllItems':
      phone.resetSinceRead = false;
      return startReply(phone, context, 'ReadAllItems', phone.store.snapshot(), true);
    case 'ReadItems':
      return startReply(phone, context, 'ReadItems', phone.readItems(items), false);
    case 'GetNextFragment':
      return nextFragment(phone, context);
    case 'WriteItems':
      // Busy refuses the whole message and applies nothing (G p.46).
      if (phone.isBusy(dls)) return reply(phone, 'WriteItems', 'busy', []);
      return reply(phone, 'WriteItems', 'accepted', phone.writeItems(items));
    case 'Restart':
      return restart(phone, items);
    case 'FileDeployment':
      return deployFiles(phone, dls, context);
    case 'SoftwareDeployment':
      return deploySoftware(phone, dls, context);
    case 'CleanUp':
      return cleanUp(phone, dls);
  }
}

function reply(phone: PhoneState, action: string, status: string, items: WpiItem[], fragment: 'next' | 'final' = 'final'): PhoneAnswer {
  const named = phone.behaviour.misbehave.replyToAction ?? action;
  return {
    kind: 'reply',
    message: {
      reason: 'reply-to',
      replyTo: { action: named, status },
      fragment,
      items,
      sent: `reply-to ${named} ${status}${fragment === 'next' ? ' (fragment next)' : ''}`,
    },
  };
}

/** A reply-to with items: in one message, or the first of several fragments. */
function startReply(phone: PhoneState, context: ResponderContext, action: string, items: readonly WpiItem[], cacheable: boolean): PhoneAnswer {
  const size = phone.behaviour.fragmentSize;
  const endless = phone.behaviour.misbehave.endlessFragments === true;
  context.fragments = undefined;
  if (!endless && (size === undefined || items.length <= size)) {
    const answer = reply(phone, action, 'accepted', [...items]);
    if (cacheable && answer.kind === 'reply' && phone.behaviour.misbehave.replyToAction === undefined) {
      answer.message.cacheKey = `reply-to ${action}`;
    }
    return answer;
  }
  context.fragments = { action, items, offset: 0 };
  return nextFragment(phone, context);
}

function nextFragment(phone: PhoneState, context: ResponderContext): PhoneAnswer {
  const cursor = context.fragments;
  // Nothing left to send: the phone cannot do what was asked [C].
  if (!cursor) return reply(phone, 'GetNextFragment', 'failed', []);
  const size = phone.behaviour.fragmentSize ?? Math.max(cursor.items.length, 1);
  const endless = phone.behaviour.misbehave.endlessFragments === true;
  if (endless && cursor.offset >= cursor.items.length) cursor.offset = 0;
  const chunk = cursor.items.slice(cursor.offset, cursor.offset + size);
  cursor.offset += size;
  const last = !endless && cursor.offset >= cursor.items.length;
  if (last) context.fragments = undefined;
  return reply(phone, cursor.action, 'accepted', chunk, last ? 'final' : 'next');
}

function restart(phone: PhoneState, items: readonly WpiItem[]): PhoneAnswer {
  const factoryReset = itemValue(items, 'restart-type') === 'FactoryReset';
  if (factoryReset && itemValue(items, 'restart-password') === phone.factoryResetPassword()) {
    phone.factoryReset();
    return { kind: 'end', note: 'factory reset: items back to defaults, rebooting' };
  }
  phone.reboot('restart');
  return { kind: 'end', note: factoryReset ? 'wrong restart-password: plain reboot, items kept' : 'rebooting' };
}

async function deployFiles(phone: PhoneState, dls: DlsMessage, context: ResponderContext): Promise<PhoneAnswer> {
  const plan = planFileDeployment(dls.items ?? []);
  // Whether a busy phone refuses or defers a `normal` transfer is not documented; refusing
  // like a busy WriteItems lets the service's retry path be tested [C].
  if (plan.priority === 'normal' && phone.isBusy(dls)) return reply(phone, 'FileDeployment', 'busy', []);
  const reports: FileDeploymentReport[] = [];
  for (const file of plan.files) {
    const status = file.action === 'delete' ? 'ok' : await transferOutcome(phone, file, phone.behaviour.fileDeploymentStatus, context);
    const report = { name: file.name, type: file.type, status };
    phone.recordFile(file, report);
    reports.push(report);
  }
  if (plan.multiple) {
    return { kind: 'end', note: `${plan.files.length} files handled; no status for a multiple-file job (G p.55)` };
  }
  const items = fileStatusItems(reports);
  if (phone.behaviour.statusInSameInteraction) {
    return { kind: 'reply', message: { reason: 'status', items: [...phone.basicItems(), ...items], sent: 'status' } };
  }
  return { kind: 'end', note: `file ${reports[0].status}; status follows in a new interaction`, followUp: { reason: 'status', items } };
}

async function deploySoftware(phone: PhoneState, dls: DlsMessage, context: ResponderContext): Promise<PhoneAnswer> {
  const plan = planSoftwareDeployment(dls.items ?? []);
  // Rejected during a call unless immediate (G p.56); the reject's form is not shown [?].
  if (plan.priority === 'normal' && phone.isBusy(dls)) return reply(phone, 'SoftwareDeployment', 'busy', []);
  const outcome = await transferOutcome(phone, plan.file, phone.behaviour.softwareDeploymentStatus, context);
  if (outcome !== 'ok') {
    // GS3 expects a failed download to arrive as a status report [B/?].
    const items = fileStatusItems([{ name: plan.file.name, type: plan.file.type, status: outcome }]);
    return { kind: 'end', note: 'firmware download failed; status follows', followUp: { reason: 'status', items } };
  }
  phone.installFirmware(plan.version);
  return {
    kind: 'end',
    note: `firmware ${plan.version ?? '(version unknown)'} installed, rebooting`,
    followUp: { reason: 'start-up', items: [] },
  };
}

function cleanUp(phone: PhoneState, dls: DlsMessage): PhoneAnswer {
  const items = dls.items ?? [];
  const reason = itemValue(items, 'cleanup-reason');
  const suffix = reason !== undefined ? ` (cleanup-reason ${reason})` : '';
  if (itemValue(items, 'send-solicited') !== 'true') return { kind: 'end', note: `interaction ended${suffix}` };
  if (!phone.traits().honoursSendSolicited) return { kind: 'end', note: `send-solicited ignored by this firmware${suffix}` };
  if (phone.isBusy(dls) || !phone.behaviour.followUps) {
    phone.solicitedPending = true;
    return { kind: 'end', note: `send-solicited remembered: calls back when idle${suffix}` };
  }
  return { kind: 'end', note: `send-solicited: idle, calls back now${suffix}`, followUp: { reason: 'solicited', items: [] } };
}

async function transferOutcome(
  phone: PhoneState,
  file: DeployedFile,
  configured: DeploymentOutcome | ((file: DeployedFile) => DeploymentOutcome),
  context: ResponderContext,
): Promise<string> {
  if (phone.behaviour.downloadFiles && file.url !== undefined) {
    try {
      const fetched = await httpGet(new URL(file.url), { timeoutMs: context.timeoutMs, signal: context.signal });
      if (fetched.status < 200 || fetched.status > 299) return 'failed';
    } catch {
      return 'failed';
    }
  }
  return typeof configured === 'function' ? configured(file) : configured;
}
