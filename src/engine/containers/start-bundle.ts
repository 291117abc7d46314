// What a start needs before the runtime creates the process: the container's root filesystem mounted, its volumes
// attached, its network namespace made and the OCI bundle (config.json) built by Docker's rules; and, once the
// network is set up (while the runtime creates the process), its /etc/hosts and /etc/resolv.conf.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBoundingCapabilities, readHardLimits } from '../runtime/host-limits.js';
import { buildOciSpec, serializeOciSpec } from '../runtime/oci-spec.js';
import { isMounted, mountOverlay } from '../runtime/overlay.js';
import { DEFAULT_SHM_SIZE } from '../runtime/oci-mounts.js';
import { mountShm } from '../runtime/shm.js';
import type { ResolvedMount, SpecInput } from '../runtime/spec-input.js';
import type { NetworkSetup } from './attachments.js';
import type { ContainerRecord } from './container-store.js';
import type { ContainerPaths } from './docker-json.js';
import type { Lifecycle } from './lifecycle.js';
import { resolveNamespaces } from './namespaces.js';

/**
 * Prepares container `c` to start; returns its bundle folder. Mounting and attaching are idempotent (a start that
 * failed after them can run again), and runc state left by a crash is deleted.
 */
export async function writeStartBundle(
  lc: Lifecycle,
  c: ContainerRecord,
  p: ContainerPaths,
): Promise<{ bundle: string }> {
  // First: a pid or ipc namespace that cannot be joined fails the start before anything is mounted or attached.
  const namespaces = resolveNamespaces(c, (ref) => lc.deps.store.find(ref));
  // The root file system, /dev/shm and the network namespace are a process each (mount, mount, unshare) and
  // independent: made side by side, and all settled before a failure is thrown, so that the failed start's
  // cleanup finds each one made or not, never under way.
  const made = [
    (async () => {
      if (await isMounted(p.rootfs)) return;
      await mountOverlay({ lowerdirs: p.lowerdirs, upperdir: p.upper, workdir: p.work, target: p.rootfs });
    })(),
    shmMount(lc, c, namespaces.shm),
    lc.networks.namespace(c),
  ] as const;
  await Promise.allSettled(made);
  const [, shm, netns] = await Promise.all(made);
  const hostname = hostnameOf(c);
  const mounts = [...(await lc.volumes.mounts(c, p.rootfs))];
  if (shm && !mounts.some((m) => m.destination.replace(/\/+$/, '') === '/dev/shm')) mounts.push(shm);
  writeFileSync(p.hostnamePath, `${hostname}\n`);
  // The runtime binds these files at create; writeEtcFiles fills them in place once the network is set up.
  for (const file of [p.hostsPath, p.resolvConfPath]) if (!existsSync(file)) writeFileSync(file, '');
  const imageConfig = lc.imageConfig(c);
  const spec = buildOciSpec({
    id: c.id,
    rootfs: p.rootfs,
    hostname,
    image: imageConfig,
    config: c.config,
    host: c.hostConfig,
    etcFiles: { hosts: p.hostsPath, hostname: p.hostnamePath, resolvConf: p.resolvConfPath },
    mounts,
    netns,
    pidns: namespaces.pidns,
    ipcns: namespaces.ipcns,
    passwd: readIfExists(join(p.rootfs, 'etc/passwd')),
    group: readIfExists(join(p.rootfs, 'etc/group')),
    initPath: '/usr/bin/catatonit',
    cgroupsPath: `/berth/${c.id}`,
    hardLimits: readHardLimits(),
    hostCapabilities: readBoundingCapabilities(),
    seccomp: lc.deps.seccomp,
  } as SpecInput);
  const bundle = lc.deps.store.dirOf(c.id);
  writeFileSync(join(bundle, 'config.json'), serializeOciSpec(spec));
  if (lc.deps.runc.hasState(c.id)) await lc.deps.runc.delete(c.id, { force: true }).catch(() => undefined); // left by a crash
  return { bundle };
}

/** A shareable container's own tmpfs (mounted here), a donor's, or the host's /dev/shm, bound at /dev/shm. */
async function shmMount(
  lc: Lifecycle,
  c: ContainerRecord,
  from: string | undefined,
): Promise<ResolvedMount | undefined> {
  if (from === undefined) return undefined;
  const source = from === 'host' ? '/dev/shm' : shmDir(lc, from);
  if (from === c.id) {
    const size = Number(c.hostConfig.ShmSize ?? 0);
    await mountShm(source, size > 0 ? size : DEFAULT_SHM_SIZE);
  }
  return { source, destination: '/dev/shm', type: 'bind', options: ['rbind', 'rprivate'] };
}

/** Where a container's shareable /dev/shm is mounted on the host; unmounted when it exits or is removed. */
export function shmDir(lc: Lifecycle, id: string): string {
  return join(lc.deps.store.dirOf(id), 'shm');
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Writes /etc/hosts and /etc/resolv.conf of a started container from its network setup, in place (same inode), so
 * that the bind mounts the runtime already made show the new content.
 */
export function writeEtcFiles(c: ContainerRecord, p: ContainerPaths, network: NetworkSetup): void {
  const hostname = hostnameOf(c);
  writeFileSync(
    p.hostsPath,
    network.hosts ?? `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.0.1\t${hostname}\n`,
  );
  if (network.resolvConf !== undefined) writeFileSync(p.resolvConfPath, network.resolvConf);
  else if (existsSync('/etc/resolv.conf')) copyFileSync('/etc/resolv.conf', p.resolvConfPath);
  else writeFileSync(p.resolvConfPath, '');
}

function hostnameOf(c: ContainerRecord): string {
  return (c.config.Hostname as string | undefined) || c.id.slice(0, 12);
}
