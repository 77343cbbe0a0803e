import type { WpiAction, WpiItem } from '@workpoint/wpi-codec';

/** What one pipeline stage decided for a contact: answer the phone, or let the next stage look. */
export type StageDecision = { kind: 'answer'; action: WpiAction; items?: WpiItem[]; note?: string } | { kind: 'pass' };

export const pass = (): StageDecision => ({ kind: 'pass' });
export const answer = (action: WpiAction, note?: string, items: WpiItem[] = []): StageDecision => ({
  kind: 'answer',
  action,
  items,
  ...(note ? { note } : {}),
});
