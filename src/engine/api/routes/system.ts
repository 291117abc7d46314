// /_ping, /version, /info and /events.
import type { ServerResponse } from 'node:http';
import { arch, cpus, hostname, release, totalmem } from 'node:os';
import type { EventBus } from '../../events/event-bus.js';
import { streamEvents } from '../../events/event-stream.js';
import { parseFilters } from '../../filters.js';
import { unixTimeParam } from '../query-time.js';
import type { ApiRouter } from '../server.js';
import { API_VERSION, MIN_API_VERSION, sendJson } from '../server.js';

export interface SystemInfo {
  version: string;
  root: string;
  /** As dockerd 20.10 names its default seccomp profile in /info: "default" (Docker's own) or the file's path. */
  seccompProfile: string;
  counts: () => { containers: number; running: number; paused: number; stopped: number; images: number };
}

const GO_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

export function systemRoutes(router: ApiRouter, events: EventBus, info: SystemInfo): void {
  const ping = (res: ServerResponse): void => {
    res.writeHead(200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      Pragma: 'no-cache',
    });
    res.end('OK');
  };
  router.on('GET', '/_ping', (_req, res) => ping(res));
  router.on('HEAD', '/_ping', (_req, res) => ping(res));
  router.on('GET', '/version', (_req, res) => sendJson(res, 200, versionJson(info)));
  router.on('GET', '/info', (_req, res) => sendJson(res, 200, infoJson(info)));
  router.on('GET', '/events', (req, res) => {
    const query = {
      filters: parseFilters(req.query.get('filters')),
      since: unixTimeParam(req.query, 'since'),
      until: unixTimeParam(req.query, 'until'),
    };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders(); // as dockerd: a client knows it is subscribed before the first event comes
    const left = new AbortController();
    req.raw.on('close', () => left.abort());
    streamEvents(
      events,
      { ...query, signal: left.signal },
      {
        send: (e) => res.write(`${JSON.stringify(e)}\n`),
        end: () => res.end(),
      },
    );
  });
}

/** GET /version's answer, in dockerd 20.10's shape. */
function versionJson(info: SystemInfo): unknown {
  return {
    Platform: { Name: 'berthd' },
    Components: [
      {
        Name: 'Engine',
        Version: info.version,
        Details: {
          ApiVersion: API_VERSION,
          MinAPIVersion: MIN_API_VERSION,
          Os: 'linux',
          Arch: GO_ARCH[arch()] ?? arch(),
        },
      },
    ],
    Version: info.version,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: 'berth',
    GoVersion: `node${process.versions.node}`,
    Os: 'linux',
    Arch: GO_ARCH[arch()] ?? arch(),
    KernelVersion: release(),
    BuildTime: '',
  };
}

/** GET /info's answer: the fields the docker CLI and compose read, in dockerd 20.10's shape. */
function infoJson(info: SystemInfo): unknown {
  const n = info.counts();
  return {
    ID: 'berthd',
    Containers: n.containers,
    ContainersRunning: n.running,
    ContainersPaused: n.paused,
    ContainersStopped: n.stopped,
    Images: n.images,
    Driver: 'overlay2',
    DockerRootDir: info.root,
    LoggingDriver: 'k8s-file',
    CgroupDriver: 'cgroupfs',
    CgroupVersion: '1',
    KernelVersion: release(),
    OperatingSystem: 'berthd',
    OSType: 'linux',
    Architecture: arch(),
    NCPU: cpus().length,
    MemTotal: totalmem(),
    Name: hostname(),
    ServerVersion: info.version,
    DefaultRuntime: 'runc',
    Runtimes: { runc: { path: 'runc' } },
    SecurityOptions: [`name=seccomp,profile=${info.seccompProfile}`],
    Warnings: [],
  };
}
