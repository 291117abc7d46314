// One `create-container` action: the create request of a replica, resolved at plan time (labels, config hash, the
// per-key hashes, seccomp profiles read in), so apply sends it as it is. What only exists once another action has
// run, the id of a container this plan creates, is left as `{aN}` at a path the action's `fills` name.
import { BerthError } from '../errors.js';
import { serviceConfigHash, serviceKeyHashes } from '../spec/config-hash.js';
import type { Service, Stack } from '../spec/model.js';
import type { ActionDraft, ActionId, ContainerRef, CreateFill } from './action.js';
import { containerCreateRequest } from './container-spec.js';
import { LABEL } from './labels.js';
import { inlineSeccompProfiles } from './seccomp-inline.js';

/** What create requests need from outside the stack file; the shell gathers it (files, engine) before planning. */
export interface CreateContext {
  /** com.docker.compose.project.working_dir and config_files. */
  workingDir: string;
  configFiles: readonly string[];
  /** The image ID each service's image resolves to on the engine (undefined: not there yet). */
  imageIds: Readonly<Record<string, string | undefined>>;
  /** Reads a file security_opt `seccomp=PATH` names; throws when it cannot. */
  readFile: (path: string) => string;
}

export interface CreateArgs {
  stack: Stack;
  service: Service;
  number: number;
  name: string;
  after: readonly ActionId[];
  reason: string;
  /** The first replica of a service, for `service:NAME` references; undefined when it has none. */
  firstReplica: (service: string) => ContainerRef | undefined;
  replaces?: string;
}

// Marks where a container id this plan creates goes, while containerCreateRequest builds the request.
const MARK = '\u0000';

/** The image a service runs: its `image:`, or `<project>-<service>` for one that is built. */
export function serviceImageRef(stack: Stack, service: Service): string {
  return service.image ?? `${stack.name}-${service.name}`;
}

/** The create-container action of one replica; throws PLAN_UNRESOLVED when a `service:NAME` has no container. */
export function createContainerDraft(args: CreateArgs, ctx: CreateContext): ActionDraft {
  const { stack, service } = args;
  const configHash = serviceConfigHash(service);
  const req = containerCreateRequest({
    stack,
    service,
    number: args.number,
    name: args.name,
    image: serviceImageRef(stack, service),
    configHash,
    workingDir: ctx.workingDir,
    configFiles: [...ctx.configFiles],
    networkNames: Object.fromEntries(Object.entries(stack.networks).map(([k, n]) => [k, n.name])),
    volumeNames: Object.fromEntries(Object.entries(stack.volumes).map(([k, v]) => [k, v.name])),
    serviceContainer: (name) => {
      const ref = args.firstReplica(name);
      if (ref === undefined) return undefined;
      return 'id' in ref ? ref.id : `${MARK}${ref.createdBy}${MARK}`;
    },
    imageDigest: ctx.imageIds[service.name],
  });
  if (req.unresolved.length > 0) {
    throw new BerthError(
      'PLAN_UNRESOLVED',
      `service "${service.name}": ${req.unresolved.join(', ')} names a service with no container`,
      { hint: 'the service it names must be part of this up (or already running)' },
    );
  }
  const body = {
    ...req.body,
    Labels: { ...(req.body.Labels ?? {}), [LABEL.keyHashes]: JSON.stringify(serviceKeyHashes(service)) },
  };
  const securityOpt = inlineSeccompProfiles(body.HostConfig.SecurityOpt, ctx.readFile);
  if (securityOpt) body.HostConfig = { ...body.HostConfig, SecurityOpt: securityOpt };
  const fills = markFills(body);
  const request = req.platform ? { name: req.name, body, platform: req.platform } : { name: req.name, body };
  const draft: ActionDraft = {
    kind: 'create-container',
    after: [...new Set([...args.after, ...fills.map((f) => f.from)])],
    row: { resource: 'container', name: args.name },
    reason: args.reason,
    service: service.name,
    number: args.number,
    request,
    configHash,
    connect: req.extraNetworks.map((x) => ({ network: x.network, endpoint: x.endpoint })),
    fills,
  };
  return args.replaces === undefined ? draft : { ...draft, replaces: args.replaces };
}

/** Turns each marked id in `value` (in place) into `{aN}` and lists where it is. */
function markFills(value: unknown, path: Array<string | number> = []): CreateFill[] {
  if (value === null || typeof value !== 'object') return [];
  const out: CreateFill[] = [];
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const here = [...path, Array.isArray(value) ? Number(key) : key];
    const v = record[key];
    if (typeof v === 'string' && v.includes(MARK)) {
      const [before = '', from = '', rest = ''] = v.split(MARK) as [string?, string?, string?];
      record[key] = `${before}{${from}}${rest}`;
      out.push({ path: here, from: from as ActionId });
    } else {
      out.push(...markFills(v, here));
    }
  }
  return out;
}
