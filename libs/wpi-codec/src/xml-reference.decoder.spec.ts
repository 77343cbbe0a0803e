import { decodeXmlReferences, xmlReferenceDecoder } from './xml-reference.decoder';

describe('decodeXmlReferences', () => {
  it.each([
    ['no references', 'plain text', 'plain text'],
    ['predefined entities', '&lt;&gt;&amp;&quot;&apos;', `<>&"'`],
    ['decimal reference', 'M&#252;ller', 'Müller'],
    ['hex reference, either case', '&#xFC;&#xfc;', 'üü'],
    ['astral code point', '&#x1F4DE;', '📞'],
    ['tab, line feed and carriage return', '&#9;&#10;&#13;', '\t\n\r'],
    ['decodes once only', '&amp;lt;&amp;#65;', '&lt;&#65;'],
    ['HTML names are not XML', '&nbsp;&copy;&euro;', '&nbsp;&copy;&euro;'],
    ['a lone ampersand is left alone', 'a & b', 'a & b'],
    ['unterminated reference is left alone', '&lt', '&lt'],
  ])('%s', (_title, input, expected) => {
    expect(decodeXmlReferences(input)).toBe(expected);
  });

  it.each(['&#0;', '&#x1;', '&#xFFFE;', '&#xD800;', '&#x110000;', '&#99999999999999999999;'])('throws on %s', (reference) => {
    expect(() => decodeXmlReferences(`a${reference}b`)).toThrow(reference);
  });

  it('never learns entities from a DTD', () => {
    xmlReferenceDecoder.reset();
    (xmlReferenceDecoder.addInputEntities as (entities: Record<string, string>) => void)({ lol: 'lollollol' });
    (xmlReferenceDecoder.setExternalEntities as (entities: Record<string, string>) => void)({ xxe: 'root:x:0:0' });
    expect(xmlReferenceDecoder.decode('&lol;&xxe;')).toBe('&lol;&xxe;');
  });
});
