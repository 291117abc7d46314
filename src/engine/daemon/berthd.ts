// berthd: the composition root of the built-in engine. Opens the stores under the data root, re-adopts the
// containers conmon kept running, and serves the Docker Engine API on a root-only unix socket. No TCP listener.
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { ApiRouter, startApiServer } from '../api/server.js';
import { prepareSocketDir } from '../api/private-socket.js';
import { archiveRoutes } from '../api/routes/archive.js';
import { buildRoutes } from '../api/routes/build.js';
import { removeAllWorkDirs } from '../build/work-dirs.js';
import { removeStepContainers } from '../build/run-step.js';
import { type HostTrust, hostTrustFromEnv } from '../build/host-trust.js';
import { networkRoutes } from '../api/routes/networks.js';
import { openNetworking } from '../networks/open-networking.js';
import { containerRoutes } from '../api/routes/containers.js';
import { execRoutes } from '../api/routes/exec.js';
import { containerExtraRoutes } from '../api/routes/container-extras.js';
import { imageRoutes } from '../api/routes/images.js';
import { ImageService } from '../images/image-service.js';
import { systemRoutes } from '../api/routes/system.js';
import { volumeRoutes } from '../api/routes/volumes.js';
import { ContainerStore } from '../containers/container-store.js';
import { ExecStore } from '../containers/exec-store.js';
import { ExitWatcher } from '../containers/exits.js';
import { Lifecycle } from '../containers/lifecycle.js';
import { superviseContainers } from '../containers/supervision.js';
import { ImageStore } from '../images/image-store.js';
import { RegistryImages } from '../images/registry-images.js';
import { loadRegistryConfig } from '../registry/endpoints.js';
import { Runc } from '../runtime/runc.js';
import { loadSeccompSettings } from '../runtime/seccomp-host.js';
import { ContainerVolumes } from '../volumes/container-volumes.js';
import { VolumeService } from '../volumes/volume-service.js';
import { EventBus } from '../events/event-bus.js';

export const BERTHD_VERSION = '0.1.0';

export interface BerthdOptions {
  /** Data root: images, layers, containers, logs (default /var/lib/berth; BERTH_ROOT). */
  root: string;
  /** API socket (default /run/berth/berth.sock; BERTH_SOCKET). */
  socket: string;
  /** Where the daemon's own log goes (default <root>/berthd.log). */
  logFile?: string;
  /** The default seccomp profile file (default: Docker's, profiles/seccomp/default.json; BERTH_SECCOMP_PROFILE). */
  seccompProfile?: string;
  /** Config folder: daemon.json (insecure-registries, registry-mirrors) and certs.d/ (default /etc/berth; BERTH_CONFIG). */
  configDir?: string;
  /** The host CA files RUN steps of builds get (default from BERTH_BUILD_HOST_CA: see build/host-trust.ts). */
  buildHostTrust?: HostTrust;
}

export interface Berthd extends AsyncDisposable {
  readonly socket: string;
  readonly root: string;
  close(): Promise<void>;
}

export async function startBerthd(opts: BerthdOptions): Promise<Berthd> {
  prepareSocketDir(opts.socket); // an unsafe socket folder is refused before anything is opened or resumed
  const seccomp = loadSeccompSettings(opts.seccompProfile); // first: a missing profile stops berthd before any change
  mkdirSync(opts.root, { recursive: true, mode: 0o700 });
  const logFile = opts.logFile ?? join(opts.root, 'berthd.log');
  const log = (line: string): void => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
  const events = new EventBus();
  const store = ContainerStore.open(opts.root);
  const images = await ImageStore.open(opts.root, {
    isInUse: (imageId: string) => store.all().some((c) => c.imageId === imageId),
  });
  const runc = new Runc({ root: join(opts.root, 'runc') });
  const volumes = await VolumeService.open({ root: opts.root, containers: store, events });
  const containerVolumes = new ContainerVolumes({ volumes, containers: store, images, events, log });
  const networks = await openNetworking({ root: opts.root, containers: store, events, log });
  const lifecycle = new Lifecycle({
    root: opts.root,
    store,
    images,
    runc,
    events,
    log,
    volumes: containerVolumes,
    networks,
    seccomp,
  });
  await removeAllWorkDirs(opts.root); // what a build cut short by a crash left
  const execs = new ExecStore(lifecycle);
  const supervision = superviseContainers(lifecycle, execs); // health checks and restart policies
  const exits = new ExitWatcher(lifecycle);
  await exits.start();
  await networks.recover(); // after exits are recorded: what no running container owns is torn down
  await removeStepContainers(lifecycle); // RUN steps of builds a crash cut short
  await supervision.resume();
  const router = new ApiRouter();
  systemRoutes(router, events, {
    version: BERTHD_VERSION,
    root: opts.root,
    seccompProfile: opts.seccompProfile ?? 'default',
    counts: () => {
      const all = store.all();
      const running = all.filter((c) => c.state.Running && !c.state.Paused).length;
      const paused = all.filter((c) => c.state.Paused).length;
      return {
        containers: all.length,
        running,
        paused,
        stopped: all.length - running - paused,
        images: images.list().length,
      };
    },
  });
  containerRoutes(router, lifecycle);
  containerExtraRoutes(router, lifecycle);
  const registries = new RegistryImages(images, loadRegistryConfig(opts.configDir ?? '/etc/berth'));
  imageRoutes(router, new ImageService({ store: images, registry: registries, events }));
  execRoutes(router, execs);
  archiveRoutes(router, lifecycle);
  networkRoutes(router, networks);
  volumeRoutes(router, volumes);
  const hostTrust = opts.buildHostTrust ?? hostTrustFromEnv(process.env);
  buildRoutes(router, { root: opts.root, images, lifecycle, events, hostTrust, registry: registries });
  const server = await startApiServer({ socketPath: opts.socket, router, log });
  const pidFile = join(opts.root, 'berthd.pid');
  await writeFileAtomic(pidFile, `${process.pid}\n`);
  log(`berthd ${BERTHD_VERSION} listening on ${opts.socket}, data root ${opts.root}`);
  const close = async (): Promise<void> => {
    exits.stop();
    supervision.close();
    const closed = new Promise<void>((r) => server.close(() => r()));
    server.closeEverything();
    await closed;
    await lifecycle.settle();
    await networks.shutdown().catch((e: unknown) => log(`network shutdown: ${String(e)}`));
    rmSync(opts.socket, { force: true });
    rmSync(pidFile, { force: true });
    log('berthd stopped (containers keep running under conmon)');
  };
  return { socket: opts.socket, root: opts.root, close, [Symbol.asyncDispose]: close };
}
