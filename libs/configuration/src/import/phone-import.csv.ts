import { normaliseMac } from '@workpoint/wpi-codec';
import { unguardFormulas } from './spreadsheet-formulas';

/**
 * Operators' bulk import of phones and their assignments, as CSV. Pure: bytes in, typed rows or
 * line-numbered errors out. Nothing here knows about storage; the caller applies all rows or none.
 *
 * Choices worth knowing:
 * - Records are physical lines. Phone data never holds a line break, so a quoted field that runs
 *   past the end of its line is an error for that line (not a multi-line record): one stray quote
 *   then costs one line, not the rest of the file, and every error keeps its physical line number.
 * - Blank lines, and lines of nothing but separators (Excel's cleared rows), are skipped and are
 *   not data lines.
 * - An empty cell leaves the property out of the row; it does not mean "clear".
 */

export type ImportColumn = 'mac' | 'e164' | 'model' | 'site' | 'tags' | 'user' | 'profile';
export const IMPORT_COLUMNS: readonly ImportColumn[] = ['mac', 'e164', 'model', 'site', 'tags', 'user', 'profile'];

export interface ImportRow {
  /** Physical line in the file (header = 1). */
  line: number;
  /** Canonical upper-case colon form, `AA:BB:CC:DD:EE:FF`. */
  mac: string;
  e164?: string;
  model?: string;
  site?: string;
  tags: string[];
  user?: string;
  profile?: string;
}

export interface ImportLineError {
  /** Physical line in the file, 1-based, header = 1. */
  line: number;
  column?: string;
  message: string;
}

export type ImportFatalCode = 'encoding' | 'too-many-lines' | 'header' | 'empty';

export interface ImportFatal {
  code: ImportFatalCode;
  message: string;
}

export interface PhoneImportOptions {
  knownProfiles: ReadonlySet<string>;
  /** Data lines allowed (header and blank lines not counted). */
  maxLines?: number;
}

/** `lines` counts data lines (not the header, not blank lines); 0 when the file is no table. */
export type PhoneImportParse =
  | { ok: true; rows: ImportRow[]; lines: number }
  | { ok: false; fatal?: ImportFatal; errors: ImportLineError[]; rows: ImportRow[]; lines: number };

export const DEFAULT_MAX_IMPORT_LINES = 50_000;
/** Errors listed before a single "N more" entry, so a garbage file still gives a short report. */
export const MAX_IMPORT_ERRORS = 1_000;

