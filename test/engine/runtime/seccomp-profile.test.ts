// Seccomp profiles translated into a container's OCI linux.seccomp as moby's setupSeccomp does, on small inline
// profiles (capability includes/excludes, arches, archMap, minKernel, errnoRet) and on the profile berthd ships.
// Pure: the profile files are read once here, the functions under test take data.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPABILITIES } from '../../../src/engine/runtime/oci-caps.js';
import { parseSeccompProfile } from '../../../src/engine/runtime/seccomp-parse.js';
import { nativeArch, parseKernelRelease, seccompForContainer } from '../../../src/engine/runtime/seccomp-profile.js';
import type { OciSeccomp } from '../../../src/engine/runtime/oci-types.js';
import type { SeccompProfile, SeccompTarget } from '../../../src/engine/runtime/seccomp-profile.js';

const AMD64: SeccompTarget = { arch: 'amd64', capabilities: DEFAULT_CAPABILITIES, kernel: { major: 6, minor: 1 } };

const profileOf = (json: unknown): SeccompProfile => parseSeccompProfile(JSON.stringify(json), 'test.json');
const translate = (json: unknown, target: Partial<SeccompTarget> = {}): OciSeccomp | undefined =>
  seccompForContainer(profileOf(json), { ...AMD64, ...target });

