// The settings instructions of a Dockerfile (ENV, LABEL, CMD, ENTRYPOINT, WORKDIR, USER, EXPOSE, VOLUME,
// STOPSIGNAL, HEALTHCHECK, SHELL, ONBUILD, MAINTAINER) applied to an image's container config, as dockerd's
// dispatchers do. Pure: the builder expands variables first and commits what this returns.
import { posix } from 'node:path';
import { EngineError } from '../errors.js';
import type { ContainerConfig } from '../images/image-config.js';
import { type Flags, type Instruction, parseDuration } from './dockerfile/index.js';

/** A container config with the keys Docker's image config has beyond the OCI ones. */
export type BuildConfig = ContainerConfig & { Shell?: string[]; OnBuild?: string[] | null };

/** What a settings instruction changes: the new config, the history text, and the author for MAINTAINER. */
export interface SettingsChange {
  config: BuildConfig;
  createdBy: string;
  author?: string;
}

/** The shell for shell-form commands: SHELL's, else /bin/sh -c. */
export function shellOf(config: BuildConfig): string[] {
  return config.Shell && config.Shell.length > 0 ? config.Shell : ['/bin/sh', '-c'];
}

/** A command in exec form: shell form runs through the shell, as Docker does. */
export function commandOf(form: 'shell' | 'exec', args: readonly string[], config: BuildConfig): string[] {
  return form === 'exec' ? [...args] : [...shellOf(config), args.join(' ')];
}

/**
 * Applies one settings instruction whose words are already expanded (`expand` does ENV/ARG substitution of one
 * raw word). Returns undefined for instructions that are not settings (RUN, COPY, ADD, ARG).
 */
export function applySettings(
  ins: Instruction,
  config: BuildConfig,
  ctx: { expand: (word: string) => string; cmdSet: boolean; file: string },
): SettingsChange | undefined {
  const { expand } = ctx;
  const bad = (why: string, hint: string): EngineError =>
    new EngineError('invalid', 'ENGINE_DOCKERFILE_INVALID', `${ctx.file}:${ins.at.line}:${ins.at.column}: ${why}`, {
      hint,
    });
  const next: BuildConfig = { ...config };
  switch (ins.kind) {
    case 'ENV':
      return envChange(ins.pairs, config, expand);
    case 'LABEL':
      return labelChange(ins.pairs, config, expand);
    case 'CMD':
      next.Cmd = commandOf(ins.form, ins.args, config);
      return { config: next, createdBy: `CMD ${JSON.stringify(next.Cmd)}` };
    case 'ENTRYPOINT':
      next.Entrypoint = commandOf(ins.form, ins.args, config);
      // "If CMD is defined from the base image, setting ENTRYPOINT will reset CMD to an empty value."
      if (!ctx.cmdSet) next.Cmd = null;
      return { config: next, createdBy: `ENTRYPOINT ${JSON.stringify(next.Entrypoint)}` };
    case 'WORKDIR':
      next.WorkingDir = workdirOf(config.WorkingDir, expand(ins.value));
      return { config: next, createdBy: `WORKDIR ${next.WorkingDir}` };
    case 'USER':
      next.User = expand(ins.value);
      return { config: next, createdBy: `USER ${next.User}` };
    case 'STOPSIGNAL':
      next.StopSignal = expand(ins.value);
      return { config: next, createdBy: `STOPSIGNAL ${next.StopSignal}` };
    case 'EXPOSE':
      return exposeChange(ins.values, config, { expand, bad });
    case 'VOLUME': {
      const volumes = { ...(config.Volumes ?? {}) };
      const added = ins.values.map(expand).filter(Boolean);
      if (added.length === 0) throw bad('VOLUME names no path', 'write VOLUME /data');
      for (const v of added) volumes[v] = {};
      next.Volumes = volumes;
      return { config: next, createdBy: `VOLUME ${JSON.stringify(added)}` };
    }
    case 'SHELL':
      next.Shell = [...ins.args];
      return { config: next, createdBy: `SHELL ${JSON.stringify(ins.args)}` };
    case 'HEALTHCHECK':
      next.Healthcheck = ins.none ? { Test: ['NONE'] } : healthcheckOf(ins, bad);
      return { config: next, createdBy: `HEALTHCHECK ${ins.none ? 'NONE' : JSON.stringify(next.Healthcheck.Test)}` };
    case 'ONBUILD':
      next.OnBuild = [...(config.OnBuild ?? []), ins.original.replace(/^\s*onbuild\s+/i, '')];
      return { config: next, createdBy: ins.original };
    case 'MAINTAINER':
      return { config: next, createdBy: `MAINTAINER ${expand(ins.value)}`, author: expand(ins.value) };
    default:
      return undefined;
  }
}

