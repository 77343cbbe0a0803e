/**
 * The text the phone list searches in (`q`): the MAC without separators and both numbers.
 * PostgreSQL uses the trigram index `managed_phone_search` (migration 1764115200012) only for
 * this very expression, so it must stay the expression that migration indexed; the spec next
 * to this file fails when they part. A new expression needs a new migration with a new index.
 */
export const PHONE_SEARCH_TEXT = `(replace(mac, ':', '') || ' ' || coalesce(e164, '') || ' ' || coalesce(reported_e164, ''))`;
