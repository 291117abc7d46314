// Polling for what a test waits to see: a probe asked every 200 ms until it answers (anything but undefined);
// a probe that throws counts as no answer yet. Fails after `ms`, naming what it waited for and the last answer.
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 30_000,
  detail: () => string = () => '',
): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    last = await probe().catch((e: unknown) => e);
    if (last !== undefined && !(last instanceof Error)) return last as T;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what} (last: ${String(last)})${detail()}`);
}
