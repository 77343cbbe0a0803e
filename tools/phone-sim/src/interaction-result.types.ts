import type { WpiAction, WpiItem } from '@workpoint/wpi-codec';

/** What the simulator saw in one POST/response pair. */
export interface ExchangeRecord {
  /** 0-based position in the interaction; also selects the URL (`urls[index % urls.length]`). */
  index: number;
  url: string;
  /** What the phone sent: the reason (`start-up`, `status`, …), or `reply-to <Action> <status>`. */
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

/** One action the service sent and what the phone did about it. */
export interface ActionStep {
  /** The exchange whose response carried the action. */
  exchange: number;
  action: WpiAction;
  /** The action's payload. */
  items: WpiItem[];
  /** What the phone sent back (`reply-to WriteItems accepted`), or, when it sent nothing, what it did. */
  answer: string;
  /** The items of the phone's answer, when it sent one. */
  answerItems?: WpiItem[];
}

export interface InteractionResult {
  mac: string;
  /** The reason the phone's first message gave; absent only for results made up outside an interaction. */
  reason?: string;
  /**
   * Every response was HTTP 200 `text/xml` with Content-Length and without chunked encoding,
   * echoed the request's nonce, and the interaction ended the way the protocol ends it: with
   * CleanUp, or with Restart, FileDeployment or SoftwareDeployment, after which the phone
   * sends nothing more.
   */
  ok: boolean;
  /** The actions the service sent, in order, e.g. `['ReadAllItems', 'CleanUp']`. */
  actions: string[];
  exchanges: ExchangeRecord[];
  /** Cut off by the caller's abort signal (e.g. a storm deadline) rather than failed by the service. */
  aborted: boolean;
  /** The first problem, prefixed with the exchange it happened in. */
  error?: string;
  /** Every action received, with the phone's answer. */
  steps?: ActionStep[];
  /** The action after which the phone stopped sending (`CleanUp`, `Restart`, …); absent when it never got one. */
  endedBy?: WpiAction;
  /** The phone's item store as it stood when the interaction ended (what ReadAllItems would report). */
  items?: readonly WpiItem[];
  /** The interaction the phone started by itself afterwards (status, start-up after a firmware update, solicited call-back). */
  followUp?: InteractionResult;
}
