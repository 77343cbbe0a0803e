import { guardFormulas } from '../import/spreadsheet-formulas';

/**
 * One field of an exported CSV: always quoted (a `,` or `;` inside never splits it, whichever
 * separator the reader's locale uses) and guarded against formulas, phone numbers included
 * (`+4989…` is a formula to a spreadsheet too). The import reads such fields back unchanged.
 */
export function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return `"${guardFormulas(text).replace(/"/g, '""')}"`;
}
