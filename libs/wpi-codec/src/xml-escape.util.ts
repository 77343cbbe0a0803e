const NEEDS_ESCAPE = /[&<>"']/;
const ESCAPABLE = /[&<>"']/g;
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/**
 * Escapes all five XML specials, in text and attributes alike. GS3 claims some firmware
 * understands `&quot;`/`&apos;` but not `&lt;`/`&gt;`/`&amp;` and mangles such values
 * instead (protocol.md §3.2, unverified [?]). We emit canonical XML; whoever writes a value
 * with `<`, `>` or `&` to a phone should test that firmware.
 */
export function escapeXml(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPABLE, (special) => ESCAPES[special] ?? special) : value;
}

// Characters XML 1.0 cannot carry at all, not even as a character reference.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ILLEGAL_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function hasIllegalXmlChar(value: string): boolean {
  return ILLEGAL_IN_XML.test(value);
}

// Identifiers (nonces, item names) have no business containing tabs or line breaks either:
// XML attribute normalisation would silently turn them into spaces on the other side.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

export function isCleanIdentifier(value: string): boolean {
  return value !== '' && !CONTROL.test(value) && !hasIllegalXmlChar(value);
}

/** `<!-- text -->` with the text made safe: no `--`, no trailing `-`, no illegal characters. */
export function xmlComment(text: string): string {
  let body = text.replace(new RegExp(ILLEGAL_IN_XML.source, 'g'), ' ');
  while (body.includes('--')) {
    body = body.replace(/--/g, '- -');
  }
  return `<!-- ${body} -->`;
}
