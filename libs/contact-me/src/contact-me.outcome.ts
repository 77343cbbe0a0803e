/**
 * What became of one contact-me request. The kinds are the decisions a caller has to make:
 * the phone took it, the phone (or whatever answers there) said no, nothing answered at the
 * transport level, nothing answered in time, or the target was never worth a request.
 */
export type ContactMeOutcome =
  | { readonly kind: 'accepted'; readonly status: number }
  | { readonly kind: 'refused'; readonly status: number }
  | { readonly kind: 'unreachable'; readonly error: string; readonly code?: string }
  | { readonly kind: 'timed-out' }
  | { readonly kind: 'invalid-target'; readonly reason: string };

export type ContactMeOutcomeKind = ContactMeOutcome['kind'];

/**
 * The outcomes after which the phone may never have seen the request, so another attempt
 * does not risk asking it twice. `timed-out` is here even though a hung web server may have
 * read the request: the backoff before a retry covers that case (protocol.md §2.5, §8.3).
 */
export function didNotReachPhone(outcome: ContactMeOutcome): boolean {
  return outcome.kind === 'unreachable' || outcome.kind === 'timed-out';
}

/** Where the phone should call back to (`dls_ip_addr` / `dls_ip_port`, protocol.md §2.5). */
export interface ContactMeCallback {
  readonly host: string;
  readonly port: number;
}

export interface SendContactMeOptions {
  /** Deadline for the whole exchange, connect included. */
  readonly timeoutMs: number;
  /** Aborting rejects the promise with the signal's reason; it is the caller's decision, not a network condition. */
  readonly signal?: AbortSignal;
  readonly callback?: ContactMeCallback;
}

/** The shape of `sendContactMe`, so the scheduler can be given another sender (tests, instrumentation). */
export type ContactMeSender = (target: string, opts: SendContactMeOptions) => Promise<ContactMeOutcome>;
