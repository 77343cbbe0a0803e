import { parsePhoneImport } from '../import';
import { guardFormulas, unguardFormulas } from '../import/spreadsheet-formulas';
import { csvField } from './csv-field';

describe('csvField', () => {
  it.each([
    ['plain text', 'Munich HQ', '"Munich HQ"'],
    ['nothing', null, '""'],
    ['a number', 0, '"0"'],
    ['a boolean', false, '"false"'],
    ['a comma', 'Doe, Jane', '"Doe, Jane"'],
    ['a double quote', 'say "hi"', '"say ""hi"""'],
    ['a leading =', '=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['a leading +', '+4989700200', `"'+4989700200"`],
    ['a leading -', '-2+3', `"'-2+3"`],
    ['a leading @', '@SUM(A1)', `"'@SUM(A1)"`],
    ['a leading tab', '\t=1', `"'\t=1"`],
    ['a leading CR', '\r=1', `"'\r=1"`],
    ['a formula after a ;', 'V3;=1+1', `"V3;'=1+1"`],
    ['a formula after a ,', 'V3,@x', `"V3,'@x"`],
    ['formulas after every separator', '=a;+b,-c', `"'=a;'+b,'-c"`],
    ['an = inside a cell', 'a=b', '"a=b"'],
    ['a space before the =', ' =1', '" =1"'],
    ['a guard already there', "'=1", `"''=1"`],
    ['a plain apostrophe', "O'Brien", `"O'Brien"`],
  ])('writes %s as a quoted, inert field', (_case, value, field) => {
    expect(csvField(value)).toBe(field);
  });
});

describe('unguardFormulas', () => {
  it.each(['V3;=1+1', '+4989700200', "'=1", "''@x", '=a;+b,-c', "O'Brien", "a,'b", '\t\r', '', "'", ";'", "x;''"])(
    'reads back %j exactly as it was exported',
    (value) => {
      expect(unguardFormulas(guardFormulas(value))).toBe(value);
    },
  );

  it('leaves a field the export did not guard as it is', () => {
    expect(unguardFormulas("O'Brien")).toBe("O'Brien");
    expect(unguardFormulas("it's =1")).toBe("it's =1");
  });
});

describe('export → import round trip', () => {
  it('imports the import columns of an exported line as the values that were exported', () => {
    const exported = { mac: '00:1A:E8:12:34:56', e164: '+4989700200', model: 'OpenStage 60', site: 'V3;=1+1', tags: 'lobby|desk', user: "-O'Brien, Jane" };
    const file = ['mac,e164,model,site,tags,user', Object.values(exported).map(csvField).join(',')].join('\r\n') + '\r\n';
    const parsed = parsePhoneImport(Buffer.from(file, 'utf8'), { knownProfiles: new Set() });
    expect(parsed).toMatchObject({ ok: true, rows: [{ mac: exported.mac, e164: exported.e164, model: exported.model, site: exported.site, tags: ['lobby', 'desk'], user: exported.user }] });
  });

  it('reads the same file with ; as its separator', () => {
    const file = ['mac;e164;site', ['00:1A:E8:12:34:56', '+4989700200', 'V3;=1+1'].map(csvField).join(';')].join('\n');
    expect(parsePhoneImport(Buffer.from(file, 'utf8'), { knownProfiles: new Set() })).toMatchObject({ ok: true, rows: [{ e164: '+4989700200', site: 'V3;=1+1' }] });
  });
});
