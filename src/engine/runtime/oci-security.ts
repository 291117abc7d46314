// SecurityOpt, masked and read-only /proc and /sys paths, and sysctls, as Docker applies them. Pure.
// AppArmor profiles and SELinux labels are accepted so Compose files that set them load, and not applied.
import { EngineError } from '../errors.js';
import { parseSeccompProfile } from './seccomp-parse.js';
import { seccompForContainer } from './seccomp-profile.js';
import type { OciSeccomp } from './oci-types.js';
import type { SeccompProfile } from './seccomp-profile.js';

/** Docker's masked paths (moby oci/defaults.go, 2025): bind-mounted over by /dev/null or an empty tmpfs. */
export const MASKED_PATHS: readonly string[] = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/interrupts',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

/** Docker's read-only paths, remounted read-only inside the container. */
export const READONLY_PATHS: readonly string[] = [
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
];

/**
 * Which seccomp filter a container gets: berthd's default profile, none, a profile sent inline as JSON (what the
 * docker CLI and Compose send for `seccomp=FILE`), or a profile file on berthd's host (absolute path) that
 * berthd reads at create and keeps inline from then on.
 */
export type SeccompChoice =
  | { kind: 'default' }
  | { kind: 'unconfined' }
  | { kind: 'inline'; profile: SeccompProfile }
  | { kind: 'file'; path: string };

export interface SecurityOptions {
  noNewPrivileges: boolean;
  /** `systempaths=unconfined`: no masked or read-only paths. */
  unconfinedSystemPaths: boolean;
  seccomp: SeccompChoice;
}

// Go's strconv.ParseBool, which dockerd uses for no-new-privileges:VALUE.
const GO_BOOLS: Readonly<Record<string, boolean>> = Object.fromEntries([
  ...['1', 't', 'T', 'TRUE', 'true', 'True'].map((v) => [v, true]),
  ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((v) => [v, false]),
]);

/**
 * Parses SecurityOpt as dockerd's parseSecurityOpt does ("no-new-privileges", "no-new-privileges:true",
 * "seccomp=unconfined", "seccomp={...}", "apparmor=...", "label=...", "systempaths=unconfined"; "=" or the old
 * ":" separator). AppArmor and SELinux labels are accepted and not applied: berthd has neither. Throws
 * ENGINE_INVALID_SECURITY_OPT, or ENGINE_INVALID_SECCOMP_PROFILE for a profile that is not valid.
 */
export function parseSecurityOpt(options: readonly string[]): SecurityOptions {
  const result: SecurityOptions = {
    noNewPrivileges: false,
    unconfinedSystemPaths: false,
    seccomp: { kind: 'default' },
  };
  for (const opt of options) {
    if (opt === 'no-new-privileges') {
      result.noNewPrivileges = true;
      continue;
    }
    if (opt === 'disable') continue; // label=disable in its short form
    const sep = opt.includes('=') ? opt.indexOf('=') : opt.indexOf(':');
    if (sep === -1) invalidOpt(opt);
    const key = opt.slice(0, sep);
    const value = opt.slice(sep + 1);
    if (key === 'no-new-privileges') {
      const on = GO_BOOLS[value];
      if (on === undefined) invalidOpt(opt);
      result.noNewPrivileges = on;
    } else if (key === 'systempaths') {
      if (value !== 'unconfined') invalidOpt(opt);
      result.unconfinedSystemPaths = true;
    } else if (key === 'seccomp') {
      result.seccomp = seccompChoice(value, opt);
    } else if (key !== 'apparmor' && key !== 'label') {
      invalidOpt(opt);
    }
  }
  return result;
}

function seccompChoice(value: string, opt: string): SeccompChoice {
  if (value === '' || value === 'builtin') return { kind: 'default' };
  if (value === 'unconfined') return { kind: 'unconfined' };
  if (value.trimStart().startsWith('{'))
    return { kind: 'inline', profile: parseSeccompProfile(value, 'given in --security-opt seccomp') };
  if (value.startsWith('/')) return { kind: 'file', path: value };
  throw new EngineError('invalid', 'ENGINE_INVALID_SECURITY_OPT', `invalid --security-opt: "${opt}"`, {
    hint: 'seccomp takes "unconfined", "builtin", a profile as JSON, or the absolute path of a profile file',
  });
}

// Sysctls that live in a namespace the container owns (Docker's opts.ValidateSysctl); others would change the host.
const NAMESPACED_SYSCTLS = new Set([
  'kernel.msgmax',
  'kernel.msgmnb',
  'kernel.msgmni',
  'kernel.sem',
  'kernel.shmall',
  'kernel.shmmax',
  'kernel.shmmni',
  'kernel.shm_rmid_forced',
]);

/** Returns the sysctls unchanged, or throws ENGINE_INVALID_SYSCTL for one that is not namespaced. */
export function checkSysctls(sysctls: Readonly<Record<string, string>>): Record<string, string> {
  for (const key of Object.keys(sysctls)) {
    if (NAMESPACED_SYSCTLS.has(key) || key.startsWith('fs.mqueue.') || key.startsWith('net.')) continue;
    throw new EngineError('invalid', 'ENGINE_INVALID_SYSCTL', `sysctl '${key}' is not allowed`, {
      hint: 'only namespaced sysctls can be set: kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*, net.*',
    });
  }
  return { ...sysctls };
}

function invalidOpt(opt: string): never {
  throw new EngineError('invalid', 'ENGINE_INVALID_SECURITY_OPT', `invalid --security-opt: "${opt}"`, {
    hint: 'berthd understands no-new-privileges[:true|false], seccomp=..., apparmor=..., label=... and systempaths=unconfined',
  });
}

/** What berthd matches profiles against, and its default profile; loaded once per berthd (seccomp-host.ts). */
export interface SeccompSettings {
  defaultProfile: SeccompProfile;
  arch: string;
  kernel: { major: number; minor: number };
}

/**
 * The container's OCI seccomp, as moby's WithSeccomp: none when privileged or `seccomp=unconfined`, else the
 * chosen profile for `capabilities` (the bounding set). `settings` absent: no default filter (pure tests).
 */
export function seccompOf(
  choice: SeccompChoice,
  opts: { privileged: boolean; capabilities: readonly string[]; settings?: SeccompSettings },
): OciSeccomp | undefined {
  if (opts.privileged || choice.kind === 'unconfined') return undefined;
  if (choice.kind === 'file') {
    throw new EngineError('internal', 'ENGINE_SECCOMP_FILE_UNREAD', `seccomp profile ${choice.path} was not read`, {
      hint: 'a profile file is read when the container is created; create the container again',
    });
  }
  const { settings } = opts;
  if (!settings) {
    if (choice.kind === 'default') return undefined;
    throw new EngineError('internal', 'ENGINE_NO_SECCOMP_SETTINGS', 'a seccomp profile was given but berthd has none');
  }
  const profile = choice.kind === 'inline' ? choice.profile : settings.defaultProfile;
  return seccompForContainer(profile, {
    arch: settings.arch,
    kernel: settings.kernel,
    capabilities: opts.capabilities,
  });
}