const MAX_TEXT_LENGTH = 128;
const TAG = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const DOTTED_MAC = /^[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}$/;
const E164 = /^\+?[0-9]{3,15}$/;
const HEADER_NAMES: ReadonlyMap<string, ImportColumn> = new Map<string, ImportColumn>([
  ...IMPORT_COLUMNS.map((column) => [column, column] as const),
  ['phone number', 'e164'],
  ['number', 'e164'],
  ['device-type', 'model'],
  ['user name', 'user'],
  ['username', 'user'],
  ['user_name', 'user'],
]);

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parsePhoneImport(bytes: Buffer, options: PhoneImportOptions): PhoneImportParse {
  const maxLines = options.maxLines ?? DEFAULT_MAX_IMPORT_LINES;
  if (bytes.length === 0) {
    return fatal('empty', 'the file is empty');
  }
  const decoded = decodeUtf8(bytes);
  if (typeof decoded !== 'string') {
    return fatal('encoding', decoded.problem);
  }

  const physical = decoded.split('\n');
  let headerIndex = 0;
  while (headerIndex < physical.length && isBlank(withoutCr(physical[headerIndex]), '')) {
    headerIndex++;
  }
  if (headerIndex === physical.length) {
    return fatal('empty', 'the file has no header line (it is blank)');
  }
  const header = readHeader(withoutCr(physical[headerIndex]));
  if ('problem' in header) {
    return fatal('header', `line ${headerIndex + 1}: ${header.problem}`);
  }
  const { columns, separator } = header;

  // Counted before any row is built, so an oversized file is refused at the cost of a scan.
  let dataLines = 0;
  for (let i = headerIndex + 1; i < physical.length; i++) {
    if (!isBlank(withoutCr(physical[i]), separator)) {
      dataLines++;
    }
  }
  if (dataLines > maxLines) {
    return fatal('too-many-lines', `the file has ${dataLines} data lines; an import takes at most ${maxLines}: split it into smaller files`, dataLines);
  }

  const errors = new ErrorList(MAX_IMPORT_ERRORS);
  const rows: ImportRow[] = [];
  const firstLineOfMac = new Map<string, number>();
  for (let i = headerIndex + 1; i < physical.length; i++) {
    const text = withoutCr(physical[i]);
    if (isBlank(text, separator)) {
      continue;
    }
    const line = i + 1;
    const fields = splitFields(text, separator);
    if (!Array.isArray(fields)) {
      errors.add({ line, message: fields.problem });
      continue;
    }
    if (fields.length !== columns.length) {
      const hint = fields.length > columns.length ? ` (a value containing '${separator}' must be in double quotes)` : '';
      errors.add({ line, message: `expected ${columns.length} fields as in the header, found ${fields.length}${hint}` });
      continue;
    }
    const { row, valid } = readRow(line, columns, fields, options.knownProfiles, errors);
    const first = row.mac === '' ? undefined : firstLineOfMac.get(row.mac);
    if (first !== undefined) {
      errors.add({ line, column: 'mac', message: `duplicate of line ${first} (${row.mac})` });
    } else if (row.mac !== '') {
      firstLineOfMac.set(row.mac, line);
    }
    if (valid && first === undefined) {
      rows.push(row);
    }
  }

  const listed = errors.list();
  return listed.length === 0 ? { ok: true, rows, lines: dataLines } : { ok: false, errors: listed, rows, lines: dataLines };
}

function fatal(code: ImportFatalCode, message: string, lines = 0): PhoneImportParse {
  return { ok: false, fatal: { code, message }, errors: [], rows: [], lines };
}

// ---------------------------------------------------------------------------------------------
// Encoding

function decodeUtf8(bytes: Buffer): string | { problem: string } {
  const mustBe = 'the file must be UTF-8 (in Excel: save as "CSV UTF-8")';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { problem: `${mustBe}; found a UTF-16 LE byte-order mark` };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { problem: `${mustBe}; found a UTF-16 BE byte-order mark` };
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    return { problem: `${mustBe}; found a NUL byte at byte offset ${nul}${where(bytes, nul)} (UTF-16 without a byte-order mark?)` };
  }
  try {
    // Strips a UTF-8 byte-order mark (ignoreBOM defaults to false).
    return utf8.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    return { problem: `${mustBe}; found invalid UTF-8 at byte offset ${offset}${where(bytes, offset)} (Latin-1 / Windows-1252?)` };
  }
}

function where(bytes: Buffer, offset: number): string {
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < offset; i = bytes.indexOf(0x0a, i + 1)) {
    line++;
  }
  return ` (line ${line})`;
}

/** Only run once decoding failed, to say where: the offset of the first ill-formed sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    const trailing = lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : 0;
    if (trailing === 0) {
      return i;
    }
    // Unicode's table of well-formed sequences narrows the first continuation byte for these leads.
    let low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    let high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= trailing; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < low || next > high) {
        return i;
      }
      low = 0x80;
      high = 0xbf;
    }
    i += trailing + 1;
  }
  return bytes.length;
}

// ---------------------------------------------------------------------------------------------
// Lines and fields (RFC 4180, one record per physical line)

function withoutCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Only spaces, tabs and separators: nothing to import. */
function isBlank(line: string, separator: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c !== ' ' && c !== '\t' && c !== separator) {
      return false;
    }
  }
  return true;
}

