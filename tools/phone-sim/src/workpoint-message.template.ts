import { buildWorkpointMessage, type WorkpointMessage } from '@workpoint/wpi-codec';

// Shaped like a real nonce so the codec treats it like one, and unlikely in any item value.
const NONCE_PLACEHOLDER = 'F00DCAFE0000000000000000DEADBEEF';

/**
 * A phone message serialised once and re-used with a fresh nonce per interaction: the
 * simulator must stay cheap so a storm measures the service, not the XML encoder.
 */
export class MessageTemplate {
  private readonly head: string;
  private readonly tail: string;

  constructor(message: Omit<WorkpointMessage, 'nonce'>) {
    const xml = buildWorkpointMessage({ ...message, nonce: NONCE_PLACEHOLDER });
    const parts = xml.split(NONCE_PLACEHOLDER);
    if (parts.length !== 2) throw new Error('nonce placeholder not found exactly once in the encoded message');
    [this.head, this.tail] = parts;
  }

  render(nonce: string): string {
    return this.head + nonce + this.tail;
  }
}
