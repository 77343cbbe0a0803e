import type { ServerResponse } from 'node:http';
import { buildDlsMessage, type WpiAction, type WpiItem } from '@workpoint/wpi-codec';
import { sendXml, type FakeDlsHandler, type SeenRequest } from './fake-dls.server';

/** What the fake service answers to one phone request. */
export interface ScriptedAnswer {
  action: WpiAction;
  items?: WpiItem[];
  /** Sets the session cookie, as a service does on the first answer of an interaction. */
  cookie?: boolean;
}

export type ScriptStep = ScriptedAnswer | ((request: SeenRequest) => ScriptedAnswer);

export const SESSION_COOKIE = 'JSESSIONID=0123456789ABCDEF0123456789ABCDEF';

/**
 * Answers the k-th request the server receives with `steps[k]`, then CleanUp for everything
 * after the script: enough to walk a phone through any flow of protocol.md §6.
 */
export function scriptedDls(steps: ScriptStep[]): FakeDlsHandler {
  let position = 0;
  return (request, response) => {
    const step = steps[position++] ?? { action: 'CleanUp' };
    answer(request, response, typeof step === 'function' ? step(request) : step);
  };
}

/** Decides by the phone's reason (`start-up`, `reply-to`, …); CleanUp where the map has nothing. */
export function byReason(answers: Record<string, ScriptStep>): FakeDlsHandler {
  return (request, response) => {
    const step = answers[request.message.reason] ?? { action: 'CleanUp' };
    answer(request, response, typeof step === 'function' ? step(request) : step);
  };
}

export function answer(request: SeenRequest, response: ServerResponse, scripted: ScriptedAnswer): void {
  if (scripted.cookie) response.setHeader('Set-Cookie', `${SESSION_COOKIE}; Path=/DeploymentService; Secure`);
  sendXml(response, buildDlsMessage({ nonce: request.message.nonce, action: scripted.action, items: scripted.items ?? [] }));
}
