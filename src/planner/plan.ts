// `up` as a plan: desired state (the normalized stack) against observed state (what the engine reports), into the
// actions that converge them, in the order they run (pulls, networks, volumes, then each service after the ones
// it depends on, with its waits). Pure: image IDs, the seccomp profiles and the project's files come in with the
// input, so the same input always gives the same plan.
import { compareText } from '../compare-text.js';
import type { Service, Stack } from '../spec/model.js';
import type { Action, ActionId, Plan, UnchangedContainer } from './action.js';
import { addAction } from './action.js';
import type { Observed } from './observed.js';
import type { CreateContext } from './plan-create.js';
import { planServiceContainers } from './plan-containers.js';
import type { PullDecision } from './plan-pulls.js';
import { networkRequest, volumeRequest } from './plan-resources.js';
import {
  containerName,
  desiredScale,
  selectServices,
  serviceNetworks,
  serviceOrder,
  serviceVolumes,
} from './plan-services.js';
import type { ServiceOutcome } from './plan-waits.js';
import { dependencyEdges } from './plan-waits.js';
import { serviceSpecWarnings } from './spec-warnings.js';

export type { Action, ActionId, ActionKind, ContainerRef, Plan, UnchangedContainer } from './action.js';
export { changedKeys } from './plan-containers.js';
export {
  containerName,
  desiredScale,
  selectServices,
  serviceDependencies,
  serviceNetworks,
  serviceOrder,
  serviceVolumes,
} from './plan-services.js';
export { planDown } from './plan-down.js';
export type { DownOptions } from './plan-down.js';

export interface UpOptions {
  /** Services named on the command line; empty means all enabled services. */
  services?: readonly string[];
  /** Do not add the services the named ones depend on. */
  noDeps?: boolean;
  forceRecreate?: boolean;
  noRecreate?: boolean;
  removeOrphans?: boolean;
  scale?: Readonly<Record<string, number>>;
  /** Seconds a stop waits before it kills (-t); absent: the container's own. */
  stopTimeout?: number;
  /**
   * Services whose containers the plan leaves alone but whose dependencies it waits for (`run SERVICE` makes its
   * own one-off container once they are up); their networks and volumes are still created.
   */
  skipContainers?: readonly string[];
}

export interface UpInput {
  stack: Stack;
  observed: Observed;
  /** The image ID each service's image resolves to on the engine (undefined: not present). */
  imageIds: Readonly<Record<string, string | undefined>>;
  options?: UpOptions;
  /** Images to pull first (planPulls): they lead the plan, and the containers that run them come after. */
  pulls?: readonly PullDecision[];
  /** com.docker.compose.project.working_dir and config_files; default none. */
  workingDir?: string;
  configFiles?: readonly string[];
  /** Reads a seccomp profile file (security_opt seccomp=PATH); default: none can be read. */
  readFile?: (path: string) => string;
}

export function planUp(input: UpInput): Plan {
  const { stack, observed } = input;
  const opts = input.options ?? {};
  const actions: Action[] = [];
  const unchanged: UnchangedContainer[] = [];
  const selected = selectServices(stack, opts.services, opts.noDeps);
  const pullOf = new Map<string, ActionId>();
  for (const p of input.pulls ?? []) {
    const row = { resource: 'image' as const, name: p.service };
    pullOf.set(p.ref, addAction(actions, { kind: 'pull', after: [], row, ...p }));
  }
  const resources = planResources(actions, stack, observed, selected);
  const create: CreateContext = {
    workingDir: input.workingDir ?? '',
    configFiles: input.configFiles ?? [],
    imageIds: input.imageIds,
    readFile: input.readFile ?? noFile,
  };
  const outcomes = new Map<string, ServiceOutcome>();
  const waits = new Map<string, ActionId>();
  for (const name of serviceOrder(stack, selected)) {
    const service = stack.services[name] as Service;
    if (opts.skipContainers?.includes(name)) {
      dependencyEdges(actions, service, { outcomes, waits });
      continue;
    }
    const pull = service.image === undefined ? undefined : pullOf.get(service.image);
    const needs = [...serviceNetworks(service), ...serviceVolumes(service)].map((k) => resources.get(k));
    const existing = observed.containers
      .filter((c) => c.service === name && !c.oneoff)
      .sort((a, b) => a.number - b.number || compareText(a.name, b.name));
    const outcome = planServiceContainers(actions, unchanged, {
      stack,
      service,
      existing,
      scale: desiredScale(service, opts.scale?.[name]),
      forceRecreate: opts.forceRecreate,
      noRecreate: opts.noRecreate,
      stopTimeout: opts.stopTimeout,
      resources: [...needs, pull].filter((id): id is ActionId => id !== undefined),
      deps: (only) => dependencyEdges(actions, service, { outcomes, waits }, only),
      outcomes,
      create,
      nameOf: (n) => containerName(stack, service, n),
    });
    outcomes.set(name, outcome);
  }
  const warnings = [...serviceSpecWarnings(stack, selected), ...planOrphans(actions, input)];
  return { project: stack.name, actions, unchanged, warnings };
}

/** Creates of the networks and volumes the selected services use that the engine lacks; ids by stack key. */
function planResources(
  actions: Action[],
  stack: Stack,
  observed: Observed,
  selected: readonly string[],
): Map<string, ActionId> {
  const ids = new Map<string, ActionId>();
  const networkKeys = new Set(selected.flatMap((s) => serviceNetworks(stack.services[s] as Service)));
  for (const key of [...networkKeys].sort()) {
    const net = stack.networks[key];
    if (!net || net.external || observed.networks.some((n) => n.name === net.name)) continue;
    const draft = { after: [], row: { resource: 'network' as const, name: net.name }, reason: 'missing', key };
    ids.set(key, addAction(actions, { kind: 'create-network', ...draft, request: networkRequest(stack, key) }));
  }
  const volumeKeys = new Set(selected.flatMap((s) => serviceVolumes(stack.services[s] as Service)));
  for (const key of [...volumeKeys].sort()) {
    const vol = stack.volumes[key];
    if (!vol || vol.external || observed.volumes.some((v) => v.name === vol.name)) continue;
    const draft = { after: [], row: { resource: 'volume' as const, name: vol.name }, reason: 'missing', key };
    ids.set(key, addAction(actions, { kind: 'create-volume', ...draft, request: volumeRequest(stack, key) }));
  }
  return ids;
}

/** Removes of orphans with removeOrphans; else the warning Compose prints for them. */
function planOrphans(actions: Action[], input: UpInput): string[] {
  const { stack, observed } = input;
  const known = new Set([...Object.keys(stack.services), ...stack.disabledServices]);
  const orphans = observed.containers.filter((c) => !c.oneoff && !known.has(c.service));
  if (orphans.length === 0) return [];
  if (!input.options?.removeOrphans) {
    return [
      `Found orphan containers ([${orphans.map((c) => c.name).join(' ')}]) for this project. If you removed or ` +
        'renamed this service in your compose file, you can run this command with the --remove-orphans flag to ' +
        'clean it up.',
    ];
  }
  const timeout = input.options.stopTimeout;
  for (const c of orphans) {
    addAction(actions, {
      kind: 'remove-container',
      after: [],
      row: { resource: 'container', name: c.name },
      reason: 'orphan',
      container: { id: c.id },
      ...(timeout === undefined ? {} : { timeoutSeconds: timeout }),
    });
  }
  return [];
}

function noFile(path: string): string {
  throw new Error(`no reader was given for ${path}`);
}
