// SecurityOpt, masked and read-only /proc and /sys paths, and sysctls, as Docker applies them. Pure.
// Not applied (yet): seccomp and AppArmor profiles; their options are accepted so Compose files that set them load.
import { EngineError } from '../errors.js';

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

export interface SecurityOptions {
  noNewPrivileges: boolean;
  /** `systempaths=unconfined`: no masked or read-only paths. */
  unconfinedSystemPaths: boolean;
}

const IGNORED_KEYS = new Set(['seccomp', 'apparmor', 'label']);

/** Parses SecurityOpt ("no-new-privileges", "no-new-privileges:true", "systempaths=unconfined", ...). */
export function parseSecurityOpt(options: readonly string[]): SecurityOptions {
  const result: SecurityOptions = { noNewPrivileges: false, unconfinedSystemPaths: false };
  for (const opt of options) {
    const m = /^([^=:]+)(?:[=:](.*))?$/.exec(opt);
    const key = m?.[1] ?? '';
    const value = m?.[2];
    if (key === 'no-new-privileges') {
      if (value !== undefined && value !== 'true' && value !== 'false') invalidOpt(opt);
      result.noNewPrivileges = value !== 'false';
    } else if (key === 'systempaths') {
      if (value !== 'unconfined') invalidOpt(opt);
      result.unconfinedSystemPaths = true;
    } else if (!IGNORED_KEYS.has(key)) {
      invalidOpt(opt);
    }
  }
  return result;
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
    hint: 'berthd understands no-new-privileges[:true|false] and systempaths=unconfined',
  });
}
