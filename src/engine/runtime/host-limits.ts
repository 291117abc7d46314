// What berthd's own process may hand to a container: its hard rlimits and its bounding capability set, read from
// /proc/self. buildOciSpec clamps to these (SpecInput.hardLimits, hostCapabilities) because a runc started by
// berthd cannot exceed them; without CAP_SYS_RESOURCE, even root cannot raise a hard limit.
import { readFileSync } from 'node:fs';
import { ALL_CAPABILITIES } from './oci-caps.js';
import { RLIM_INFINITY } from './oci-types.js';

// /proc/self/limits row names, mapped to OCI rlimit types.
const LIMIT_ROWS: Record<string, string> = {
  'Max cpu time': 'RLIMIT_CPU',
  'Max file size': 'RLIMIT_FSIZE',
  'Max data size': 'RLIMIT_DATA',
  'Max stack size': 'RLIMIT_STACK',
  'Max core file size': 'RLIMIT_CORE',
  'Max resident set': 'RLIMIT_RSS',
  'Max processes': 'RLIMIT_NPROC',
  'Max open files': 'RLIMIT_NOFILE',
  'Max locked memory': 'RLIMIT_MEMLOCK',
  'Max address space': 'RLIMIT_AS',
  'Max file locks': 'RLIMIT_LOCKS',
  'Max pending signals': 'RLIMIT_SIGPENDING',
  'Max msgqueue size': 'RLIMIT_MSGQUEUE',
  'Max nice priority': 'RLIMIT_NICE',
  'Max realtime priority': 'RLIMIT_RTPRIO',
  'Max realtime timeout': 'RLIMIT_RTTIME',
};

/** Hard limits keyed by OCI type (RLIMIT_NOFILE), RLIM_INFINITY for "unlimited". */
export function parseLimits(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    // Columns are padded with spaces; names contain single spaces, so split on runs of two or more.
    const [name = '', _soft, hard] = line.trim().split(/\s{2,}/);
    const type = LIMIT_ROWS[name];
    if (!type || hard === undefined) continue;
    out[type] = hard === 'unlimited' ? RLIM_INFINITY : Number(hard);
  }
  return out;
}

export function readHardLimits(): Record<string, number> {
  return parseLimits(readFileSync('/proc/self/limits', 'utf8'));
}

/** Capability names whose bits are set in a hex mask such as /proc/self/status's CapBnd. */
export function capabilitiesOfMask(hex: string): string[] {
  const mask = BigInt(`0x${hex}`);
  return ALL_CAPABILITIES.filter((_, bit) => ((mask >> BigInt(bit)) & 1n) === 1n);
}

export function readBoundingCapabilities(): string[] {
  const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m?.[1] ? capabilitiesOfMask(m[1]) : [...ALL_CAPABILITIES];
}
