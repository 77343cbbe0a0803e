/** What the simulator saw in one POST/response pair. */
export interface ExchangeRecord {
  /** 0-based position in the interaction; also selects the URL (`urls[index % urls.length]`). */
  index: number;
  url: string;
  /** What the phone sent: `start-up`, or `reply-to <Action> <status>`. */
  sent: string;
  requestBytes: number;
  /** Absent when no response arrived. */
  httpStatus?: number;
  contentType?: string;
  /** The Content-Length header as a number; absent when the header was missing. */
  contentLength?: number;
  chunked: boolean;
  responseBytes?: number;
  /** The DLSMessage action, when the body parsed. */
  action?: string;
  nonceEchoed: boolean;
  /** From sending the request (connection set-up included) to the end of the response body. */
  latencyMs: number;
  /** Every check this exchange failed; empty means the response was fully correct. */
  errors: string[];
}

export interface InteractionResult {
  mac: string;
  /**
   * Every response was HTTP 200 `text/xml` with Content-Length and without chunked encoding,
   * echoed the request's nonce, and the interaction ended with CleanUp.
   */
  ok: boolean;
  /** The actions the service sent, in order, e.g. `['ReadAllItems', 'CleanUp']`. */
  actions: string[];
  exchanges: ExchangeRecord[];
  /** Cut off by the caller's abort signal (e.g. a storm deadline) rather than failed by the service. */
  aborted: boolean;
  /** The first problem, prefixed with the exchange it happened in. */
  error?: string;
}
