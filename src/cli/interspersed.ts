// `exec` and `run` read their own flags only up to the service name, as Compose's do (cobra's
// SetInterspersed(false)): in `berth exec web ls -d /`, "-d" belongs to ls. Commander reads flags anywhere, so
// these commands read their part of the raw command line again, with the options they declare.
import type { Command, Option } from 'commander';
import { BerthError } from '../errors.js';

export interface CommandLine {
  /** Option values by attribute name (commander's), defaults applied. */
  opts: Record<string, unknown>;
  /** The service and what follows it, untouched. */
  operands: string[];
}

/** Re-reads `cmd`'s arguments from the root command's raw arguments. */
export function readInterspersedOff(cmd: Command): CommandLine {
  const root = rootOf(cmd);
  // rawArgs is public in commander's JavaScript, though its typings leave it out
  const raw = (root as unknown as { rawArgs: string[] }).rawArgs;
  const start = skipOptions(raw, root.options as readonly Option[]);
  const own = raw.slice(start + 1); // after the command's name
  const options = cmd.options as readonly Option[];
  const opts: Record<string, unknown> = {};
  for (const o of options) {
    const name = o.attributeName();
    if (o.defaultValue !== undefined) opts[name] = o.defaultValue;
    else if (o.negate) opts[name] = true;
  }
  let i = 0;
  while (i < own.length) {
    const arg = own[i] as string;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? splitOnce(arg) : [arg, undefined];
    const shorts = /^-[A-Za-z]{2,}$/.test(flag) ? [...flag.slice(1)].map((c) => `-${c}`) : [flag];
    for (const [k, s] of shorts.entries()) {
      const o = options.find((x) => x.short === s || x.long === s);
      if (!o)
        throw new BerthError('CLI_UNKNOWN_OPTION', `unknown flag: ${s}`, { hint: `see berth ${cmd.name()} --help` });
      const name = o.attributeName();
      if (!o.required && !o.optional) {
        opts[name] = !o.negate;
        continue;
      }
      const last = k === shorts.length - 1;
      const value = inline ?? (last ? own[++i] : undefined);
      if (value === undefined) throw new BerthError('CLI_MISSING_VALUE', `flag needs an argument: ${s}`);
      opts[name] = Array.isArray(o.defaultValue) ? [...((opts[name] as string[]) ?? []), value] : value;
    }
    i++;
  }
  return { opts, operands: own.slice(i) };
}

function rootOf(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

/** The index of the first argument that is not one of `options` or its value: the command's name. */
function skipOptions(raw: readonly string[], options: readonly Option[]): number {
  let i = 0;
  while (i < raw.length) {
    const arg = raw[i] as string;
    if (!arg.startsWith('-') || arg === '-') return i;
    const o = options.find((x) => x.short === arg || x.long === arg);
    i += o && (o.required || o.optional) ? 2 : 1;
  }
  return i;
}

function splitOnce(arg: string): [string, string] {
  const eq = arg.indexOf('=');
  return [arg.slice(0, eq), arg.slice(eq + 1)];
}
