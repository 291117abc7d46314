// EngineClient over the Docker Engine API (berthd and dockerd alike): the resource groups of containers.ts,
// images.ts, exec.ts, networks.ts and volumes.ts over one DockerTransport, whose kept-alive connections
// `close` (or `await using`) ends.
import type { EngineEndpoint } from '../endpoint.js';
import type { EngineClient, EngineEvent, EngineInfo, EventFilter } from '../types.js';
import { dockerContainers } from './containers.js';
import { dockerEvents } from './events.js';
import { dockerExec } from './exec.js';
import { dockerImages } from './images.js';
import { dockerNetworks } from './networks.js';
import { toEngineInfo } from './shapes.js';
import { DockerTransport } from './transport.js';
import { dockerVolumes } from './volumes.js';

class DockerEngineClient implements EngineClient {
  readonly endpoint: string;
  readonly containers: EngineClient['containers'];
  readonly exec: EngineClient['exec'];
  readonly images: EngineClient['images'];
  readonly networks: EngineClient['networks'];
  readonly volumes: EngineClient['volumes'];
  private readonly transport: DockerTransport;

  constructor(socketPath: string) {
    this.endpoint = socketPath;
    this.transport = new DockerTransport(socketPath);
    this.containers = dockerContainers(this.transport);
    this.exec = dockerExec(this.transport);
    this.images = dockerImages(this.transport);
    this.networks = dockerNetworks(this.transport);
    this.volumes = dockerVolumes(this.transport);
  }

  async info(): Promise<EngineInfo> {
    const [info, version] = await Promise.all([
      this.transport.json<Record<string, unknown>>('GET', '/info'),
      this.transport.json<Record<string, unknown>>('GET', '/version'),
    ]);
    return toEngineInfo(info, version);
  }

  events(filter: EventFilter, signal: AbortSignal): AsyncIterable<EngineEvent> {
    return dockerEvents(this.transport, filter, signal);
  }

  close(): void {
    this.transport.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}

/** The client of the Docker Engine API on a unix socket; nothing is connected until the first call. */
export function dockerEngineClient(socketPath: string): EngineClient {
  return new DockerEngineClient(socketPath);
}

/** The client of an engine endpoint (src/client/endpoint.ts chooses it as the docker CLI does). */
export function connectEngine(endpoint: EngineEndpoint | string): EngineClient {
  return dockerEngineClient(typeof endpoint === 'string' ? endpoint : endpoint.socketPath);
}
