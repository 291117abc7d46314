// Ordering strings by code point, as Go's sort.Strings (and so Docker Compose) does. Not localeCompare: its first
// call loads ICU's collator, ~18 ms of every berth command that sorts anything.

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