/** Names the filter lets through whatever their arguments: an unconditional SCMP_ACT_ALLOW rule names them. */
function allowed(seccomp: OciSeccomp | undefined): Set<string> {
  const rules = (seccomp?.syscalls ?? []).filter((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args);
  return new Set(rules.flatMap((r) => r.names));
}

describe('seccompForContainer: which rules apply', () => {
  const capsProfile = {
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [
      { names: ['unshare'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
      { names: ['unshare'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, excludes: { caps: ['CAP_SYS_ADMIN'] } },
      { names: ['reboot'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_BOOT', 'CAP_SYS_ADMIN'] } },
    ],
  };

  it('a rule that includes a capability must apply only when the container holds it, and all of them', () => {
    expect(translate(capsProfile)?.syscalls).toEqual([{ names: ['unshare'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }]);
    const admin = translate(capsProfile, { capabilities: [...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN'] });
    expect(admin?.syscalls).toEqual([{ names: ['unshare'], action: 'SCMP_ACT_ALLOW' }]);
    const both = translate(capsProfile, { capabilities: ['CAP_SYS_ADMIN', 'CAP_SYS_BOOT'] });
    expect(allowed(both)).toEqual(new Set(['unshare', 'reboot']));
  });

  it('arches in includes and excludes must be matched against the native architecture name', () => {
    const profile = {
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64', 'x32'] } },
        { names: ['cacheflush'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['arm', 'arm64'] } },
        { names: ['clone'], action: 'SCMP_ACT_ALLOW', excludes: { arches: ['s390x'] } },
      ],
    };
    expect(allowed(translate(profile))).toEqual(new Set(['arch_prctl', 'clone']));
    expect(allowed(translate(profile, { arch: 'arm64' }))).toEqual(new Set(['cacheflush', 'clone']));
    expect(allowed(translate(profile, { arch: 's390x' }))).toEqual(new Set());
  });

  it('archMap must become the architectures of this machine with their sub-architectures', () => {
    const profile = {
      defaultAction: 'SCMP_ACT_ERRNO',
      archMap: [
        { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
        { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
      ],
      syscalls: [],
    };
    expect(translate(profile)?.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    expect(translate(profile, { arch: 'arm64' })?.architectures).toEqual(['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
    expect(translate(profile, { arch: 'riscv64' })?.architectures).toBeUndefined();
    const listed = { defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: [] };
    expect(translate(listed, { arch: 'arm64' })?.architectures).toEqual(['SCMP_ARCH_X86_64']);
  });

  it('minKernel must keep an include from an older kernel and drop an exclude from a newer one', () => {
    const profile = {
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        { names: ['ptrace'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '4.8' } },
        { names: ['old_call'], action: 'SCMP_ACT_ALLOW', excludes: { minKernel: '5.10' } },
      ],
    };
    const at = (major: number, minor: number): Set<string> => allowed(translate(profile, { kernel: { major, minor } }));
    expect(at(4, 7)).toEqual(new Set(['old_call']));
    expect(at(4, 8)).toEqual(new Set(['ptrace', 'old_call']));
    expect(at(5, 9)).toEqual(new Set(['ptrace', 'old_call']));
    expect(at(5, 10)).toEqual(new Set(['ptrace']));
    expect(at(6, 0)).toEqual(new Set(['ptrace']));
  });

  it('defaultErrnoRet, errnoRet, flags, args and `name` must come through as the OCI spec spells them', () => {
    const seccomp = translate({
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 38,
      flags: ['SECCOMP_FILTER_FLAG_LOG'],
      syscalls: [
        { name: 'personality', action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] },
        { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, args: null },
      ],
    });
    expect(seccomp).toEqual({
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 38,
      flags: ['SECCOMP_FILTER_FLAG_LOG'],
      syscalls: [
        { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] },
        { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
      ],
    });
  });

  it('a profile with no default action and no rules must give no filter, as moby', () => {
    expect(translate({})).toBeUndefined();
  });

  it('host facts must be read as moby reads them', () => {
    expect(parseKernelRelease('6.1.0-18-amd64')).toEqual({ major: 6, minor: 1 });
    expect(parseKernelRelease('6.18.44-fc-v1147')).toEqual({ major: 6, minor: 18 });
    expect(nativeArch('x64')).toBe('amd64');
    expect(nativeArch('ia32')).toBe('x86');
  });
});

describe("Docker's default profile as berthd ships it", () => {
  const docker = parseSeccompProfile(readFileSync('profiles/seccomp/default.json', 'utf8'), 'default.json');
  const DENIED = ['unshare', 'setns', 'mount', 'keyctl', 'add_key', 'request_key', 'kexec_load', 'bpf'];
  const DENIED_TOO = ['perf_event_open', 'userfaultfd', 'init_module', 'reboot', 'swapon', 'pivot_root', 'umount2'];

  it('with the default capabilities it must refuse namespaces, keyrings, kexec, bpf and the like', () => {
    const seccomp = seccompForContainer(docker, AMD64);
    expect(seccomp?.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(seccomp?.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    const ok = allowed(seccomp);
    for (const name of [...DENIED, ...DENIED_TOO]) expect(ok.has(name), name).toBe(false);
    for (const name of ['read', 'write', 'openat', 'execve', 'arch_prctl', 'ptrace'])
      expect(ok.has(name), name).toBe(true);
    // clone only without namespace flags: CLONE_NEWNS|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWCGROUP masked to 0
    const clone = seccomp?.syscalls.find((r) => r.names.includes('clone'));
    expect(clone?.args).toEqual([{ index: 0, value: 2114060288, op: 'SCMP_CMP_MASKED_EQ' }]);
  });

  it('ptrace must be refused on kernels before 4.8, as Docker does', () => {
    expect(allowed(seccompForContainer(docker, { ...AMD64, kernel: { major: 4, minor: 4 } })).has('ptrace')).toBe(
      false,
    );
  });

  it('CAP_SYS_ADMIN must open unshare, setns, mount and clone with any flags', () => {
    const ok = allowed(
      seccompForContainer(docker, { ...AMD64, capabilities: [...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN'] }),
    );
    for (const name of ['unshare', 'setns', 'mount', 'umount2', 'clone', 'bpf']) expect(ok.has(name), name).toBe(true);
    expect(ok.has('kexec_load')).toBe(false);
  });

  it.runIf(existsSync('/usr/share/containers/seccomp.json'))(
    "Podman's containers-common profile must parse too",
    () => {
      const text = readFileSync('/usr/share/containers/seccomp.json', 'utf8');
      const podman = seccompForContainer(parseSeccompProfile(text, 'seccomp.json'), AMD64);
      expect(podman?.defaultErrnoRet).toBe(38);
      // and shows why berthd does not use it by default: it lets unshare through without CAP_SYS_ADMIN
      expect(allowed(podman).has('unshare')).toBe(true);
    },
  );
});

describe('parseSeccompProfile: a bad profile is refused with where and why', () => {
  it.each([
    ['not JSON', '{', 'is not JSON'],
    ['not an object', '[]', 'is not a JSON object'],
    ['an unknown default action', '{"defaultAction":"SCMP_ACT_NOPE"}', 'defaultAction: unknown action "SCMP_ACT_NOPE"'],
    [
      'both name and names',
      '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"name":"a","names":["b"],"action":"SCMP_ACT_ALLOW"}]}',
      "syscalls[0].sets both 'name' and 'names'",
    ],
    [
      'a rule without action',
      '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"]}]}',
      'syscalls[0].action: is missing',
    ],
    [
      'both architectures and archMap',
      '{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86"],"archMap":[{"architecture":"SCMP_ARCH_X86"}]}',
      "sets both 'architectures' and 'archMap'",
    ],
    [
      'a 64-bit argument a JS number cannot hold',
      '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["a"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":18446744073709551615,"op":"SCMP_CMP_EQ"}]}]}',
      'syscalls[0].args[0].value: must be a whole number',
    ],
    [
      'a bad minKernel',
      '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["a"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"4"}}]}',
      'syscalls[0].includes.minKernel: "4" is not a kernel version',
    ],
  ])('%s', (_name, text, message) => {
    expect(() => parseSeccompProfile(text, 'p.json')).toThrowError(
      expect.objectContaining({
        code: 'ENGINE_INVALID_SECCOMP_PROFILE',
        kind: 'invalid',
        message: expect.stringContaining(`seccomp profile p.json: ${message}`),
        hint: expect.stringContaining('defaultAction'),
      }),
    );
  });
});
