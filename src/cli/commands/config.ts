// `berth config`: the normalized stack as YAML or JSON, or one of its lists, or the per-service config hashes.
import { BerthError } from '../../errors.js';
import { serviceConfigHash } from '../../spec/config-hash.js';
import type { Stack } from '../../spec/model.js';
import type { ReadResult } from '../../spec/read.js';
import { configDocument, renderConfigYaml } from '../render-config.js';

export interface ConfigOptions {
  format: 'yaml' | 'json';
  services?: boolean;
  volumes?: boolean;
  profiles?: boolean;
  images?: boolean;
  quiet?: boolean;
  hash?: string;
}

/** Returns the text to print ('' for -q). The whole stack's text is kept in the stack cache, when there is one. */
export function configCommand(loaded: { stack: Stack; output: ReadResult['output'] }, opts: ConfigOptions): string {
  if (opts.quiet) return '';
  if (opts.services || opts.volumes || opts.profiles || opts.images || opts.hash !== undefined) {
    return listOf(loaded.stack, opts, opts.hash);
  }
  return loaded.output(`config.${opts.format}`, () =>
    opts.format === 'json'
      ? `${JSON.stringify(configDocument(loaded.stack), null, 2)}\n`
      : renderConfigYaml(loaded.stack),
  );
}

function listOf(stack: Stack, opts: ConfigOptions, hash: string | undefined): string {
  const lines = (list: readonly string[]): string => (list.length > 0 ? `${list.join('\n')}\n` : '');
  if (opts.services) return lines(Object.keys(stack.services).sort());
  if (opts.volumes) return lines(Object.keys(stack.volumes).sort());
  if (opts.profiles) return lines([...new Set(Object.values(stack.services).flatMap((s) => s.profiles ?? []))].sort());
  if (opts.images) {
    return lines(
      Object.values(stack.services)
        .map((s) => s.image ?? `${stack.name}-${s.name}`)
        .sort(),
    );
  }
  const names = hash === '*' ? Object.keys(stack.services).sort() : (hash ?? '').split(',').map((s) => s.trim());
  for (const n of names) {
    if (!stack.services[n]) {
      throw new BerthError('CLI_UNKNOWN_SERVICE', `no such service: "${n}"`, {
        hint: `services are: ${Object.keys(stack.services).sort().join(', ')}`,
      });
    }
  }
  return lines(
    names.map((n) => `${n} ${serviceConfigHash(stack.services[n] as NonNullable<Stack['services'][string]>)}`),
  );
}
