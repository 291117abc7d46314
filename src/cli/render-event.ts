// A container event of the engine as `docker compose events` prints it (pkg/api Event.String and the --json
// shape of cmd/compose/events.go), and Docker's --since/--until values. Pure: time zone and clock come in.

import type { EngineEvent } from '../client/types.js';

/** Compose leaves its own labels out of the attributes it shows; sorted here (Go's map order is random). */
export function shownAttributes(e: EngineEvent): Record<string, string> {
  const keys = Object.keys(e.attributes)
    .filter((k) => !k.startsWith('com.docker.compose.'))
    .sort();
  return Object.fromEntries(keys.map((k) => [k, e.attributes[k] as string]));
}

/**
 * `2026-11-28 02:41:02.123456 container start <id> (image=busybox, name=x-web-1)` in local time, then an empty
 * line: Compose's String() ends with a newline and Fprintln adds another.
 */
export function renderEventText(e: EngineEvent, offsetMinutes: number): string {
  const { date, nanos } = wallClock(e.timeNano, offsetMinutes);
  const micros = String(Math.floor(nanos / 1000)).padStart(6, '0');
  const attrs = Object.entries(shownAttributes(e))
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return `${date.replace('T', ' ')}.${micros} container ${e.action} ${e.id} (${attrs})\n\n`;
}

/** --json: Go's map marshalling, keys sorted: action, attributes, id, service, time (RFC 3339, ns), type. */
export function renderEventJson(e: EngineEvent, offsetMinutes: number): string {
  const { date, nanos } = wallClock(e.timeNano, offsetMinutes);
  const fraction = nanos === 0 ? '' : `.${String(nanos).padStart(9, '0').replace(/0+$/, '')}`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const zone = offsetMinutes === 0 ? 'Z' : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return `${JSON.stringify({
    action: e.action,
    attributes: shownAttributes(e),
    id: e.id,
    service: e.attributes['com.docker.compose.service'] ?? '',
    time: `${date}${fraction}${zone}`,
    type: 'container',
  })}\n`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** "YYYY-MM-DDTHH:MM:SS" at the given offset east of UTC, and the nanoseconds within the second. */
function wallClock(timeNano: bigint, offsetMinutes: number): { date: string; nanos: number } {
  const seconds = timeNano / 1_000_000_000n;
  const nanos = Number(timeNano % 1_000_000_000n);
  const local = new Date((Number(seconds) + offsetMinutes * 60) * 1000);
  return { date: local.toISOString().slice(0, 19), nanos };
}

/**
 * Docker's --since/--until value (timetypes.GetTimestamp) as Unix seconds: a Unix time ("1700000000.5"), an RFC
 * 3339 date or a Go duration before now ("10m", "1h30m"). Undefined when it is none of these.
 */
export function eventTimestamp(value: string, nowMs: number): string | undefined {
  if (/^\d+(\.\d+)?$/.test(value)) return value;
  if (/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value)) {
    const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6 };
    let ms = 0;
    for (const m of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g))
      ms += Number(m[1]) * (unit[m[2] as string] ?? 0);
    return ((nowMs - ms) / 1000).toFixed(3);
  }
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : (parsed / 1000).toFixed(3);
}
