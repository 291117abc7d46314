// Seccomp profiles in Docker's file format (Docker's default.json, Podman's containers-common seccomp.json,
// `--security-opt seccomp=FILE`) and their translation into the OCI `linux.seccomp` of one container, as moby's
// profiles/seccomp setupSeccomp does it: keep the rules whose includes/excludes match this architecture, the
// container's bounding capabilities and the kernel version; map archMap to `architectures`. Pure.
import { EngineError } from '../errors.js';
import type { OciSeccomp, OciSeccompArg, OciSyscall } from './oci-types.js';

/** A condition of a rule: all of `caps` held, the architecture among `arches`, the kernel at least `minKernel`. */
export interface SeccompFilter {
  caps?: string[];
  arches?: string[];
  /** "<kernel>.<major>", e.g. "4.8". */
  minKernel?: string;
}

/** One rule of a profile file. Exactly one of `name` and `names` is set. */
export interface SeccompRule {
  name?: string;
  names?: string[];
  action: string;
  errnoRet?: number;
  args?: OciSeccompArg[] | null;
  includes?: SeccompFilter;
  excludes?: SeccompFilter;
}

/** A parsed profile file. At most one of `architectures` and `archMap` is set. */
export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap?: { architecture: string; subArchitectures?: string[] | null }[];
  flags?: string[];
  syscalls: SeccompRule[];
}

/** What the rules of a profile are matched against for one container. */
export interface SeccompTarget {
  /** Go's "native" architecture name, as the profiles' `arches` use it: amd64, arm64, x86, s390x, ... */
  arch: string;
  /** The container's bounding capabilities (CAP_ names), as moby matches `caps` against. */
  capabilities: readonly string[];
  kernel: { major: number; minor: number };
}

// moby's nativeToSeccomp: which SCMP_ARCH_ an archMap entry must name to apply to this architecture.
const NATIVE_TO_SECCOMP: Readonly<Record<string, string>> = {
  x86: 'SCMP_ARCH_X86',
  amd64: 'SCMP_ARCH_X86_64',
  arm: 'SCMP_ARCH_ARM',
  arm64: 'SCMP_ARCH_AARCH64',
  mips64: 'SCMP_ARCH_MIPS64',
  mips64n32: 'SCMP_ARCH_MIPS64N32',
  mipsel64: 'SCMP_ARCH_MIPSEL64',
  mips3l64n32: 'SCMP_ARCH_MIPSEL64N32',
  mipsle: 'SCMP_ARCH_MIPSEL',
  ppc: 'SCMP_ARCH_PPC',
  ppc64: 'SCMP_ARCH_PPC64',
  ppc64le: 'SCMP_ARCH_PPC64LE',
  riscv64: 'SCMP_ARCH_RISCV64',
  s390: 'SCMP_ARCH_S390',
  s390x: 'SCMP_ARCH_S390X',
};

// Node's process.arch to Go's native names (moby goToNative after GOARCH).
const NODE_TO_NATIVE: Readonly<Record<string, string>> = {
  ia32: 'x86',
  x64: 'amd64',
  arm: 'arm',
  arm64: 'arm64',
  ppc64: 'ppc64le', // Node on Linux runs on little-endian ppc64 only
  riscv64: 'riscv64',
  s390x: 's390x',
};

/** Go's native architecture name for Node's `process.arch`; the name itself when unknown. */
export function nativeArch(nodeArch: string): string {
  return NODE_TO_NATIVE[nodeArch] ?? nodeArch;
}

/** "6.1.0-18-amd64" → { major: 6, minor: 1 }, as moby's parseRelease reads `uname -r`. */
export function parseKernelRelease(release: string): { major: number; minor: number } {
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (!m) throw new EngineError('internal', 'ENGINE_KERNEL_VERSION', `cannot read the kernel version "${release}"`);
  return { major: Number(m[1]), minor: Number(m[2]) };
}

/**
 * The OCI seccomp of a container, or undefined when the profile filters nothing (no defaultAction and no rules,
 * as moby). Rules keep their order; names, args and errnoRet are copied as they are.
 */
export function seccompForContainer(profile: SeccompProfile, target: SeccompTarget): OciSeccomp | undefined {
  if (profile.defaultAction === '' && profile.syscalls.length === 0) return undefined;
  const architectures = [...(profile.architectures ?? [])];
  const own = NATIVE_TO_SECCOMP[target.arch];
  const mapped = own === undefined ? undefined : profile.archMap?.find((a) => a.architecture === own);
  if (mapped) architectures.push(mapped.architecture, ...(mapped.subArchitectures ?? []));
  const syscalls: OciSyscall[] = [];
  for (const rule of profile.syscalls) {
    if (!ruleApplies(rule, target)) continue;
    const syscall: OciSyscall = { names: rule.name ? [rule.name] : [...(rule.names ?? [])], action: rule.action };
    if (rule.errnoRet !== undefined) syscall.errnoRet = rule.errnoRet;
    if (rule.args && rule.args.length > 0) syscall.args = rule.args.map((a) => ({ ...a }));
    syscalls.push(syscall);
  }
  return {
    defaultAction: profile.defaultAction,
    ...(profile.defaultErrnoRet !== undefined ? { defaultErrnoRet: profile.defaultErrnoRet } : {}),
    ...(architectures.length > 0 ? { architectures } : {}),
    ...(profile.flags && profile.flags.length > 0 ? { flags: [...profile.flags] } : {}),
    syscalls,
  };
}

// moby: a rule is dropped if any exclude matches (the arch, any one of the caps, kernel >= minKernel), or any
// include does not (the arch, every one of the caps, kernel >= minKernel).
function ruleApplies(rule: SeccompRule, t: SeccompTarget): boolean {
  const ex = rule.excludes ?? {};
  const inc = rule.includes ?? {};
  if (ex.arches?.includes(t.arch)) return false;
  if (ex.caps?.some((c) => t.capabilities.includes(c))) return false;
  if (ex.minKernel && kernelAtLeast(t.kernel, ex.minKernel)) return false;
  if (inc.arches && inc.arches.length > 0 && !inc.arches.includes(t.arch)) return false;
  if (inc.caps?.some((c) => !t.capabilities.includes(c))) return false;
  if (inc.minKernel && !kernelAtLeast(t.kernel, inc.minKernel)) return false;
  return true;
}

function kernelAtLeast(kernel: { major: number; minor: number }, min: string): boolean {
  const [major = 0, minor = 0] = min.split('.').map(Number);
  return kernel.major > major || (kernel.major === major && kernel.minor >= minor);
}
