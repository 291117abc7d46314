// `berth config`: the normalized stack as YAML or JSON, or one of its lists, or the per-service config hashes.
import { BerthError } from '../../errors.js';
import { serviceConfigHash } from '../../spec/config-hash.js';
import type { Stack } from '../../spec/model.js';
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

/** Returns the text to print ('' for -q). */
export function configCommand(stack: Stack, opts: ConfigOptions, allProfiles: readonly string[]): string {
  if (opts.quiet) return '';
  const lines = (list: readonly string[]): string => (list.length > 0 ? `${list.join('\n')}\n` : '');
  if (opts.services) return lines(Object.keys(stack.services).sort());
  if (opts.volumes) return lines(Object.keys(stack.volumes).sort());
  if (opts.profiles) return lines(allProfiles);
  if (opts.images) {
    return lines(
      Object.values(stack.services)
        .map((s) => s.image ?? `${stack.name}-${s.name}`)
        .sort(),
    );
  }
  if (opts.hash !== undefined) {
    const names = opts.hash === '*' ? Object.keys(stack.services).sort() : opts.hash.split(',').map((s) => s.trim());
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
  if (opts.format === 'json') return `${JSON.stringify(configDocument(stack), null, 2)}\n`;
  return renderConfigYaml(stack);
}
