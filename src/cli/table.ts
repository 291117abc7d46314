// Columns as the docker CLI prints them: each padded to its widest cell, three spaces apart, no trailing blanks.
export function renderTable(rows: ReadonlyArray<readonly string[]>): string {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map(
      (r) =>
        `${r
          .map((v, i) => v.padEnd(widths[i] ?? 0))
          .join('   ')
          .trimEnd()}\n`,
    )
    .join('');
}
