// Which images `up` (and `run`) must pull, as plan actions: Compose's mustPull (pkg/compose/pull.go) on data. Pure:
// what the engine has of each image (and when it last tagged it, dockerd's Metadata.LastTagTime, which Compose's
// refresh policies compare with) and the current time come in with the input.
import type { Service, Stack } from '../spec/model.js';
import { parsePullPolicy } from '../spec/syntax/pull-policy.js';
import type { PullPolicy } from '../spec/syntax/pull-policy.js';
import type { Plan } from './action.js';
import { addAction } from './action.js';

/** What the engine has of one image: absent, or present and last pulled or tagged at `lastTagTime` (ms, if known). */
export type ImageFacts = { present: false } | { present: true; lastTagTime?: number };

export interface PullInput {
  stack: Stack;
  /** The services to run, in plan order. */
  services: readonly string[];
  /** By image reference (the service's `image:`). A reference not listed counts as absent. */
  images: Readonly<Record<string, ImageFacts>>;
  now: number;
  /** `up --pull`: replaces the pull_policy of every service that is not built. */
  override?: 'always' | 'missing' | 'never';
}

/** The decision for one image: undefined when it is not pulled, else the reason shown in the plan. */
export function pullReason(policy: PullPolicy, facts: ImageFacts, now: number): string | undefined {
  switch (policy.kind) {
    case 'always':
      return 'policy always';
    case 'never':
    case 'build':
      return undefined;
    case 'missing':
      return facts.present ? undefined : 'missing';
    case 'refresh':
      if (!facts.present) return 'missing';
      // An engine that does not say when it tagged the image: as Compose's zero time, it is due.
      if (facts.lastTagTime === undefined) return 'last pull time unknown';
      return now >= facts.lastTagTime + policy.everyMs ? `last pulled ${ago(now - facts.lastTagTime)} ago` : undefined;
  }
}

/** The policy a service is pulled by: `up --pull` for services that are not built, else its pull_policy. */
export function servicePullPolicy(service: Service, override?: PullInput['override']): PullPolicy {
  if (override !== undefined && service.build === undefined) return { kind: override };
  const parsed = parsePullPolicy(typeof service.pull_policy === 'string' ? service.pull_policy : undefined);
  // The loader has checked pull_policy; a bad one cannot reach here, but "missing" is the safe reading.
  return parsed.ok ? parsed.value : { kind: 'missing' };
}

/** One image to pull: its reference, the first service that runs it (the progress row), and why. */
export interface PullDecision {
  ref: string;
  service: string;
  reason: string;
}

/** The images to pull, one per reference. Services with `build:` are built, not pulled (build fetches their bases). */
export function planPulls(input: PullInput): PullDecision[] {
  const out = new Map<string, PullDecision>();
  for (const name of input.services) {
    const service = input.stack.services[name];
    if (!service || service.image === undefined || service.build !== undefined) continue;
    const ref = service.image;
    if (out.has(ref)) continue;
    const facts = input.images[ref] ?? { present: false };
    const reason = pullReason(servicePullPolicy(service, input.override), facts, input.now);
    if (reason !== undefined) out.set(ref, { ref, service: name, reason });
  }
  return [...out.values()];
}

/** The pulls alone as a plan: `up` runs them before it plans the rest, which then sees the pulled images' IDs. */
export function pullPlan(project: string, pulls: readonly PullDecision[]): Plan {
  const actions: Plan['actions'][number][] = [];
  for (const p of pulls) {
    addAction(actions, { kind: 'pull', after: [], row: { resource: 'image', name: p.service }, ...p });
  }
  return { project, actions, unchanged: [], warnings: [] };
}

function ago(ms: number): string {
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ];
  for (const [unit, size] of units) if (ms >= size) return `${Math.floor(ms / size)}${unit}`;
  return `${Math.floor(ms / 1000)}s`;
}
