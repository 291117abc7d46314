// The pid and ipc namespaces of a container from HostConfig.PidMode and IpcMode, by dockerd 20.10's rules
// (runconfig/hostconfig_unix.go validates them at create; daemon/container_operations_unix.go getPidContainer and
// getIpcContainer resolve `container:<id|name>` at start). A joined namespace is the target's init process's
// /proc/<pid>/ns/<type>, as network_mode container: does; the target must be running.
import { EngineError } from '../errors.js';
import type { NamespaceMode } from '../runtime/spec-input.js';
import type { ContainerRecord } from './container-store.js';

/** dockerd's --default-ipc-mode, written into HostConfig.IpcMode at create when the request leaves it empty. */
export const DEFAULT_IPC_MODE = 'private';

const IPC_MODES = new Set(['', 'none', 'private', 'shareable', 'host']);
const PID_MODES = new Set(['', 'host']);

/**
 * Checks PidMode and IpcMode of a create request (dockerd answers 400 "Invalid IPC mode: x"), writes a joined
 * container's full id for its name (404 when there is none) and fills in the default IpcMode, as dockerd's create
 * does. Mutates and returns `host`.
 */
export function normalizeNamespaceModes(
  host: Record<string, unknown>,
  find: (ref: string) => ContainerRecord | undefined,
): Record<string, unknown> {
  const ipc = String(host.IpcMode ?? '');
  const pid = String(host.PidMode ?? '');
  if (!IPC_MODES.has(ipc) && !isJoin(ipc))
    throw new EngineError('invalid', 'ENGINE_BAD_IPC_MODE', `Invalid IPC mode: ${ipc}`, {
      hint: 'use none, private, shareable, host or container:<name|id>',
    });
  if (!PID_MODES.has(pid) && !isJoin(pid))
    throw new EngineError('invalid', 'ENGINE_BAD_PID_MODE', `invalid PID mode: ${pid}`, {
      hint: 'use host or container:<name|id>',
    });
  if (ipc === '') host.IpcMode = DEFAULT_IPC_MODE;
  for (const key of ['PidMode', 'IpcMode'] as const) {
    const mode = String(host[key]);
    if (!isJoin(mode)) continue;
    const ref = mode.slice('container:'.length);
    const target = find(ref);
    // 400, not 404: the docker CLI takes a 404 from create for a missing image and tries to pull it
    if (!target) throw new EngineError('invalid', 'ENGINE_NO_SUCH_CONTAINER', `No such container: ${ref}`);
    host[key] = `container:${target.id}`;
  }
  return host;
}

function isJoin(mode: string): boolean {
  return mode.startsWith('container:') && mode.length > 'container:'.length;
}

/** The two namespace modes a start writes into the OCI spec, and whose /dev/shm the container binds. */
export interface ContainerNamespaces {
  pidns: NamespaceMode;
  ipcns: NamespaceMode;
  /**
   * "host": the host's /dev/shm; an id: that container's host-side tmpfs (its own when shareable, the donor's
   * when joined); absent: a tmpfs of its own made by the runtime (private, none).
   */
  shm?: string;
}

/**
 * Resolves the modes of `c` against the other containers (`find` by id, name or id prefix). Throws EngineError
 * `not-found` or `conflict` with dockerd's words when a target is missing, not running, or (ipc) not shareable.
 */
export function resolveNamespaces(
  c: ContainerRecord,
  find: (ref: string) => ContainerRecord | undefined,
): ContainerNamespaces {
  const pid = String(c.hostConfig.PidMode ?? '');
  const ipc = String(c.hostConfig.IpcMode ?? '');
  const out: ContainerNamespaces = { pidns: pid === 'host' ? 'host' : 'new', ipcns: ipc === 'host' ? 'host' : 'new' };
  if (ipc === 'host') out.shm = 'host';
  if (ipc === 'shareable' || ipc === '') out.shm = c.id; // "" is a record older than the private default
  if (isJoin(pid)) {
    const ref = pid.slice('container:'.length);
    const target = running(find, ref, undefined);
    out.pidns = { path: `/proc/${target.state.Pid}/ns/pid` };
  }
  if (isJoin(ipc)) {
    const ref = ipc.slice('container:'.length);
    const target = running(find, ref, `can't join IPC of container ${ref}`);
    const mode = String(target.hostConfig.IpcMode ?? '');
    // dockerd gives only a shareable (or host) container's /dev/shm a path another container can bind
    if (mode !== 'shareable' && mode !== 'host' && mode !== '' && !isJoin(mode)) {
      throw new EngineError(
        'conflict',
        'ENGINE_IPC_NOT_SHAREABLE',
        // dockerd's words, hint included, so clients that match on them see the same
        `can't join IPC of container ${ref}: non-shareable IPC (hint: use IpcMode:shareable for the donor container)`,
      );
    }
    out.ipcns = { path: `/proc/${target.state.Pid}/ns/ipc` };
    // POSIX shared memory lives in /dev/shm, not in the namespace: the donor's, as dockerd binds its ShmPath
    out.shm = mode === 'host' ? 'host' : isJoin(mode) ? mode.slice('container:'.length) : target.id;
  }
  return out;
}

function running(
  find: (ref: string) => ContainerRecord | undefined,
  ref: string,
  context: string | undefined,
): ContainerRecord & { state: { Pid: number } } {
  const prefix = context ? `${context}: ` : '';
  const target = find(ref);
  if (!target) throw new EngineError('not-found', 'ENGINE_NO_SUCH_CONTAINER', `${prefix}No such container: ${ref}`);
  if (!target.state.Running || target.state.Restarting || !target.state.Pid)
    throw new EngineError('conflict', 'ENGINE_NOT_RUNNING', `${prefix}container ${target.id} is not running`, {
      hint: `start ${target.name} first`,
    });
  return target as ContainerRecord & { state: { Pid: number } };
}
