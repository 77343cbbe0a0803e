const SEPARATED = /^[0-9A-F]{2}([:-])[0-9A-F]{2}(?:\1[0-9A-F]{2}){4}$/;
const BARE = /^[0-9A-F]{12}$/;

/**
 * Canonical `00:01:E3:25:EA:13` form of a MAC as phones, DCMP's `device-id` and admins write
 * it. Anything else (softphones send non-MAC client ids, GS3 notes) is not a MAC: undefined.
 */
export function normaliseMac(raw: string): string | undefined {
  const upper = raw.trim().toUpperCase();
  if (SEPARATED.test(upper)) {
    return upper.replace(/-/g, ':');
  }
  if (BARE.test(upper)) {
    return upper.match(/.{2}/g)?.join(':');
  }
  return undefined;
}
