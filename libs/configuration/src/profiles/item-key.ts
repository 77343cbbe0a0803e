/** `sip-server` / `function-key-def[3]`: one item's identity within a phone's configuration. */
export function itemKey(item: { name: string; index?: number | undefined }): string {
  return item.index === undefined ? item.name : `${item.name}[${item.index}]`;
}

/** The inverse of itemKey. */
export function parseItemKey(key: string): { name: string; index?: number } {
  const m = /^(.*)\[(\d+)\]$/.exec(key);
  return m ? { name: m[1]!, index: Number(m[2]) } : { name: key };
}
