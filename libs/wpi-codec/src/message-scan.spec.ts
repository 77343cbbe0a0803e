import { largeReadAllItemsReply } from './testing/samples';
import { manyAttributesBody, manyElementsBody, worstCaseBodies } from './testing/hostile-bodies';
import { DEFAULT_SCAN_LIMITS, scanDocument, type WpiScanLimits } from './message-scan';
import { WpiParseError } from './wpi-parse.error';

const CAPS: WpiScanLimits = { maxElements: 3, maxAttributes: 2, maxReferences: 1 };

function refusal(text: string, limits = CAPS): string | undefined {
  try {
    scanDocument(text, limits);
    return undefined;
  } catch (error: unknown) {
    if (!(error instanceof WpiParseError)) throw error;
    expect(error.code).toBe('too-many-elements');
    return error.message;
  }
}

describe('scanDocument', () => {
  it.each([
    ['elements at the cap', '<a><b/><c></c></a>'],
    ['closing tags, which are not counted', '<a></a>'.repeat(3)],
    ['attributes at the cap', '<a x="1" y="2"/>'],
    ['one reference', '<a>R&amp;D</a>'],
    ['no markup at all', 'plain text'],
  ])('passes %s', (_what, text) => {
    expect(refusal(text)).toBeUndefined();
  });

  it.each([
    ['one element too many', '<a><b/><c/><d/></a>', /more than 3 elements/],
    ['a comment counted as an element', '<a><!-- x --><b/><c/></a>', /more than 3 elements/],
    ['one attribute too many', '<a x="1" y="2" z="3"/>', /more than 2 attributes/],
    // '=' is counted in text too: a bound, never an undercount, whatever the quoting.
    ['an attribute hidden after a quoted ">"', '<a x=">" y=">" z=">"/>', /more than 2 attributes/],
    ['= signs in text', '<a>a=b=c=d</a>', /more than 2 attributes/],
    ['one reference too many', '<a>&#65;&#66;</a>', /more than 1 character references/],
  ])('refuses %s', (_what, text, message) => {
    expect(refusal(text)).toMatch(message);
  });

  it('says why phones never hit it', () => {
    expect(refusal('<a/><b/><c/><d/>')).toMatch(/phones split larger replies into fragments/);
  });

  it('passes a full 200-item ReadAllItems reply at the default caps', () => {
    expect(refusal(largeReadAllItemsReply('4F6A1034A46B463F8D008DA09314040A').xml, DEFAULT_SCAN_LIMITS)).toBeUndefined();
  });

  it.each([
    ['many attributes', manyAttributesBody(128 * 1024), /attributes/],
    ['many elements', manyElementsBody(128 * 1024), /elements/],
  ])('refuses the hostile %s body at the default caps', (_what, body, message) => {
    expect(refusal(body.toString('utf8'), DEFAULT_SCAN_LIMITS)).toMatch(message);
  });

  it('lets none of the 1 MiB worst-case bodies except a single long value through at the default caps', () => {
    const passed = worstCaseBodies(1024 * 1024)
      .filter(({ body }) => refusal(body.toString('utf8'), DEFAULT_SCAN_LIMITS) === undefined)
      .map(({ name }) => name);
    expect(passed).toEqual(['overlong-value']);
  });
});
