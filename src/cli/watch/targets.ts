// Which rules of which services to watch, decided on the loaded stack: the named services (or every one with
// `develop.watch`), each rule with the .dockerignore of its service's build context. Compose's refusals come
// back as errors: nothing to watch, a named service without rules, `rebuild` on a service that is not built.
import { BerthError } from '../../errors.js';
import type { Stack, WatchRule } from '../../spec/model.js';
import { parseDockerignore } from '../../client/dockerignore.js';
import type { ContextIgnore } from './match.js';

/** One rule to watch: its service, the rule, and the build context's ignore patterns when there is one. */
export interface WatchTarget {
  service: string;
  rule: WatchRule;
  context?: ContextIgnore;
}

/** Services that have watch rules, sorted. */
export function watchedServices(stack: Stack): string[] {
  return Object.values(stack.services)
    .filter((s) => (s.develop?.watch?.length ?? 0) > 0)
    .map((s) => s.name)
    .sort();
}

/** The line `up` prints once when services have watch rules and `--watch` was not given. */
export function watchHint(stack: Stack): string | undefined {
  const watched = watchedServices(stack);
  if (watched.length === 0) return undefined;
  return `⦿ ${watched.join(', ')} ${watched.length === 1 ? 'has' : 'have'} develop.watch rules: run \`berth watch\` or \`berth up --watch\` to sync changes as you save\n`;
}

/**
 * `readText(path)` reads a file, undefined when it does not exist. The context's ignore file is the
 * Dockerfile's own (`<Dockerfile>.dockerignore`) when there is one, else `.dockerignore`, as BuildKit reads it.
 */
export function watchTargets(
  stack: Stack,
  services: readonly string[],
  readText: (path: string) => string | undefined,
): WatchTarget[] {
  const chosen = services.length > 0 ? services : watchedServices(stack);
  if (chosen.length === 0) {
    throw new BerthError('CLI_WATCH_NOTHING', 'none of the selected services is configured for watch', {
      hint: 'add a "develop: watch:" section to a service (see https://docs.docker.com/compose/how-tos/file-watch/)',
    });
  }
  const targets: WatchTarget[] = [];
  for (const name of chosen) {
    const service = stack.services[name];
    const rules = service?.develop?.watch ?? [];
    if (!service || rules.length === 0) {
      throw new BerthError('CLI_WATCH_NOT_CONFIGURED', `service "${name}" has no develop.watch rules`, {
        hint: `add "develop: watch:" to service "${name}", or name only: ${watchedServices(stack).join(', ') || '(none)'}`,
      });
    }
    const contextDir = service.build && !/^[a-z]+:\/\//.test(service.build.context) ? service.build.context : undefined;
    const context =
      contextDir === undefined ? undefined : contextIgnore(contextDir, service.build?.dockerfile, readText);
    for (const rule of rules) {
      if (rule.action === 'rebuild' && !service.build) {
        throw new BerthError(
          'CLI_WATCH_REBUILD_NO_BUILD',
          `service "${name}" has no build section, so it cannot be rebuilt`,
          {
            hint: `add "build:" to service "${name}", or use action "sync" or "restart"`,
          },
        );
      }
      targets.push(context ? { service: name, rule, context } : { service: name, rule });
    }
  }
  return targets;
}

function contextIgnore(
  dir: string,
  dockerfile: string | undefined,
  readText: (path: string) => string | undefined,
): ContextIgnore {
  const own = dockerfile
    ? readText(`${dockerfile.startsWith('/') ? dockerfile : `${dir}/${dockerfile}`}.dockerignore`)
    : undefined;
  const text = own ?? readText(`${dir}/.dockerignore`) ?? '';
  return { dir, patterns: parseDockerignore(text) };
}
