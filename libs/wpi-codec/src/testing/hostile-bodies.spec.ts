import { XMLValidator } from 'fast-xml-parser';
import { DEFAULT_SCAN_LIMITS } from '../message-scan';
import { DEFAULT_MAX_ITEM_VALUE_CHARS, valueLimitBreach } from '../value-limits';
import { parseWorkpointMessage } from '../workpoint-message.parser';
import {
  controlCharNonceBody,
  deepNestingBody,
  longNonceBody,
  manyAttributesBody,
  manyElementsBody,
  maxAcceptedBody,
  overlongValueBody,
  worstCaseBodies,
} from './hostile-bodies';

const MIB = 1048576;

function wellFormed(body: Buffer): boolean {
  return XMLValidator.validate(body.toString('utf8')) === true;
}

describe('hostile bodies', () => {
  it('manyAttributesBody fills the size exactly with ~100k attributes in 1 MiB', () => {
    const body = manyAttributesBody(MIB);
    expect(body.length).toBe(MIB);
    expect(wellFormed(body)).toBe(true);
    const attributes = body.toString('ascii').match(/ a[0-9a-z]+=""/g) ?? [];
    expect(attributes.length).toBeGreaterThan(100_000);
  });

  it('manyElementsBody fills the size exactly with ~260k elements in 1 MiB', () => {
    const body = manyElementsBody(MIB);
    expect(body.length).toBe(MIB);
    expect(wellFormed(body)).toBe(true);
    expect(body.toString('ascii').split('<I/>').length - 1).toBeGreaterThan(250_000);
  });

  // The parser refuses both nonces (bad-nonce, issue 8), so their shape is checked on the text.
  it('longNonceBody is a well-formed start-up whose nonce has the asked length', () => {
    const body = longNonceBody(5000, '02:00:5E:10:00:09');
    expect(wellFormed(body)).toBe(true);
    expect(/nonce="([^"]*)"/.exec(body.toString('ascii'))?.[1]).toHaveLength(5000);
    expect(body.toString('ascii')).toContain('<Item name="mac-addr">02:00:5E:10:00:09</Item>');
    expect(() => parseWorkpointMessage(body)).toThrow(/nonce is 5000 characters long, limit 128/);
  });

  it('controlCharNonceBody is well-formed and its nonce carries characters outside 0x21-0x7E', () => {
    const body = controlCharNonceBody();
    expect(wellFormed(body)).toBe(true);
    const nonce = /nonce="([^"]*)"/.exec(body.toString('utf8'))?.[1];
    expect(nonce).toContain('&#10;');
    expect(nonce).toContain('&#127;');
    expect(nonce).toMatch(/[^\x21-\x7e]/);
    expect(() => parseWorkpointMessage(body)).toThrow(/outside printable ASCII/);
  });

  it('overlongValueBody is a valid start-up with one value of the asked length', () => {
    const message = parseWorkpointMessage(overlongValueBody('contact-me-uri', 4096, '02:00:5E:10:00:0A'));
    const uri = message.items.find((entry) => entry.name === 'contact-me-uri');
    expect(uri?.value).toHaveLength(4096);
    expect(uri?.value).toMatch(/^http:\/\/127\.0\.0\.1:8085\//);
  });

  it('deepNestingBody nests as deep as asked and stays well-formed', () => {
    const body = deepNestingBody(1000);
    expect(wellFormed(body)).toBe(true);
    expect(body.toString('ascii').split('<a>').length - 1).toBe(1000);
  });

  it('worstCaseBodies never exceed the limit and are well-formed', () => {
    const bodies = worstCaseBodies(64 * 1024);
    expect(bodies.map((entry) => entry.name)).toEqual(
      expect.arrayContaining(['many-attributes', 'many-elements', 'deep-nesting', 'overlong-value']),
    );
    for (const { name, body } of bodies) {
      expect({ name, fits: body.length <= 64 * 1024, wellFormed: wellFormed(body) }).toEqual({ name, fits: true, wellFormed: true });
      expect({ name, nearLimit: body.length > 60 * 1024 }).toEqual({ name, nearLimit: true });
    }
  });

  it('maxAcceptedBody fills MAX_BODY_BYTES with as many 3-attribute items as the caps allow, and passes every check', () => {
    const body = maxAcceptedBody({ maxBodyBytes: 128 * 1024, scanLimits: DEFAULT_SCAN_LIMITS });
    expect(body.length).toBe(128 * 1024);
    const message = parseWorkpointMessage(body, DEFAULT_SCAN_LIMITS);
    expect(valueLimitBreach(message, DEFAULT_MAX_ITEM_VALUE_CHARS)).toBeUndefined();
    // One element fewer, or three attributes fewer, and the next item would be over a cap.
    const text = body.toString('ascii');
    const elements = text.split('<').length - 1 - (text.split('</').length - 1);
    const attributes = text.split('=').length - 1;
    expect(DEFAULT_SCAN_LIMITS.maxElements - elements < 1 || DEFAULT_SCAN_LIMITS.maxAttributes - attributes < 3).toBe(true);
    expect(message.items.every((item) => item.name === 'function-key-def' && item.index !== undefined && item.status !== undefined)).toBe(true);
  });

  it('maxAcceptedBody stops at the byte limit when it binds first', () => {
    const body = maxAcceptedBody({ maxBodyBytes: 8192, scanLimits: DEFAULT_SCAN_LIMITS });
    expect(body.length).toBe(8192);
    expect(parseWorkpointMessage(body, DEFAULT_SCAN_LIMITS).items.length).toBeGreaterThan(100);
  });
});