type Pairs = readonly { key: string; value: string }[];

/** ENV: each pair replaces the variable of that name or is added; the history shows the expanded pairs. */
function envChange(pairs: Pairs, config: BuildConfig, expand: (word: string) => string): SettingsChange {
  const env = [...(config.Env ?? [])];
  const words: string[] = [];
  for (const { key, value } of pairs) {
    const k = expand(key);
    const v = expand(value);
    const i = env.findIndex((e) => e.slice(0, e.indexOf('=')) === k);
    if (i >= 0) env[i] = `${k}=${v}`;
    else env.push(`${k}=${v}`);
    words.push(`${k}=${v}`);
  }
  return { config: { ...config, Env: env }, createdBy: `ENV ${words.join(' ')}` };
}

function labelChange(pairs: Pairs, config: BuildConfig, expand: (word: string) => string): SettingsChange {
  const labels = { ...(config.Labels ?? {}) };
  const words: string[] = [];
  for (const { key, value } of pairs) {
    const k = expand(key);
    labels[k] = expand(value);
    words.push(`${k}=${labels[k]}`);
  }
  return { config: { ...config, Labels: labels }, createdBy: `LABEL ${words.join(' ')}` };
}

/** EXPOSE: each word a port or range, with /tcp when no protocol is given. */
function exposeChange(
  values: readonly string[],
  config: BuildConfig,
  ctx: { expand: (word: string) => string; bad: (why: string, hint: string) => EngineError },
): SettingsChange {
  const ports = { ...(config.ExposedPorts ?? {}) };
  const added: string[] = [];
  for (const value of values
    .map(ctx.expand)
    .flatMap((v) => v.split(/\s+/))
    .filter(Boolean)) {
    const port = value.includes('/') ? value.toLowerCase() : `${value}/tcp`;
    if (!/^\d+(-\d+)?\/(tcp|udp|sctp)$/.test(port)) throw ctx.bad(`invalid port "${value}"`, 'write 80 or 53/udp');
    ports[port] = {};
    added.push(port);
  }
  return { config: { ...config, ExposedPorts: ports }, createdBy: `EXPOSE ${added.join(' ')}` };
}

/** WORKDIR is relative to the previous one, and cleaned; "/" when none was set. */
export function workdirOf(previous: string | undefined, value: string): string {
  return posix.resolve(previous || '/', value);
}

function healthcheckOf(
  ins: Extract<Instruction, { kind: 'HEALTHCHECK'; none: false }>,
  bad: (why: string, hint: string) => EngineError,
): NonNullable<ContainerConfig['Healthcheck']> {
  const test = ins.form === 'exec' ? ['CMD', ...ins.args] : ['CMD-SHELL', ins.args.join(' ')];
  const out: NonNullable<ContainerConfig['Healthcheck']> = { Test: test };
  const duration = (flag: string): number | undefined => {
    const v = flagValue(ins.flags, flag);
    if (v === undefined) return undefined;
    const ns = parseDuration(v);
    if (ns === undefined) throw bad(`--${flag}="${v}" is not a duration`, 'write e.g. 30s, 1m30s or 500ms');
    return ns;
  };
  const interval = duration('interval');
  const timeout = duration('timeout');
  const startPeriod = duration('start-period');
  const startInterval = duration('start-interval');
  if (interval !== undefined) out.Interval = interval;
  if (timeout !== undefined) out.Timeout = timeout;
  if (startPeriod !== undefined) out.StartPeriod = startPeriod;
  if (startInterval !== undefined) out.StartInterval = startInterval;
  const retries = flagValue(ins.flags, 'retries');
  if (retries !== undefined) {
    if (!/^\d+$/.test(retries)) throw bad(`--retries="${retries}" is not a whole number`, 'write --retries=3');
    out.Retries = Number(retries);
  }
  return out;
}

/** A flag's value (`--from=x`); undefined when absent or written bare (`--link`). */
export function flagValue(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  return v === undefined || v === true ? undefined : v;
}
