// Capabilities as moby computes them (oci/caps TweakCapabilities): Docker's 14 defaults, minus CapDrop, plus
// CapAdd; "ALL" in CapAdd means every capability but the dropped ones, "ALL" in CapDrop means only CapAdd;
// Privileged means every capability. Names are accepted with or without CAP_, in any case. Pure.
import { EngineError } from '../errors.js';

/** Every capability Linux 6.x knows, in bit order (capability.h), so index i is bit i of a CapBnd mask. */
export const ALL_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

/** moby oci.DefaultCapabilities, in moby's order. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

export interface CapabilityInput {
  capAdd?: readonly string[] | null;
  capDrop?: readonly string[] | null;
  privileged?: boolean;
  /** What "ALL" expands to; the host's bounding set in berthd. */
  all?: readonly string[];
}

/** The capability set of the process. Throws ENGINE_UNKNOWN_CAPABILITY (invalid) for a name Linux does not know. */
export function resolveCapabilities(input: CapabilityInput): string[] {
  const all = input.all ?? ALL_CAPABILITIES;
  if (input.privileged) return [...all];
  const add = normalize(input.capAdd ?? []);
  const drop = normalize(input.capDrop ?? []);
  if (add.length === 0 && drop.length === 0) return [...DEFAULT_CAPABILITIES];
  if (add.includes('ALL')) return all.filter((c) => !drop.includes(c));
  if (drop.includes('ALL')) return unique(add);
  return unique([...DEFAULT_CAPABILITIES.filter((c) => !drop.includes(c)), ...add]);
}

function normalize(names: readonly string[]): string[] {
  return names.map((raw) => {
    const upper = raw.toUpperCase();
    if (upper === 'ALL') return 'ALL';
    const name = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
    if (!ALL_CAPABILITIES.includes(name)) {
      throw new EngineError('invalid', 'ENGINE_UNKNOWN_CAPABILITY', `unknown capability: "${raw}"`, {
        hint: 'use a name from capabilities(7), such as NET_ADMIN',
      });
    }
    return name;
  });
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}
