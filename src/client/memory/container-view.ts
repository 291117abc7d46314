// How containers of the in-memory engine look from outside: the list (newest first, as dockerd lists them) and
// inspect, with Docker's status words.
import type { ContainerDetails, ContainerFilter, ContainerSummary, PublishedPort } from '../types.js';
import { matchesLabels } from './filters.js';
import { isRunning } from './network-attach.js';
import type { ContainerRecord, MemoryState } from './state.js';

export function listContainers(s: MemoryState, filter: ContainerFilter = {}): ContainerSummary[] {
  return [...s.containers.values()]
    .filter((c) => filter.all === true || isRunning(c))
    .filter((c) => matchesLabels(c.body.Labels ?? {}, filter.labels))
    .filter((c) => filter.names === undefined || filter.names.some((n) => n === c.name || n === c.id))
    .filter((c) => filter.status === undefined || filter.status.includes(c.status))
    .reverse()
    .map((c) => ({
      id: c.id,
      name: c.name,
      image: c.image,
      imageId: c.imageId,
      command: c.command.join(' '),
      created: Math.floor(Date.parse(c.created) / 1000),
      state: c.status,
      status: statusText(c),
      labels: { ...(c.body.Labels ?? {}) },
      ports: publishedPorts(c),
      networks: [...c.networks.keys()],
    }));
}

/** Docker's human status, without the durations (the fake has no wall clock to measure them by). */
function statusText(c: ContainerRecord): string {
  switch (c.status) {
    case 'created':
      return 'Created';
    case 'running':
      if (!c.health || c.health.status === 'none') return 'Up';
      return c.health.status === 'starting' ? 'Up (health: starting)' : `Up (${c.health.status})`;
    case 'paused':
      return 'Up (Paused)';
    case 'restarting':
      return `Restarting (${c.exitCode})`;
    case 'exited':
      return `Exited (${c.exitCode})`;
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
  }
}

function publishedPorts(c: ContainerRecord): PublishedPort[] {
  const out: PublishedPort[] = [];
  for (const [key, bindings] of Object.entries(c.body.HostConfig.PortBindings ?? {})) {
    const [port = '0', proto = 'tcp'] = key.split('/');
    const type = proto as PublishedPort['type'];
    for (const b of isRunning(c) ? bindings : []) {
      out.push({ privatePort: Number(port), publicPort: Number(b.HostPort), ip: b.HostIp || '0.0.0.0', type });
    }
  }
  return out;
}

export function inspectContainer(s: MemoryState, ref: string): ContainerDetails | undefined {
  const c = s.findContainer(ref);
  if (!c) return undefined;
  const running = isRunning(c);
  const { NetworkingConfig: _dropped, ...config } = c.body;
  const ports: ContainerDetails['ports'] = {};
  if (running) {
    for (const key of Object.keys(c.body.ExposedPorts ?? {})) ports[key] = null;
    for (const [key, bindings] of Object.entries(c.body.HostConfig.PortBindings ?? {})) {
      ports[key] = bindings.map((b) => ({ hostIp: b.HostIp || '0.0.0.0', hostPort: b.HostPort }));
    }
  }
  return {
    id: c.id,
    name: c.name,
    imageId: c.imageId,
    created: c.created,
    state: {
      status: c.status,
      running: c.status === 'running' || c.status === 'paused',
      paused: c.status === 'paused',
      restarting: c.status === 'restarting',
      exitCode: c.exitCode,
      pid: c.pid,
      startedAt: c.startedAt,
      finishedAt: c.finishedAt,
      error: '',
      oomKilled: false,
      ...(c.health ? { health: structuredClone(c.health) } : {}),
    },
    restartCount: c.restartCount,
    config: structuredClone(config),
    networks: Object.fromEntries(
      [...c.networks].map(([name, e]) => [
        name,
        { ...e, ipAddress: running ? e.ipAddress : '', aliases: [...e.aliases] },
      ]),
    ),
    ports,
    mounts: mountsOf(c),
  };
}

function mountsOf(c: ContainerRecord): ContainerDetails['mounts'] {
  const out: ContainerDetails['mounts'] = [];
  const volumes = [...c.volumes];
  for (const m of c.body.HostConfig.Mounts ?? []) {
    if (m.Type === 'volume') {
      const name = volumes.shift() ?? '';
      const source = `/memory/volumes/${name}/_data`;
      out.push({ type: 'volume', name, source, destination: m.Target, rw: m.ReadOnly !== true });
    } else {
      out.push({ type: m.Type, source: m.Source ?? '', destination: m.Target, rw: m.ReadOnly !== true });
    }
  }
  for (const bind of c.body.HostConfig.Binds ?? []) {
    const [source = '', destination = '', options = ''] = bind.split(':');
    const rw = !options.split(',').includes('ro');
    if (source.startsWith('/')) out.push({ type: 'bind', source, destination, rw });
    else out.push({ type: 'volume', name: source, source: `/memory/volumes/${source}/_data`, destination, rw });
  }
  return out;
}

export function topContainer(c: ContainerRecord): { titles: string[]; processes: string[][] } {
  return {
    titles: ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'],
    processes: [['root', String(c.pid), '0', '0', '00:00', '?', '00:00:00', c.command.join(' ')]],
  };
}
