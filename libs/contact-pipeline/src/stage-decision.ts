import type { ContactEvent } from '@workpoint/contracts';
import type { WpiAction, WpiItem } from '@workpoint/wpi-codec';

/**
 * What one pipeline stage decided for a contact: answer the phone, or let the next stage look
 * — at the contact as it came, or as the stage completed it (a fragmented reply, assembled).
 */
export type StageDecision = { kind: 'answer'; action: WpiAction; items?: WpiItem[]; note?: string } | { kind: 'pass'; contact?: ContactEvent };

export const pass = (contact?: ContactEvent): StageDecision => (contact ? { kind: 'pass', contact } : { kind: 'pass' });
export const answer = (action: WpiAction, note?: string, items: WpiItem[] = []): StageDecision => ({
  kind: 'answer',
  action,
  items,
  ...(note ? { note } : {}),
});
