// The whole stack from the checked raw tree to the model: services, then networks, volumes, secrets and configs
// with the names Compose gives them (`<project>_<key>` unless external or named), and the default network
// where a service uses it.
import { posix } from 'node:path';
import type { Diagnostic } from '../../errors.js';
import { parseDotenv } from '../dotenv.js';
import type { Network, SecretOrConfig, Service, Stack, Volume } from '../model.js';
import { resolvePath } from '../paths.js';
import type { Tree, TreeMap } from '../tree.js';
import { isList, isMap, locate } from '../tree.js';
import { plain, text, toNullableMap, toStringMap } from './convert.js';
import { normalizeService } from './service.js';
import { unsupportedWarnings } from './unsupported.js';

export interface NormalizeOptions {
  name: string;
  projectDir: string;
  env: Readonly<Record<string, string>>;
  readExtra: (path: string) => string | undefined;
  disabledServices: readonly string[];
}

export interface NormalizeResult {
  stack: Stack;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export function normalizeStack(tree: TreeMap, opts: NormalizeOptions): NormalizeResult {
  const errors: Diagnostic[] = [];
  const home = opts.env.HOME;
  const lookup = (n: string): string | undefined => opts.env[n];
  const services: Record<string, Service> = {};
  const rawServices = isMap(tree.services) ? tree.services : {};
  for (const name of Object.keys(rawServices)) {
    const svc = rawServices[name] as Tree;
    const raw = isMap(svc) ? svc : ({} as TreeMap);
    const envFromFiles = readEnvFiles(raw, name, { tree, opts, errors, home });
    services[name] = normalizeService(name, raw, { projectDir: opts.projectDir, home, lookup, envFromFiles });
  }
  const section = <T>(key: string, fn: (k: string, v: TreeMap) => T): Record<string, T> => {
    const out: Record<string, T> = {};
    const m = tree[key];
    if (isMap(m)) for (const k of Object.keys(m)) out[k] = fn(k, isMap(m[k]) ? (m[k] as TreeMap) : ({} as TreeMap));
    return out;
  };
  const nameOf = (key: string, v: TreeMap): string =>
    typeof v.name === 'string' ? v.name : v.external === true ? key : `${opts.name}_${key}`;
  const networks = section<Network>('networks', (k, v) => resource(v, nameOf(k, v)) as Network);
  const usesDefault = Object.values(services).some((s) => s.networks && 'default' in s.networks);
  if (usesDefault && !networks.default) networks.default = { name: `${opts.name}_default` };
  const volumes = section<Volume>('volumes', (k, v) => resource(v, nameOf(k, v)) as Volume);
  const fileResource = (k: string, v: TreeMap): SecretOrConfig => {
    const r = resource(v, nameOf(k, v)) as SecretOrConfig;
    if (typeof r.file === 'string') r.file = resolvePath(r.file, opts.projectDir, home);
    return r;
  };
  const extensions: Record<string, unknown> = {};
  for (const k of Object.keys(tree)) if (k.startsWith('x-')) extensions[k] = plain(tree[k]);
  const stack: Stack = {
    name: opts.name,
    services,
    networks,
    volumes,
    secrets: section('secrets', fileResource),
    configs: section('configs', fileResource),
    extensions,
    disabledServices: opts.disabledServices,
  };
  if (isMap(tree.models)) stack.models = plain(tree.models) as Record<string, unknown>;
  return { stack, errors, warnings: unsupportedWarnings(tree) };
}

/** A top-level network or volume (or secret, config): name first, maps for labels and driver options. */
function resource(v: TreeMap, name: string): Record<string, unknown> {
  const out: Record<string, unknown> = { name };
  for (const k of Object.keys(v)) {
    if (k === 'name') continue;
    out[k] = k === 'labels' || k === 'driver_opts' ? toStringMap(v[k]) : plain(v[k]);
  }
  if (isMap(v.ipam) && 'options' in v.ipam) (out.ipam as Record<string, unknown>).options = toStringMap(v.ipam.options);
  return out;
}

/** The variables of a service's env_file entries, in order; a missing required file is an error at its entry. */
function readEnvFiles(
  svc: TreeMap,
  name: string,
  ctx: { tree: TreeMap; opts: NormalizeOptions; errors: Diagnostic[]; home: string | undefined },
): Record<string, string> {
  const vars: Record<string, string> = {};
  if (svc.env_file === undefined || svc.env_file === null) return vars;
  const entries = isList(svc.env_file) ? svc.env_file : [svc.env_file];
  const own = toNullableMap(svc.environment);
  entries.forEach((e, i) => {
    const path = resolvePath(text(isMap(e) ? e.path : e), ctx.opts.projectDir, ctx.home);
    const required = !(isMap(e) && e.required === false);
    const at = locate(ctx.tree, ['services', name, 'env_file', ...(isList(svc.env_file) ? [i] : [])]);
    const content = ctx.opts.readExtra(path);
    if (content === undefined) {
      if (required) {
        ctx.errors.push({
          code: 'SPEC_ENV_FILE_MISSING',
          severity: 'error',
          message: `env file "${path}" cannot be read`,
          hint: `create it, or mark it optional with "path: ${posix.basename(path)}" and "required: false"`,
          at,
        });
      }
      return;
    }
    // compose-go resolves ${VAR} from the project environment, then the service's own environment entries, then the
    // keys read so far (this file's, then earlier files'): a file that redefines a key sees its own value.
    const parsed = parseDotenv(
      content,
      (n) => ctx.opts.env[n] ?? own[n] ?? undefined,
      (n) => vars[n],
    );
    if (!parsed.ok) {
      ctx.errors.push({
        code: 'SPEC_DOTENV',
        severity: 'error',
        message: `${parsed.message} (in env file used by service "${name}")`,
        hint: parsed.hint,
        at: { file: path, line: parsed.line, column: parsed.column, path: '' },
      });
      return;
    }
    for (const [k, v] of parsed.vars) vars[k] = v;
  });
  return vars;
}
