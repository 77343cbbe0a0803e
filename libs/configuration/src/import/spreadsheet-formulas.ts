/**
 * CSV injection: a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (TAB and CR
 * too) as a formula, and one opened with `;` as its separator also splits a cell at every `,`
 * or `;` inside it, so `V3;=1+1` becomes two cells, the second a formula. A `'` before such a
 * character makes the spreadsheet show it as text.
 *
 * The guard is an exact escape, so the import can undo it: a `'` already standing at such a
 * place (`'=x`) gets one more, and `unguardFormulas` takes exactly one away.
 */
const GUARDED = /(^|[,;])(?='*[=+\-@\t\r])/g;
const UNGUARDED = /(^|[,;])'(?='*[=+\-@\t\r])/g;

export function guardFormulas(text: string): string {
  return text.replace(GUARDED, "$1'");
}

/** The inverse of `guardFormulas`: a cell of an exported file reads back as the value exported. */
export function unguardFormulas(text: string): string {
  return text.replace(UNGUARDED, '$1');
}
