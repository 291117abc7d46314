// The `changes` of `docker import --change`: Dockerfile instructions applied to the imported image's config.
// Docker accepts CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME and WORKDIR here.
import { EngineError } from '../errors.js';
import type { ContainerConfig } from './image-config.js';

function argv(rest: string): string[] {
  const trimmed = rest.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed = JSON.parse(trimmed) as unknown;
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return parsed as string[];
    } catch {
      // not JSON: the shell form, as Docker falls back to
    }
  }
  return ['/bin/sh', '-c', trimmed];
}

/** `KEY=value KEY2="two words"` or the legacy `KEY value`. */
function pairs(rest: string): Array<[string, string]> {
  const trimmed = rest.trim();
  if (!/^[^\s=]+=/.test(trimmed)) {
    const space = trimmed.search(/\s/);
    return space < 0 ? [[trimmed, '']] : [[trimmed.slice(0, space), trimmed.slice(space).trim()]];
  }
  const out: Array<[string, string]> = [];
  for (const m of trimmed.matchAll(/([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) {
    const raw = m[2] ?? '';
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw.replace(/^'(.*)'$/, '$1');
    out.push([m[1] as string, value]);
  }
  return out;
}

export function applyImportChanges(changes: readonly string[]): Partial<ContainerConfig> {
  const config: Record<string, unknown> = {};
  for (const change of changes) {
    const m = /^\s*(\w+)\s+([\s\S]*)$/.exec(change);
    if (!m) throw new EngineError('invalid', 'ENGINE_BAD_CHANGE', `invalid change: "${change}"`);
    const instruction = (m[1] as string).toUpperCase();
    const rest = m[2] as string;
    switch (instruction) {
      case 'CMD':
        config.Cmd = argv(rest);
        break;
      case 'ENTRYPOINT':
        config.Entrypoint = argv(rest);
        break;
      case 'ENV': {
        const env = ((config.Env as string[] | undefined) ?? []).slice();
        for (const [k, v] of pairs(rest)) {
          const at = env.findIndex((e) => e.startsWith(`${k}=`));
          if (at >= 0) env[at] = `${k}=${v}`;
          else env.push(`${k}=${v}`);
        }
        config.Env = env;
        break;
      }
      case 'LABEL':
        config.Labels = {
          ...((config.Labels as Record<string, string> | undefined) ?? {}),
          ...Object.fromEntries(pairs(rest)),
        };
        break;
      case 'EXPOSE': {
        const ports = (config.ExposedPorts as Record<string, object> | undefined) ?? {};
        for (const p of rest.trim().split(/\s+/)) ports[p.includes('/') ? p : `${p}/tcp`] = {};
        config.ExposedPorts = ports;
        break;
      }
      case 'VOLUME': {
        const volumes = (config.Volumes as Record<string, object> | undefined) ?? {};
        for (const v of rest.trim().startsWith('[') ? argv(rest) : rest.trim().split(/\s+/)) volumes[v] = {};
        config.Volumes = volumes;
        break;
      }
      case 'WORKDIR':
        config.WorkingDir = rest.trim();
        break;
      case 'USER':
        config.User = rest.trim();
        break;
      case 'STOPSIGNAL':
        config.StopSignal = rest.trim();
        break;
      case 'ONBUILD':
        config.OnBuild = [...((config.OnBuild as string[] | undefined) ?? []), rest.trim()];
        break;
      default:
        throw new EngineError('invalid', 'ENGINE_BAD_CHANGE', `${instruction} is not supported by import --change`, {
          hint: 'use CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME or WORKDIR',
        });
    }
  }
  return config as Partial<ContainerConfig>;
}
