// `berth pull [SERVICE...]`: pulls the images of the stack's services, as `docker compose pull` does
// (pkg/compose/pull.go): concurrently (at most PARALLEL at a time), each image once, one progress row per
// service. Services with `build:` and no `image:` have nothing to pull; those with pull_policy never or build are
// skipped; a failed pull of a service that can be built only warns.
import { BerthError } from '../../errors.js';
import { selectServices } from '../../planner/plan.js';
import type { ImageFacts } from '../../planner/plan-pulls.js';
import { pullReason } from '../../planner/plan-pulls.js';
import type { Service, Stack } from '../../spec/model.js';
import { parsePullPolicy } from '../../spec/syntax/pull-policy.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { pullImage } from '../image-transfer.js';
import { selectProgress } from '../progress/select.js';
import type { ProgressSink } from '../progress/sink.js';
import { inPhase } from '../progress/sink.js';
import { openSession } from '../stack-session.js';
import { imageFacts } from '../image-facts.js';

export interface PullOptions {
  ignorePullFailures?: boolean;
  includeDeps?: boolean;
  quiet?: boolean;
  policy?: string;
}

const PARALLEL = 4;

/** What `pull` does for one service: pull its image, or skip it and say why (Compose's words). */
export type PullDecision =
  { service: string; ref: string; pull: true } | { service: string; ref?: string; pull: false; why: string };

/** Pure: the decision for each selected service, given what the engine has of each image. */
export function decidePulls(
  stack: Stack,
  services: readonly string[],
  opts: { policy: 'always' | 'missing'; images: Readonly<Record<string, ImageFacts>> },
): PullDecision[] {
  const claimed = new Map<string, string>();
  return services.map((name): PullDecision => {
    const service = stack.services[name] as Service;
    const ref = service.image;
    if (ref === undefined) return { service: name, pull: false, why: 'Skipped - No image to be pulled' };
    const policy = parsePullPolicy(typeof service.pull_policy === 'string' ? service.pull_policy : undefined);
    if (policy.ok && (policy.value.kind === 'never' || policy.value.kind === 'build')) {
      return { service: name, ref, pull: false, why: `Skipped - pull_policy is ${String(service.pull_policy)}` };
    }
    const facts = opts.images[ref] ?? { present: false };
    if (pullReason({ kind: opts.policy }, facts, 0) === undefined) {
      return { service: name, ref, pull: false, why: 'Skipped - Image is already present locally' };
    }
    const first = claimed.get(ref);
    if (first !== undefined) {
      return { service: name, ref, pull: false, why: `Skipped - Image is already being pulled by ${first}` };
    }
    claimed.set(ref, name);
    return { service: name, ref, pull: true };
  });
}

export async function pullCommand(
  ctx: CliContext,
  global: ProjectOptions,
  services: string[],
  opts: PullOptions,
): Promise<void> {
  const policy = opts.policy ?? 'always';
  if (policy !== 'always' && policy !== 'missing') {
    throw new BerthError('CLI_BAD_PULL', `--policy ${policy}: expected always or missing`, {
      hint: 'e.g. --policy missing',
    });
  }
  const session = await openSession(ctx, global, services, 'use');
  const { client, stack } = session;
  try {
    const selected = selectServices(stack, services, opts.includeDeps !== true);
    const refs = selected.map((s) => stack.services[s]?.image).filter((r): r is string => r !== undefined);
    const images = policy === 'missing' ? await imageFacts(client, refs) : {};
    const decisions = decidePulls(stack, selected, { policy, images });
    const sink = opts.quiet ? silent : await selectProgress(ctx, global.progress);
    const rows = decisions.map((d) => ({ id: d.service, resource: 'image' as const, name: d.service }));
    const failures: BerthError[] = [];
    await inPhase(sink, rows, async () => {
      for (const d of decisions) {
        if (!d.pull) sink.event({ ...rowOf(d.service), status: 'skipped', text: d.why });
      }
      const queue = decisions.filter((d): d is Extract<PullDecision, { pull: true }> => d.pull);
      const worker = async (): Promise<void> => {
        for (let d = queue.shift(); d !== undefined; d = queue.shift()) {
          const row = rowOf(d.service);
          sink.event({ ...row, status: 'working', text: 'Pulling' });
          try {
            await pullImage(client, d.ref, { env: ctx.env, signal: ctx.signal });
            sink.event({ ...row, status: 'done', text: 'Pulled' });
          } catch (e) {
            if (!(e instanceof BerthError)) throw e;
            const buildable = stack.services[d.service]?.build !== undefined;
            if (opts.ignorePullFailures || buildable) {
              sink.event({ ...row, status: 'skipped', text: `Warning ${e.message}` });
            } else {
              sink.event({ ...row, status: 'failed', text: e.message });
              failures.push(e);
            }
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
    });
    const first = failures[0];
    if (first) {
      const more = failures.length > 1 ? `; ${failures.length - 1} more image(s) failed to pull` : '';
      throw new BerthError(first.code, `${first.message}${more}`, {
        hint: first.hint ?? 'or run berth pull --ignore-pull-failures to pull the rest',
        cause: first,
      });
    }
  } finally {
    client.close();
  }
}

const rowOf = (service: string): { id: string; resource: 'image'; name: string } => ({
  id: service,
  resource: 'image',
  name: service,
});

/** -q: no progress at all (Compose's --quiet), failures still end the command with their error. */
const silent: ProgressSink = {
  begin: async () => undefined,
  end: async () => undefined,
  warn: () => undefined,
  event: () => undefined,
};
