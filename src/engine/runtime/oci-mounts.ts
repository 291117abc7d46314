// The mount list of a container, as moby's WithMounts builds it: Docker's default mounts (oci/defaults.go) minus
// those a user mount replaces, then the user's mounts, tmpfs mounts and /etc files ordered parents first, then
// the init binary. Pure.
import { EngineError } from '../errors.js';
import type { OciMount } from './oci-types.js';
import type { ResolvedMount } from './spec-input.js';

/** Where the init binary appears in the container; Docker's path, so tooling that looks for it finds it. */
export const INIT_PATH_IN_CONTAINER = '/sbin/docker-init';

/** Docker's default /dev/shm size (64 MiB). */
export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

export interface MountInput {
  privileged: boolean;
  readonlyRootfs: boolean;
  shmSize?: number;
  tmpfs?: Record<string, string> | null;
  user?: readonly ResolvedMount[];
  etcFiles: { hosts: string; hostname: string; resolvConf: string };
  /** Host path of the init binary, when HostConfig.Init asks for one. */
  init?: string;
}

export function buildMounts(input: MountInput): OciMount[] {
  const shm = input.shmSize && input.shmSize > 0 ? input.shmSize : DEFAULT_SHM_SIZE;
  const sysOpt = input.privileged ? 'rw' : 'ro';
  const defaults: OciMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev',
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
    },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', sysOpt] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', sysOpt] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev/shm',
      type: 'tmpfs',
      source: 'shm',
      options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${shm}`],
    },
  ];
  const etcOptions = input.readonlyRootfs ? ['rbind', 'ro', 'rprivate'] : ['rbind', 'rprivate'];
  const etc: OciMount[] = [
    { destination: '/etc/hosts', type: 'bind', source: input.etcFiles.hosts, options: etcOptions },
    { destination: '/etc/hostname', type: 'bind', source: input.etcFiles.hostname, options: etcOptions },
    { destination: '/etc/resolv.conf', type: 'bind', source: input.etcFiles.resolvConf, options: etcOptions },
  ];
  const tmpfs = Object.entries(input.tmpfs ?? {}).map(([dest, opts]) => tmpfsMount(dest, opts));
  const user: OciMount[] = [...(input.user ?? []).map((m) => ({ ...m, options: [...m.options] })), ...tmpfs];
  const userDests = new Set(user.map((m) => clean(m.destination)));
  const overridesDev = userDests.has('/dev');
  const kept = defaults.filter(
    (m) => !userDests.has(m.destination) && !(overridesDev && m.destination.startsWith('/dev/')),
  );
  const extra = [...user, ...etc.filter((m) => !userDests.has(m.destination))];
  const init: OciMount[] = input.init
    ? [{ destination: INIT_PATH_IN_CONTAINER, type: 'bind', source: input.init, options: ['bind', 'ro'] }]
    : [];
  return [...kept, ...sortParentsFirst(extra), ...init];
}

/** A tmpfs mount from HostConfig.Tmpfs: Docker's noexec,nosuid,nodev defaults, overridden by the user's options. */
export function tmpfsMount(destination: string, data: string): OciMount {
  if (!destination.startsWith('/')) {
    throw new EngineError(
      'invalid',
      'ENGINE_INVALID_MOUNT',
      `invalid mount path: '${destination}' mount path must be absolute`,
    );
  }
  const requested = data === '' ? [] : data.split(',');
  return {
    destination: clean(destination),
    type: 'tmpfs',
    source: 'tmpfs',
    options: mergeTmpfsOptions(['noexec', 'nosuid', 'nodev', 'rprivate', ...requested]),
  };
}

// Flags that set the same mount bit (or the propagation mode) collide; the last one given wins (moby/sys/mount).
const FLAG_KEYS: Record<string, string> = {
  ...pair('ro', 'rw', 'ro'),
  ...pair('exec', 'noexec', 'exec'),
  ...pair('suid', 'nosuid', 'suid'),
  ...pair('dev', 'nodev', 'dev'),
  ...pair('sync', 'async', 'sync'),
  ...pair('atime', 'noatime', 'atime'),
  ...pair('diratime', 'nodiratime', 'diratime'),
  ...pair('relatime', 'norelatime', 'relatime'),
  ...pair('strictatime', 'nostrictatime', 'strictatime'),
  ...pair('mand', 'nomand', 'mand'),
  dirsync: 'dirsync',
  ...Object.fromEntries(
    ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave', 'unbindable', 'runbindable'].map((p) => [
      p,
      'propagation',
    ]),
  ),
};
const DATA_KEYS = new Set(['size', 'mode', 'uid', 'gid', 'nr_inodes', 'nr_blocks', 'mpol']);

function mergeTmpfsOptions(options: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const option of [...options].reverse()) {
    if (option === 'defaults') continue;
    const key = FLAG_KEYS[option] ?? dataKey(option);
    if (seen.has(key)) continue;
    seen.add(key);
    out.unshift(option);
  }
  return out;
}

function dataKey(option: string): string {
  const [key = '', value] = option.split('=', 2);
  if (value === undefined || !DATA_KEYS.has(key)) {
    throw new EngineError('invalid', 'ENGINE_INVALID_MOUNT', `invalid tmpfs option "${option}"`, {
      hint: 'tmpfs takes size, mode, uid, gid, nr_inodes, nr_blocks, mpol and mount flags such as ro, exec',
    });
  }
  return `=${key}`;
}

function pair(a: string, b: string, key: string): Record<string, string> {
  return { [a]: key, [b]: key };
}

// Parents before children, so /data is mounted before /data/cache; equal depths keep their order.
function sortParentsFirst(mounts: OciMount[]): OciMount[] {
  const depth = (m: OciMount): number => clean(m.destination).split('/').length;
  return mounts
    .map((m, i) => ({ m, i }))
    .sort((a, b) => depth(a.m) - depth(b.m) || a.i - b.i)
    .map(({ m }) => m);
}

function clean(p: string): string {
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  return `/${parts.join('/')}`;
}
