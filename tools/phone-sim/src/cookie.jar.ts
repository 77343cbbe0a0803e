/**
 * The cookie handling of a browser-less phone: it keeps name=value pairs from `Set-Cookie`
 * and sends all of them back, ignoring Domain/Path. Ignoring Domain matters: the start-up may
 * go to one gateway and the reply-to to another, and the session cookie has to follow.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** `quirk`: append `; path=/` to the Cookie header as some firmware does (protocol.md §2.4). */
  constructor(private readonly quirk = false) {}

  /** Takes the raw `set-cookie` header values of one response. */
  store(setCookie: string[] | undefined): void {
    if (!setCookie) return;
    for (const header of setCookie) {
      const [pair, ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (name === '') continue;
      if (isExpiry(attributes)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** Value for the `Cookie` request header, or undefined when there is nothing to send. */
  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    const pairs = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return this.quirk ? `${pairs}; path=/` : pairs;
  }

  get size(): number {
    return this.cookies.size;
  }
}

/** A service ending the session may delete its cookie via Max-Age=0 or an Expires in the past. */
function isExpiry(attributes: string[]): boolean {
  for (const attribute of attributes) {
    const eq = attribute.indexOf('=');
    if (eq < 0) continue;
    const key = attribute.slice(0, eq).trim().toLowerCase();
    const value = attribute.slice(eq + 1).trim();
    if (key === 'max-age' && Number(value) <= 0) return true;
    if (key === 'expires') {
      const when = Date.parse(value);
      if (!Number.isNaN(when) && when < Date.now()) return true;
    }
  }
  return false;
}
