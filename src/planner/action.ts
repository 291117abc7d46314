// A plan as plain, serializable data (house style 3.4): every decision `up`, `down` and `start` take is made here,
// before anything runs, so `berth plan --format json` shows exactly what apply.ts will do and in which order.
// apply.ts only dispatches on `kind`; the one thing it fills in is what exists only once an action has run (the
// id of a container created by this plan), and the plan says where each such value goes and which action gives it.
import type { EndpointSettings } from '../client/api-types.js';
import type { ContainerCreate, NetworkCreate, VolumeCreate } from '../client/types.js';

/** `a1`, `a2`, ...: unique in one plan, numbered in the plan's order. */
export type ActionId = `a${number}`;

/**
 * A container an action acts on: one the engine already has (by id), or the one that the `create-container`
 * action `createdBy` of this plan makes (known only once it has run).
 */
export type ContainerRef = { id: string } | { createdBy: ActionId };

/** The progress row an action shows on: Compose's ` Container shop-db-1  Started` (for an image, the service). */
export interface ActionRow {
  resource: 'image' | 'network' | 'volume' | 'container';
  name: string;
}

interface Base {
  id: ActionId;
  /** Actions that must have finished first; each is earlier in `Plan.actions`. A failed one fails this one. */
  after: readonly ActionId[];
  row: ActionRow;
  /** Why the action is in the plan ("missing", "changed: environment", "dependency db recreated"). */
  reason: string;
  /** The action loses data (a container's writable layer, a volume). */
  destructive?: true;
}

/**
 * A value of a create request that is another container's id, known once the action `from` has run: the string
 * at `path` (keys into the create body) holds `{aN}` where that id goes, and apply replaces it there and only
 * there. network_mode, ipc and pid `service:NAME`, volumes_from and links name the first replica of a service,
 * and when this plan creates that replica its id is one of these.
 */
export interface CreateFill {
  path: ReadonlyArray<string | number>;
  from: ActionId;
}

/** A copy of `request` with each fill's `{aN}` replaced by the id `idOf` gives for the action `aN`. */
export function filledRequest(
  request: ContainerCreate,
  fills: readonly CreateFill[],
  idOf: (from: ActionId) => string,
): ContainerCreate {
  const filled = structuredClone(request);
  for (const fill of fills) {
    const parent = fill.path
      .slice(0, -1)
      .reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], filled.body);
    const holder = parent as Record<string | number, unknown>;
    const key = fill.path[fill.path.length - 1] as string | number;
    holder[key] = String(holder[key]).replace(`{${fill.from}}`, idOf(fill.from));
  }
  return filled;
}

/** A network to connect a container to after create and before start (Engine API before 1.44). */
export interface NetworkConnect {
  network: string;
  endpoint: EndpointSettings;
}

/**
 * What a dependent waits for before it is created or started: every container of `service` healthy, or exited 0
 * (service_completed_successfully), or, for service_started, the service's start actions done. With `required`
 * false the wait never fails: a missing or failed dependency is a warning (Compose's `required: false`), and it
 * runs even when the actions it comes after failed.
 */
export interface WaitFor {
  service: string;
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
  required: boolean;
  containers: ReadonlyArray<{ name: string; container: ContainerRef }>;
}

export type Action =
  | (Base & { kind: 'pull'; ref: string; service: string })
  | (Base & { kind: 'create-network'; key: string; request: NetworkCreate })
  | (Base & { kind: 'create-volume'; key: string; request: VolumeCreate })
  | (Base & {
      kind: 'create-container';
      service: string;
      number: number;
      request: ContainerCreate;
      configHash: string;
      connect: readonly NetworkConnect[];
      fills: readonly CreateFill[];
      /** A recreate: the old container's id. It is renamed out of the way first and removed once this one exists. */
      replaces?: string;
    })
  | (Base & { kind: 'start'; container: ContainerRef })
  | (Base & { kind: 'restart' | 'stop'; container: ContainerRef; timeoutSeconds?: number })
  | (Base & { kind: 'remove-container'; container: ContainerRef; timeoutSeconds?: number })
  | (Base & { kind: 'remove-network'; network: string })
  | (Base & { kind: 'remove-volume'; volume: string })
  | (Base & { kind: 'wait' } & WaitFor);

export type ActionKind = Action['kind'];

/** A container the plan keeps as it is (running, same config): shown as `Running`, followed by attached `up`. */
export interface UnchangedContainer {
  service: string;
  name: string;
  id: string;
}

/**
 * The plan: `actions` in topological order (every `after` id is earlier), `unchanged` the containers left as they
 * are, `warnings` what the user should know (orphans, keys berth does not send).
 */
export interface Plan {
  project: string;
  actions: readonly Action[];
  unchanged: readonly UnchangedContainer[];
  warnings: readonly string[];
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An action without its id, as a planner stage proposes it. */
export type ActionDraft = DistributiveOmit<Action, 'id'>;

/**
 * Adds `draft` as the next action and returns its id: numbered in the order added, so a plan built
 * dependencies-first is in topological order.
 */
export function addAction(actions: Action[], draft: ActionDraft): ActionId {
  const id: ActionId = `a${actions.length + 1}`;
  actions.push({ id, ...draft } as Action);
  return id;
}
