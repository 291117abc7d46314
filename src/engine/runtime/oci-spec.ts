// buildOciSpec: a container's config.json from its image config, Config and HostConfig, the way moby's
// daemon/oci_linux.go builds it on top of oci.DefaultLinuxSpec. Pure and synchronous: whatever comes from the
// host (rlimits, capabilities, /etc/passwd) is passed in SpecInput.
import { EngineError } from '../errors.js';
import { resolveCapabilities } from './oci-caps.js';
import { buildResources, buildRlimits } from './oci-limits.js';
import { buildMounts, INIT_PATH_IN_CONTAINER } from './oci-mounts.js';
import { buildEnv, resolveCommand, resolveWorkingDir } from './oci-process.js';
import { checkSysctls, MASKED_PATHS, parseSecurityOpt, READONLY_PATHS, seccompOf } from './oci-security.js';
import { resolveUser } from './oci-user.js';
import { RLIM_INFINITY } from './oci-types.js';
import type { OciLinux, OciNamespace, OciSpec } from './oci-types.js';
import type { NamespaceMode, SpecInput } from './spec-input.js';

export type { SpecInput } from './spec-input.js';

/** The OCI spec version runc 1.1 implements. */
export const OCI_VERSION = '1.0.2-dev';

/**
 * Throws EngineError `invalid` for a value Docker would reject (ENGINE_NO_COMMAND, ENGINE_USER_NOT_FOUND,
 * ENGINE_INVALID_RESOURCES, ...), and `unavailable` (ENGINE_NO_INIT) when Init is asked without `initPath`.
 */
export function buildOciSpec(input: SpecInput): OciSpec {
  const { image, config, host } = input;
  if (!input.rootfs.startsWith('/'))
    throw new EngineError('invalid', 'ENGINE_INVALID_ROOTFS', `rootfs "${input.rootfs}" is not absolute`);
  const privileged = host.Privileged === true;
  const readonlyRootfs = input.readonlyRootfs === true || host.ReadonlyRootfs === true;
  const security = parseSecurityOpt(host.SecurityOpt ?? []);
  const caps = resolveCapabilities({
    capAdd: host.CapAdd,
    capDrop: host.CapDrop,
    privileged,
    all: input.hostCapabilities,
  });
  const user = resolveUser(config.User || image.User || '', input.passwd, input.group, host.GroupAdd ?? []);
  if (host.Init && !input.initPath) {
    throw new EngineError(
      'unavailable',
      'ENGINE_NO_INIT',
      'an init process was asked for but berthd has no init binary',
      {
        hint: 'install catatonit, or start the container without init: true',
      },
    );
  }
  const command = resolveCommand(image, config);
  const rlimits = buildRlimits(host.Ulimits ?? [], input.hardLimits);
  const confined = !privileged && !security.unconfinedSystemPaths;
  const linux: OciLinux = {
    namespaces: namespaces(input),
    resources: buildResources(host),
    cgroupsPath: input.cgroupsPath,
  };
  // HostConfig.MaskedPaths/ReadonlyPaths replace Docker's lists when set: the docker CLI sends [] for both for
  // `--security-opt systempaths=unconfined`, which it does not pass on as a SecurityOpt.
  const maskedPaths = confined ? (host.MaskedPaths ?? MASKED_PATHS) : [];
  const readonlyPaths = confined ? (host.ReadonlyPaths ?? READONLY_PATHS) : [];
  if (maskedPaths.length > 0) linux.maskedPaths = [...maskedPaths];
  if (readonlyPaths.length > 0) linux.readonlyPaths = [...readonlyPaths];
  if (host.Sysctls && Object.keys(host.Sysctls).length > 0) linux.sysctl = checkSysctls(host.Sysctls);
  const seccomp = seccompOf(security.seccomp, { privileged, capabilities: caps, settings: input.seccomp });
  if (seccomp) linux.seccomp = seccomp;
  return {
    ociVersion: OCI_VERSION,
    process: {
      terminal: config.Tty === true,
      user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
      args: host.Init ? [INIT_PATH_IN_CONTAINER, '--', ...command] : command,
      env: buildEnv(image, config, input.hostname),
      cwd: resolveWorkingDir(image, config),
      capabilities: { bounding: caps, effective: caps, permitted: [...caps] },
      ...(rlimits.length > 0 ? { rlimits } : {}),
      noNewPrivileges: security.noNewPrivileges,
    },
    root: { path: input.rootfs, readonly: readonlyRootfs },
    hostname: input.hostname,
    mounts: buildMounts({
      privileged,
      readonlyRootfs,
      shmSize: host.ShmSize,
      tmpfs: host.Tmpfs,
      user: input.mounts,
      etcFiles: input.etcFiles,
      init: host.Init ? input.initPath : undefined,
    }),
    annotations: image.StopSignal ? { 'org.opencontainers.image.stopSignal': image.StopSignal } : {},
    linux,
  };
}

/**
 * config.json text. Unlike JSON.stringify it writes RLIM_INFINITY as 2^64-1, the spec's "unlimited", which a JS
 * number cannot hold.
 */
export function serializeOciSpec(spec: OciSpec): string {
  const marker = '__berth_rlim_infinity__';
  const text = JSON.stringify(spec, (key, value: unknown) =>
    (key === 'hard' || key === 'soft') && typeof value === 'number' && value >= RLIM_INFINITY ? marker : value,
  );
  return text.replaceAll(`"${marker}"`, '18446744073709551615');
}

// mount, uts and cgroup are always new; network joins `netns` or is new (runc brings up lo only); pid and ipc
// are new, joined (PidMode/IpcMode container:X) or left out, which keeps berthd's own (mode host), as moby's
// WithNamespaces does.
function namespaces(input: SpecInput): OciNamespace[] {
  const out: OciNamespace[] = [];
  const add = (type: OciNamespace['type'], mode: NamespaceMode | undefined): void => {
    if (mode === 'host') return;
    out.push(mode === undefined || mode === 'new' ? { type } : { type, path: mode.path });
  };
  add('pid', input.pidns);
  out.push({ type: 'mount' }, { type: 'uts' });
  add('ipc', input.ipcns);
  out.push(input.netns ? { type: 'network', path: input.netns } : { type: 'network' }, { type: 'cgroup' });
  return out;
}