function splitFields(line: string, separator: string): string[] | { problem: string } {
  if (!line.includes('"')) {
    return line.split(separator).map((field) => field.trim());
  }
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let start = i;
    while (line[start] === ' ' || line[start] === '\t') {
      start++;
    }
    if (line[start] !== '"') {
      // Unquoted; a quote inside it is taken literally, as spreadsheets do.
      const end = line.indexOf(separator, i);
      fields.push((end === -1 ? line.slice(i) : line.slice(i, end)).trim());
      if (end === -1) {
        return fields;
      }
      i = end + 1;
      continue;
    }
    let value = '';
    let k = start + 1;
    for (;;) {
      const quote = line.indexOf('"', k);
      if (quote === -1) {
        return { problem: `field ${fields.length + 1}: the quoted value does not end on this line (line breaks inside a value are not supported)` };
      }
      if (line[quote + 1] === '"') {
        value += line.slice(k, quote + 1);
        k = quote + 2;
        continue;
      }
      value += line.slice(k, quote);
      k = quote + 1;
      break;
    }
    fields.push(value);
    while (line[k] === ' ' || line[k] === '\t') {
      k++;
    }
    if (k >= line.length) {
      return fields;
    }
    if (line[k] !== separator) {
      return { problem: `field ${fields.length}: unexpected text after the closing quote (a quote inside a quoted value is written "")` };
    }
    i = k + 1;
  }
}

function readHeader(line: string): { columns: ImportColumn[]; separator: string } | { problem: string } {
  if (line.includes('\r')) {
    return { problem: 'lines must end with LF or CRLF; this file uses bare CR line breaks' };
  }
  const separator = !line.includes(',') && line.includes(';') ? ';' : ',';
  const names = splitFields(line, separator);
  if (!Array.isArray(names)) {
    return { problem: `header: ${names.problem}` };
  }
  const columns: ImportColumn[] = [];
  const problems: string[] = [];
  const unknown: string[] = [];
  const nameOf = new Map<ImportColumn, string>();
  names.forEach((raw, index) => {
    const name = raw.trim();
    const column = HEADER_NAMES.get(name.toLowerCase().replace(/\s+/g, ' '));
    if (name === '') {
      problems.push(`column ${index + 1} has no name`);
    } else if (column === undefined) {
      unknown.push(quote(name));
    } else if (nameOf.has(column)) {
      problems.push(`columns '${nameOf.get(column)}' and '${name}' both give ${column}`);
    } else {
      nameOf.set(column, name);
      columns.push(column);
    }
  });
  if (unknown.length > 0) {
    problems.unshift(`unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${IMPORT_COLUMNS.join(', ')})`);
  }
  if (!nameOf.has('mac')) {
    problems.push(`no 'mac' column (the first line names the columns, e.g. mac${separator}e164${separator}profile)`);
  }
  return problems.length > 0 ? { problem: problems.join('; ') } : { columns, separator };
}

// ---------------------------------------------------------------------------------------------
// Values

type Checked<T> = { value: T } | { problem: string };

function readRow(
  line: number,
  columns: readonly ImportColumn[],
  fields: readonly string[],
  knownProfiles: ReadonlySet<string>,
  errors: ErrorList,
): { row: ImportRow; valid: boolean } {
  const row: ImportRow = { line, mac: '', tags: [] };
  let valid = true;
  for (let i = 0; i < columns.length; i++) {
    // A cell of the phone export reads back as exported: its formula guard (`'+4989…`) is undone.
    const problem = readInto(row, columns[i], unguardFormulas(fields[i]), knownProfiles);
    if (problem !== undefined) {
      errors.add({ line, column: columns[i], message: problem });
      valid = false;
    }
  }
  return { row, valid };
}

