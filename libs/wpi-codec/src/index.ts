export * from './wpi-types';
export { WPI_PARSE_ERROR_CODES, WpiParseError, type WpiParseErrorCode } from './wpi-parse.error';
export { WPI_BUILD_ERROR_CODES, WpiBuildError, type WpiBuildErrorCode } from './wpi-build.error';
export { DLS_NAMESPACE, XSI_NAMESPACE } from './wpi-xml.constants';
export { MAX_NONCE_LENGTH, parseWorkpointMessage } from './workpoint-message.parser';
export { parseDlsMessage } from './dls-message.parser';
export { buildDlsMessage, type BuildDlsMessageOptions } from './dls-message.builder';
export { buildWorkpointMessage } from './workpoint-message.builder';
export { itemRef, itemValue, itemWith } from './wpi-item.util';
export { normaliseMac } from './mac-address.util';
export { relatedGroupKey } from './item-groups';
export {
  splitItems,
  WpiSplitError,
  WPI_SPLIT_ERROR_CODES,
  WPI_MAX_MESSAGE_BYTES,
  type SplitLimits,
  type WpiSplitErrorCode,
} from './message-splitter';
export { itemAnomalies, type ItemAnomalies } from './item-anomalies';
export { INDEXED_ITEMS, NON_INDEXED_ITEMS } from './item-catalogue';
export { ITEM_TYPES, type ItemTypeFacts, type ItemValueType } from './item-types';
export { validateItemValue, type ItemCheck, type ItemToCheck } from './item-value.validator';
export { attachedItems, BASIC_ITEMS, REASONS_WITH_BASIC_ITEMS } from './local-changes';
// Attack bodies for tests and the bench's hostile neighbour (built, unlike the samples, so the
// compiled bench can send them); nothing in the product uses them.
export * from './testing/hostile-bodies';
export { DEFAULT_SCAN_LIMITS, type WpiScanLimits } from './message-scan';
export { prescanDocument } from './xml-document.reader';
export { detachedCopy } from './detached-copy.util';
export {
  DEFAULT_MAX_ITEM_VALUE_CHARS,
  itemValueLimit,
  MAX_ITEM_INDEX,
  MAX_ITEM_NAME_LENGTH,
  MAX_REASON_LENGTH,
  MAX_REPLY_TO_LENGTH,
  valueLimitBreach,
} from './value-limits';
