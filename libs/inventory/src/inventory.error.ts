/**
 * What inventory's own code refuses. Failures of its dependencies (PostgreSQL, the broker) are
 * not wrapped: the delivery loop classifies their driver errors itself (SQLSTATE, errno).
 * - `reply-without-action`: a `reply-to` contact that does not say which action it answers
 *   (the contract makes `replyTo` optional; the gateway's parser always sets it).
 * - `invalid-event`: an integration event built from the contact breaks its topic's contract,
 *   so it cannot be written to the outbox.
 */
export type InventoryErrorCode = 'reply-without-action' | 'invalid-event';

/** Transient: the same message may succeed later. Permanent: it never will as sent. */
export type InventoryErrorKind = 'transient' | 'permanent';

/** Inventory's coded error; its Kafka edge maps every code (`inventoryDeliveryFailure`). */
export class InventoryError extends Error {
  readonly kind: InventoryErrorKind;

  constructor(
    readonly code: InventoryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InventoryError';
    this.kind = kindOf(code);
  }
}

function kindOf(code: InventoryErrorCode): InventoryErrorKind {
  switch (code) {
    case 'reply-without-action':
    case 'invalid-event':
      return 'permanent';
    default: {
      const unmapped: never = code;
      throw new Error(`unmapped inventory error code ${String(unmapped)}`);
    }
  }
}
