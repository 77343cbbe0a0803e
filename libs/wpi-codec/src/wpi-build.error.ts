/**
 * Why a typed message could not be turned into WPI XML. These are programming errors on
 * our side (a value that XML 1.0 cannot carry, an unnamed item), never the phone's fault.
 */
export const WPI_BUILD_ERROR_CODES = [
  'bad-nonce',
  'bad-action',
  'bad-reason',
  'bad-max-items',
  'bad-fragment',
  'bad-item-name',
  'bad-item-index',
  'bad-item-value',
  'bad-item-status',
] as const;
export type WpiBuildErrorCode = (typeof WPI_BUILD_ERROR_CODES)[number];

export class WpiBuildError extends Error {
  override readonly name = 'WpiBuildError';
  /** Our own values are at fault: building them again fails again. */
  readonly kind = 'permanent' as const;

  constructor(
    readonly code: WpiBuildErrorCode,
    message: string,
  ) {
    super(message);
  }
}