/** Sets the column's value on the row, or says what is wrong with it. */
function readInto(row: ImportRow, column: ImportColumn, raw: string, knownProfiles: ReadonlySet<string>): string | undefined {
  switch (column) {
    case 'mac':
      return take(readMac(raw), (mac) => (row.mac = mac));
    case 'tags':
      return take(readTags(raw), (tags) => (row.tags = tags));
    case 'e164':
      return take(readE164(raw), (e164) => e164 !== undefined && (row.e164 = e164));
    case 'profile':
      return take(readProfile(raw, knownProfiles), (profile) => profile !== undefined && (row.profile = profile));
    case 'model':
    case 'site':
    case 'user':
      return take(readText(raw), (text) => text !== undefined && (row[column] = text));
  }
}

function take<T>(checked: Checked<T>, set: (value: T) => unknown): string | undefined {
  if ('problem' in checked) {
    return checked.problem;
  }
  set(checked.value);
  return undefined;
}

function readMac(raw: string): Checked<string> {
  const text = raw.trim();
  if (text === '') {
    return { problem: 'missing MAC address' };
  }
  // Cisco-style dotted notation, which switch tables print; normaliseMac knows the others.
  const mac = normaliseMac(DOTTED_MAC.test(text) ? text.replace(/\./g, '') : text);
  return mac === undefined ? { problem: `not a MAC address: ${quote(text)}` } : { value: mac };
}

function readE164(raw: string): Checked<string | undefined> {
  const number = raw.replace(/ /g, '');
  if (number === '') {
    return { value: undefined };
  }
  return E164.test(number) ? { value: number } : { problem: `not an E.164 number: ${quote(raw.trim())} (expected an optional + and 3 to 15 digits)` };
}

function readTags(raw: string): Checked<string[]> {
  const tags: string[] = [];
  const bad: string[] = [];
  for (const part of raw.split(/[|;]/)) {
    const tag = part.trim();
    if (tag === '' || tags.includes(tag)) {
      continue;
    }
    if (TAG.test(tag)) {
      tags.push(tag);
    } else {
      bad.push(quote(tag));
    }
  }
  if (bad.length > 0) {
    return { problem: `not a valid tag: ${bad.join(', ')} (1 to 64 letters, digits, _ . : - starting with a letter or digit)` };
  }
  return { value: tags };
}

function readProfile(raw: string, knownProfiles: ReadonlySet<string>): Checked<string | undefined> {
  const profile = raw.trim();
  if (profile === '') {
    return { value: undefined };
  }
  return knownProfiles.has(profile) ? { value: profile } : { problem: `unknown profile '${clip(profile)}'` };
}

function readText(raw: string): Checked<string | undefined> {
  if (raw.trim() === '') {
    return { value: undefined };
  }
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      return { problem: `contains a control character (U+${c.toString(16).toUpperCase().padStart(4, '0')})` };
    }
  }
  // Length in characters (code points), not UTF-16 units; the fast check covers nearly all values.
  const length = raw.length <= MAX_TEXT_LENGTH ? raw.length : [...raw].length;
  return length <= MAX_TEXT_LENGTH ? { value: raw } : { problem: `too long: ${length} characters (at most ${MAX_TEXT_LENGTH})` };
}

/** Values are echoed in messages; clipped so a 1 MB field does not make a 1 MB report. */
function clip(text: string): string {
  return text.length <= 40 ? text : `${text.slice(0, 40)}…`;
}

function quote(text: string): string {
  return JSON.stringify(clip(text));
}

class ErrorList {
  private readonly errors: ImportLineError[] = [];
  private omitted = 0;
  private firstOmittedLine = 0;

  constructor(private readonly limit: number) {}

  add(error: ImportLineError): void {
    if (this.errors.length < this.limit) {
      this.errors.push(error);
      return;
    }
    if (this.omitted === 0) {
      this.firstOmittedLine = error.line;
    }
    this.omitted++;
  }

  list(): ImportLineError[] {
    if (this.omitted === 0) {
      return this.errors;
    }
    const more = `${this.omitted} more error${this.omitted > 1 ? 's' : ''} not listed, the first of them on this line`;
    return [...this.errors, { line: this.firstOmittedLine, message: more }];
  }
}
