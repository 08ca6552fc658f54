/**
 * Plain-text tables with left-aligned, space-padded columns.
 *
 * @module
 */

/**
 * Format rows as columns separated by two spaces, each as wide as its widest cell;
 * the last column is not padded, so no line ends in spaces.
 *
 * @example
 * ```ts
 * import { formatColumns } from '@netstage/cli';
 * formatColumns([['a', 'bb'], ['ccc', 'd']]); // 'a    bb\nccc  d\n'
 * ```
 */
export function formatColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  let text = '';
  for (const row of rows) {
    const last = row.length - 1;
    text += row.map((cell, i) => (i === last ? cell : cell.padEnd(widths[i] ?? 0))).join('  ') + '\n';
  }
  return text;
}
