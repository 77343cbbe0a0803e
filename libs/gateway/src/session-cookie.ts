import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The name the vendor's service uses (protocol.md §2.4). Phones only echo it, but some
 * firmware may have been tested against nothing else, so Workpoint keeps the name.
 */
export const SESSION_COOKIE = 'JSESSIONID';

export interface SessionClaims {
  mac: string;
  interactionId: string;
}

export interface SessionCookiesOptions {
  now?: () => number;
  /** Interactions that ended (CleanUp, Restart) on any instance: their cookies count as none. */
  ended?: { has(interactionId: string): boolean };
}

/**
 * Stateless session cookies: MAC and interaction id, signed with a key all gateway instances
 * share. Any instance can verify a cookie another issued — no shared memory, no stickiness.
 * Value: `<mac hex>.<interaction id>.<issued at, s>.<HMAC-SHA256, base64url>`.
 * A signed cookie cannot be recalled, so the cookie of an interaction that ended is refused by
 * the list of ended interactions every instance keeps (`wpi.session.closed.v1`).
 */
export class SessionCookies {
  private readonly now: () => number;

  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly options: SessionCookiesOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  issue(claims: SessionClaims): string {
    const payload = `${claims.mac.replace(/:/g, '')}.${claims.interactionId}.${Math.floor(this.now() / 1000)}`;
    return `${payload}.${this.sign(payload)}`;
  }

  /** `Set-Cookie` value that opens or refreshes the session. */
  setCookie(claims: SessionClaims): string {
    return `${SESSION_COOKIE}=${this.issue(claims)}; Path=/; Max-Age=${this.ttlSeconds}; Secure; HttpOnly`;
  }

  /** `Set-Cookie` value that ends the session (G p.13: CleanUp invalidates the session). */
  clearCookie(): string {
    return `${SESSION_COOKIE}=; Path=/; Max-Age=0; Secure; HttpOnly`;
  }

  /**
   * Reads the claims from a Cookie header. Lenient: phones echo attributes (`; path=/`) as
   * if they were cookies and may keep stale cookies of other servers (protocol.md §2.4), so
   * every candidate is tried and anything that does not verify, or names an interaction that
   * ended, is ignored.
   */
  verify(cookieHeader: string | undefined): SessionClaims | undefined {
    if (!cookieHeader) return undefined;
    for (const part of cookieHeader.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
      const claims = this.claimsOf(part.slice(eq + 1).trim());
      if (claims && !this.options.ended?.has(claims.interactionId)) return claims;
    }
    return undefined;
  }

  private claimsOf(value: string): SessionClaims | undefined {
    const parts = value.split('.');
    if (parts.length !== 4) return undefined;
    const [macHex, interactionId, issuedAt, signature] = parts as [string, string, string, string];
    const expected = Buffer.from(this.sign(`${macHex}.${interactionId}.${issuedAt}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const age = this.now() / 1000 - Number(issuedAt);
    if (!Number.isFinite(age) || age < -60 || age > this.ttlSeconds) return undefined;
    if (!/^[0-9A-F]{12}$/.test(macHex)) return undefined;
    return { mac: macHex.match(/../g)!.join(':'), interactionId };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}
