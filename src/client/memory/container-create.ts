// Creating a container in the in-memory engine: Docker's checks in Docker's order (the name's form, the name in
// use, the image, the networks), the image's config merged as dockerd merges it (labels, env, entrypoint and
// cmd), named volumes created on first use, and the `create` event.
import type { ContainerCreateBody, Mount } from '../api-types.js';
import type { ContainerCreate } from '../types.js';
import { connectRecord } from './network-attach.js';
import type { ContainerRecord, ImageRecord, MemoryState } from './state.js';
import { engineError } from './state.js';
import { ensureVolume } from './volumes.js';

const VALID_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
/** Network modes that name no user-defined network. */
const SPECIAL_MODES = new Set(['', 'default', 'bridge', 'host', 'none']);

export function createContainer(s: MemoryState, req: ContainerCreate): { id: string; warnings: string[] } {
  const name = req.name === '' ? `memory_${s.containers.size + 1}` : req.name.replace(/^\//, '');
  if (!VALID_NAME.test(name)) {
    throw engineError(
      'invalid',
      `Invalid container name (${req.name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
      'a container name starts with a letter or digit and has at least two characters',
    );
  }
  const taken = s.findContainer(name);
  if (taken && taken.name === name) {
    throw engineError(
      'conflict',
      `Conflict. The container name "/${name}" is already in use by container "${taken.id}". ` +
        'You have to remove (or rename) that container to be able to reuse that name.',
    );
  }
  const image = s.image(req.body.Image);
  const networks = networksOf(req.body);
  for (const n of networks) s.network(n);
  const id = s.newId('container');
  const c: ContainerRecord = {
    id,
    name,
    image: req.body.Image,
    imageId: image.id,
    created: s.isoNow(),
    body: mergeImageConfig(req.body, image),
    command: commandOf(req.body, image),
    status: 'created',
    exitCode: 0,
    pid: 0,
    startedAt: '0001-01-01T00:00:00Z',
    finishedAt: '0001-01-01T00:00:00Z',
    restartCount: 0,
    stoppedByUser: false,
    networks: new Map(),
    volumes: [],
    anonymousVolumes: [],
    logs: [],
    files: new Map([...image.files].map(([p, f]) => [p, { ...f }])),
  };
  for (const m of volumeMounts(req.body)) {
    const volume = m.Source === undefined || m.Source === '' ? s.newId('volume') : m.Source;
    ensureVolume(s, { name: volume, labels: m.VolumeOptions?.Labels });
    c.volumes.push(volume);
    if (m.Source === undefined || m.Source === '') c.anonymousVolumes.push(volume);
  }
  s.containers.set(id, c);
  for (const n of networks) {
    const endpoint = req.body.NetworkingConfig?.EndpointsConfig[n];
    connectRecord(s, c, s.network(n), endpoint?.Aliases ?? []);
  }
  s.record('containers.create', name);
  s.emit('container', 'create', id, containerAttributes(c));
  return { id, warnings: [] };
}

/** The attributes Docker puts on a container's events: its labels, image and name. */
export function containerAttributes(c: ContainerRecord): Record<string, string> {
  return { ...(c.body.Labels ?? {}), image: c.image, name: c.name };
}

/** User-defined networks the request names: NetworkMode and the EndpointsConfig keys. */
function networksOf(body: ContainerCreateBody): string[] {
  const mode = body.HostConfig.NetworkMode ?? '';
  const names = new Set<string>();
  if (!SPECIAL_MODES.has(mode) && !mode.startsWith('container:')) names.add(mode);
  for (const n of Object.keys(body.NetworkingConfig?.EndpointsConfig ?? {})) if (!SPECIAL_MODES.has(n)) names.add(n);
  return [...names];
}

/** Volume mounts from Mounts and from Binds whose source is a name rather than a path. */
function volumeMounts(body: ContainerCreateBody): Mount[] {
  const mounts = (body.HostConfig.Mounts ?? []).filter((m) => m.Type === 'volume');
  for (const bind of body.HostConfig.Binds ?? []) {
    const [source = '', target = ''] = bind.split(':');
    if (!source.startsWith('/')) mounts.push({ Type: 'volume', Source: source, Target: target });
  }
  return mounts;
}

/** Entrypoint then cmd: a request's Entrypoint drops the image's Cmd, as dockerd does; `Cmd: []` keeps it. */
function commandOf(body: ContainerCreateBody, image: ImageRecord): string[] {
  const cfg = image.config as { Entrypoint?: string[] | null; Cmd?: string[] | null };
  const entrypoint = body.Entrypoint ?? cfg.Entrypoint ?? [];
  const cmd = body.Cmd !== undefined && body.Cmd.length > 0 ? body.Cmd : body.Entrypoint ? [] : (cfg.Cmd ?? []);
  return [...entrypoint, ...cmd];
}

/** The config as inspect shows it: the image's labels and env under the request's, the effective command. */
function mergeImageConfig(body: ContainerCreateBody, image: ImageRecord): ContainerCreateBody {
  const cfg = image.config as {
    Labels?: Record<string, string> | null;
    Env?: string[] | null;
    Healthcheck?: ContainerCreateBody['Healthcheck'];
    WorkingDir?: string;
    User?: string;
  };
  const env = new Map<string, string>();
  for (const e of [...(cfg.Env ?? []), ...(body.Env ?? [])]) env.set(e.split('=')[0] ?? e, e);
  const healthcheck = body.Healthcheck?.Test ? body.Healthcheck : cfg.Healthcheck;
  return {
    ...body,
    Labels: { ...(cfg.Labels ?? {}), ...(body.Labels ?? {}) },
    Env: [...env.values()],
    ...(healthcheck ? { Healthcheck: healthcheck } : {}),
    WorkingDir: body.WorkingDir ?? cfg.WorkingDir ?? '',
    User: body.User ?? cfg.User ?? '',
  };
}

/** True when the container has a health check to run (not absent, not ["NONE"]). */
export function hasHealthcheck(c: ContainerRecord): boolean {
  const test = c.body.Healthcheck?.Test;
  return test !== undefined && test.length > 0 && test[0] !== 'NONE';
}
