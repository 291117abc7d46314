// Signal names as Docker takes them (kill, stop_signal, restart policies).
import { constants } from 'node:os';

/** SIGTERM for "TERM", "SIGTERM", "15" or 15, as Docker accepts all of them. */
export function signalName(s: string | number): string {
  const text = String(s).toUpperCase();
  if (/^\d+$/.test(text)) {
    const found = Object.entries(constants.signals).find(([, n]) => n === Number(text));
    return found ? found[0] : text;
  }
  return text.startsWith('SIG') ? text : `SIG${text}`;
}

/** The number of a signal as Docker names it, or undefined for one Node has no number for (real-time ones). */
export function signalNumber(s: string | number): number | undefined {
  const name = signalName(s) as keyof typeof constants.signals;
  return Object.hasOwn(constants.signals, name) ? constants.signals[name] : undefined;
}
