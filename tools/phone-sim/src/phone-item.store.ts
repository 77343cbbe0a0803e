import type { WpiItem } from '@workpoint/wpi-codec';

/**
 * The phone's own items, in the order ReadAllItems reports them. Copy-on-write: a snapshot
 * handed out with an interaction result never changes afterwards, and taking one costs nothing,
 * which matters when a storm records thousands of results.
 */
export class PhoneItemStore {
  private items: readonly WpiItem[];
  private positions = new Map<string, number>();
  private changes = 0;

  constructor(initial: readonly WpiItem[]) {
    this.items = initial;
    this.reindex();
  }

  /** Grows with every change; callers key caches of encoded messages on it. */
  get revision(): number {
    return this.changes;
  }

  snapshot(): readonly WpiItem[] {
    return this.items;
  }

  get(name: string, index?: number): WpiItem | undefined {
    const position = this.positions.get(itemKey(name, index));
    return position === undefined ? undefined : this.items[position];
  }

  /** Every entry with this name, indexed ones included. */
  named(name: string): WpiItem[] {
    return this.items.filter((item) => item.name === name);
  }

  /** Replaces entries with the same name and index in place; appends new ones. */
  set(updates: readonly WpiItem[]): void {
    if (updates.length === 0) return;
    const next = [...this.items];
    for (const update of updates) {
      const key = itemKey(update.name, update.index);
      const position = this.positions.get(key);
      if (position === undefined) {
        this.positions.set(key, next.length);
        next.push(update);
      } else {
        next[position] = update;
      }
    }
    this.items = next;
    this.changes++;
  }

  remove(predicate: (item: WpiItem) => boolean): void {
    const next = this.items.filter((item) => !predicate(item));
    if (next.length === this.items.length) return;
    this.items = next;
    this.reindex();
    this.changes++;
  }

  replaceAll(items: readonly WpiItem[]): void {
    this.items = items;
    this.reindex();
    this.changes++;
  }

  private reindex(): void {
    this.positions = new Map(this.items.map((item, position) => [itemKey(item.name, item.index), position]));
  }
}

export function itemKey(name: string, index?: number): string {
  return index === undefined ? name : `${name}#${index}`;
}
