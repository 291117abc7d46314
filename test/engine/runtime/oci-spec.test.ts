// buildOciSpec on inline data: Docker's rules for command, environment, capabilities, resources, mounts and
// rlimits. Pure: no runc, no files.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPABILITIES } from '../../../src/engine/runtime/oci-caps.js';
import { buildOciSpec, serializeOciSpec } from '../../../src/engine/runtime/oci-spec.js';
import { RLIM_INFINITY } from '../../../src/engine/runtime/oci-types.js';
import type { OciSpec } from '../../../src/engine/runtime/oci-types.js';
import type { SpecInput } from '../../../src/engine/runtime/spec-input.js';
import type { SeccompSettings } from '../../../src/engine/runtime/oci-security.js';

const passwd = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n';
const group = 'root:x:0:\napp:x:1000:\nwheel:x:10:app\n';

function specOf(over: Partial<SpecInput> = {}): OciSpec {
  return buildOciSpec({
    id: 'c1',
    rootfs: '/var/lib/berth/c1/rootfs',
    hostname: 'c1host',
    image: { Cmd: ['sh'] },
    config: {},
    host: {},
    etcFiles: { hosts: '/b/hosts', hostname: '/b/hostname', resolvConf: '/b/resolv.conf' },
    passwd,
    group,
    cgroupsPath: '/berth/c1',
    ...over,
  });
}

const argsOf = (image: SpecInput['image'], config: SpecInput['config']): string[] =>
  specOf({ image, config }).process.args;

describe('command: Entrypoint and Cmd', () => {
  // Docker's table "Understand how CMD and ENTRYPOINT interact", plus the run-time overrides of docker run.
  it.each([
    ['image CMD only', { Cmd: ['exec_cmd', 'p1_cmd'] }, {}, ['exec_cmd', 'p1_cmd']],
    ['image ENTRYPOINT only', { Entrypoint: ['exec_entry', 'p1_entry'] }, {}, ['exec_entry', 'p1_entry']],
    [
      'image ENTRYPOINT and CMD',
      { Entrypoint: ['exec_entry', 'p1_entry'], Cmd: ['exec_cmd', 'p1_cmd'] },
      {},
      ['exec_entry', 'p1_entry', 'exec_cmd', 'p1_cmd'],
    ],
    [
      'run Cmd replaces image CMD, keeps ENTRYPOINT',
      { Entrypoint: ['ep'], Cmd: ['img'] },
      { Cmd: ['run'] },
      ['ep', 'run'],
    ],
    [
      'run Entrypoint replaces image ENTRYPOINT and drops image CMD',
      { Entrypoint: ['ep'], Cmd: ['img'] },
      { Entrypoint: ['new'] },
      ['new'],
    ],
    [
      'run Entrypoint and Cmd',
      { Entrypoint: ['ep'], Cmd: ['img'] },
      { Entrypoint: ['new'], Cmd: ['arg'] },
      ['new', 'arg'],
    ],
    [
      'run Entrypoint [] clears ENTRYPOINT and keeps image CMD',
      { Entrypoint: ['ep'], Cmd: ['img'] },
      { Entrypoint: [] },
      ['img'],
    ],
    [
      'run Entrypoint [""] clears ENTRYPOINT and image CMD',
      { Entrypoint: ['ep'], Cmd: ['img'] },
      { Entrypoint: [''], Cmd: ['run'] },
      ['run'],
    ],
    ['run Cmd [] counts as not given', { Cmd: ['img'] }, { Cmd: [] }, ['img']],
    ['null means not given', { Entrypoint: ['ep'], Cmd: ['img'] }, { Entrypoint: null, Cmd: null }, ['ep', 'img']],
  ])('%s', (_name, image, config, expected) => {
    expect(argsOf(image, config)).toEqual(expected);
  });

  it('no command anywhere must fail with ENGINE_NO_COMMAND', () => {
    expect(() => argsOf({}, {})).toThrowError(expect.objectContaining({ code: 'ENGINE_NO_COMMAND', kind: 'invalid' }));
    expect(() => argsOf({ Entrypoint: ['ep'], Cmd: ['img'] }, { Entrypoint: [''] })).toThrowError(
      expect.objectContaining({ code: 'ENGINE_NO_COMMAND' }),
    );
  });

  it('Init must run the command under the init binary mounted at /sbin/docker-init', () => {
    const spec = specOf({ host: { Init: true }, initPath: '/usr/bin/catatonit' });
    expect(spec.process.args).toEqual(['/sbin/docker-init', '--', 'sh']);
    expect(spec.mounts.at(-1)).toEqual({
      destination: '/sbin/docker-init',
      type: 'bind',
      source: '/usr/bin/catatonit',
      options: ['bind', 'ro'],
    });
    expect(() => specOf({ host: { Init: true } })).toThrowError(
      expect.objectContaining({ code: 'ENGINE_NO_INIT', kind: 'unavailable' }),
    );
  });
});

describe('environment and working directory', () => {
  it('defaults must be PATH and HOSTNAME, with TERM=xterm only on a TTY', () => {
    expect(specOf().process.env).toEqual([
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'HOSTNAME=c1host',
    ]);
    expect(specOf({ config: { Tty: true } }).process.env).toContain('TERM=xterm');
    expect(specOf({ config: { Tty: true } }).process.terminal).toBe(true);
  });

  it('container Env must override image Env by key, keep the rest, and may replace PATH', () => {
    const env = specOf({
      image: { Cmd: ['sh'], Env: ['PATH=/img/bin', 'A=image', 'B=image'] },
      config: { Env: ['A=run', 'C=run'] },
    }).process.env;
    expect(env).toEqual(['PATH=/img/bin', 'HOSTNAME=c1host', 'A=run', 'C=run', 'B=image']);
  });

  it('a bare KEY without "=" must unset it', () => {
    expect(specOf({ image: { Cmd: ['sh'], Env: ['A=1'] }, config: { Env: ['HOSTNAME'] } }).process.env).toEqual([
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'A=1',
    ]);
  });

  it('WorkingDir must come from the container, else the image, else "/", and must be absolute', () => {
    expect(specOf().process.cwd).toBe('/');
    expect(specOf({ image: { Cmd: ['sh'], WorkingDir: '/app' } }).process.cwd).toBe('/app');
    expect(
      specOf({ image: { Cmd: ['sh'], WorkingDir: '/app' }, config: { WorkingDir: '/srv/./x/' } }).process.cwd,
    ).toBe('/srv/x');
    expect(() => specOf({ config: { WorkingDir: 'rel' } })).toThrowError(
      expect.objectContaining({ code: 'ENGINE_INVALID_WORKDIR' }),
    );
  });

  it('User must be resolved from the image passwd, container User over image User', () => {
    expect(specOf({ image: { Cmd: ['sh'], User: 'app' } }).process.user).toEqual({
      uid: 1000,
      gid: 1000,
      additionalGids: [1000, 10],
    });
    expect(specOf({ image: { Cmd: ['sh'], User: 'app' }, config: { User: '0:0' } }).process.user).toEqual({
      uid: 0,
      gid: 0,
      additionalGids: [0],
    });
    expect(() => specOf({ config: { User: 'ghost' } })).toThrowError(
      expect.objectContaining({ code: 'ENGINE_USER_NOT_FOUND' }),
    );
  });
});

describe('capabilities', () => {
  const capsOf = (host: SpecInput['host'], hostCapabilities?: string[]): string[] => {
    const caps = specOf({ host, hostCapabilities }).process.capabilities;
    expect(caps?.effective).toEqual(caps?.bounding);
    expect(caps?.permitted).toEqual(caps?.bounding);
    return caps?.bounding ?? [];
  };

  it("the default set must be Docker's 14", () => {
    expect(capsOf({})).toEqual([...DEFAULT_CAPABILITIES]);
    expect(DEFAULT_CAPABILITIES).toHaveLength(14);
  });

  it('CapAdd and CapDrop must accept names with or without CAP_, in any case', () => {
    const caps = capsOf({ CapAdd: ['net_admin', 'CAP_SYS_PTRACE'], CapDrop: ['MKNOD', 'cap_net_raw'] });
    expect(caps).toContain('CAP_NET_ADMIN');
    expect(caps).toContain('CAP_SYS_PTRACE');
    expect(caps).not.toContain('CAP_MKNOD');
    expect(caps).not.toContain('CAP_NET_RAW');
    expect(caps).toHaveLength(14);
  });

  it('CapDrop ALL must leave only CapAdd', () => {
    expect(capsOf({ CapDrop: ['ALL'], CapAdd: ['CHOWN', 'KILL'] })).toEqual(['CAP_CHOWN', 'CAP_KILL']);
    expect(capsOf({ CapDrop: ['all'] })).toEqual([]);
  });

  it('CapAdd ALL must give every host capability except the dropped ones', () => {
    const host = ['CAP_CHOWN', 'CAP_KILL', 'CAP_SYS_ADMIN'];
    expect(capsOf({ CapAdd: ['ALL'], CapDrop: ['SYS_ADMIN'] }, host)).toEqual(['CAP_CHOWN', 'CAP_KILL']);
  });

  it('Privileged must give every host capability and lift masked and read-only paths', () => {
    const spec = specOf({ host: { Privileged: true }, hostCapabilities: ['CAP_CHOWN', 'CAP_SYS_ADMIN'] });
    expect(spec.process.capabilities?.bounding).toEqual(['CAP_CHOWN', 'CAP_SYS_ADMIN']);
    expect(spec.linux.maskedPaths).toBeUndefined();
    expect(spec.linux.resources.devices).toEqual([{ allow: true, access: 'rwm' }]);
    expect(spec.mounts.find((m) => m.destination === '/sys')?.options).toContain('rw');
  });

  it('an unknown capability must fail with ENGINE_UNKNOWN_CAPABILITY', () => {
    expect(() => capsOf({ CapAdd: ['FLY'] })).toThrowError(
      expect.objectContaining({ code: 'ENGINE_UNKNOWN_CAPABILITY', kind: 'invalid' }),
    );
  });
});

describe('resources', () => {
  const resOf = (host: SpecInput['host']): OciSpec['linux']['resources'] => specOf({ host }).linux.resources;

  it('NanoCpus must become a 100 ms period and a quota of NanoCpus * period / 1e9', () => {
    expect(resOf({ NanoCpus: 1_500_000_000 }).cpu).toEqual({ period: 100_000, quota: 150_000 });
    expect(resOf({ NanoCpus: 250_000_000 }).cpu).toEqual({ period: 100_000, quota: 25_000 });
  });

  it('CpuShares, CpuQuota and CpuPeriod must pass through; NanoCpus with them must be rejected', () => {
    expect(resOf({ CpuShares: 512, CpuQuota: 50_000, CpuPeriod: 200_000 }).cpu).toEqual({
      shares: 512,
      quota: 50_000,
      period: 200_000,
    });
    expect(() => resOf({ NanoCpus: 1e9, CpuQuota: 50_000 })).toThrowError(
      expect.objectContaining({ code: 'ENGINE_INVALID_RESOURCES' }),
    );
  });

  it('Memory without MemorySwap must allow as much swap again (swap = 2 x memory), as Docker does', () => {
    expect(resOf({ Memory: 64 * 2 ** 20 }).memory).toEqual({ limit: 64 * 2 ** 20, swap: 128 * 2 ** 20 });
    expect(resOf({ Memory: 64 * 2 ** 20, MemorySwap: 64 * 2 ** 20 }).memory).toEqual({
      limit: 64 * 2 ** 20,
      swap: 64 * 2 ** 20,
    });
    expect(resOf({ Memory: 64 * 2 ** 20, MemorySwap: -1 }).memory).toEqual({ limit: 64 * 2 ** 20, swap: -1 });
    expect(resOf({}).memory).toBeUndefined();
  });

  it('memory values Docker rejects must be rejected', () => {
    expect(() => resOf({ Memory: 1024 })).toThrowError(
      expect.objectContaining({ message: 'Minimum memory limit allowed is 6MB' }),
    );
    expect(() => resOf({ Memory: 64 * 2 ** 20, MemorySwap: 32 * 2 ** 20 })).toThrowError(
      expect.objectContaining({ code: 'ENGINE_INVALID_RESOURCES' }),
    );
    expect(() => resOf({ MemorySwap: 32 * 2 ** 20 })).toThrowError(
      expect.objectContaining({ code: 'ENGINE_INVALID_RESOURCES' }),
    );
  });

  it('PidsLimit must be set only when positive', () => {
    expect(resOf({ PidsLimit: 100 }).pids).toEqual({ limit: 100 });
    expect(resOf({ PidsLimit: 0 }).pids).toBeUndefined();
    expect(resOf({ PidsLimit: -1 }).pids).toBeUndefined();
  });

  it('devices must be denied by default (runc appends its standard allow list)', () => {
    expect(resOf({}).devices).toEqual([{ allow: false, access: 'rwm' }]);
  });
});

describe('rlimits', () => {
  const hardLimits = { RLIMIT_NOFILE: 20000, RLIMIT_NPROC: 96365, RLIMIT_CORE: RLIM_INFINITY };

  it('only the ulimits asked for must appear, clamped to the hard limits berthd has', () => {
    const spec = specOf({
      host: {
        Ulimits: [
          { Name: 'nofile', Soft: 65536, Hard: 1048576 },
          { Name: 'nproc', Soft: 100, Hard: 200 },
        ],
      },
      hardLimits,
    });
    expect(spec.process.rlimits).toEqual([
      { type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 },
      { type: 'RLIMIT_NPROC', soft: 100, hard: 200 },
    ]);
    expect(specOf({ hardLimits }).process.rlimits).toBeUndefined();
  });

  it('unlimited (-1) must stay unlimited where the host allows it and be written as 2^64-1', () => {
    const spec = specOf({ host: { Ulimits: [{ Name: 'core', Soft: -1, Hard: -1 }] }, hardLimits });
    expect(spec.process.rlimits).toEqual([{ type: 'RLIMIT_CORE', soft: RLIM_INFINITY, hard: RLIM_INFINITY }]);
    expect(serializeOciSpec(spec)).toContain(
      '{"type":"RLIMIT_CORE","hard":18446744073709551615,"soft":18446744073709551615}',
    );
  });

  it('a soft limit above the hard one and unknown names must be rejected', () => {
    expect(() => specOf({ host: { Ulimits: [{ Name: 'nofile', Soft: 10, Hard: 5 }] } })).toThrowError(
      expect.objectContaining({ code: 'ENGINE_INVALID_RESOURCES' }),
    );
    expect(() => specOf({ host: { Ulimits: [{ Name: 'bogus', Soft: 1, Hard: 1 }] } })).toThrowError(
      expect.objectContaining({ message: 'invalid ulimit type: bogus' }),
    );
  });
});

describe('security', () => {
  it("Docker's masked and read-only paths must be present", () => {
    const { maskedPaths, readonlyPaths } = specOf().linux;
    for (const p of [
      '/proc/kcore',
      '/proc/keys',
      '/proc/timer_list',
      '/proc/sched_debug',
      '/sys/firmware',
      '/proc/acpi',
      '/proc/scsi',
    ]) {
      expect(maskedPaths).toContain(p);
    }
    expect(readonlyPaths).toEqual(['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
  });

  it('no-new-privileges must set noNewPrivileges, in every spelling Docker takes', () => {
    expect(specOf().process.noNewPrivileges).toBe(false);
    for (const opt of [
      'no-new-privileges',
      'no-new-privileges:true',
      'no-new-privileges=true',
      'no-new-privileges=1',
    ]) {
      expect(specOf({ host: { SecurityOpt: [opt] } }).process.noNewPrivileges).toBe(true);
    }
    expect(specOf({ host: { SecurityOpt: ['no-new-privileges:false'] } }).process.noNewPrivileges).toBe(false);
    expect(() => specOf({ host: { SecurityOpt: ['bogus'] } })).toThrowError(
      expect.objectContaining({ code: 'ENGINE_INVALID_SECURITY_OPT' }),
    );
  });

  it('systempaths=unconfined must lift masked paths', () => {
    expect(
      specOf({ host: { SecurityOpt: ['systempaths=unconfined', 'seccomp=unconfined'] } }).linux.maskedPaths,
    ).toBeUndefined();
  });

  it("HostConfig.MaskedPaths and ReadonlyPaths must replace Docker's lists, [] meaning none (docker CLI systempaths)", () => {
    const none = specOf({ host: { MaskedPaths: [], ReadonlyPaths: [] } }).linux;
    expect([none.maskedPaths, none.readonlyPaths]).toEqual([undefined, undefined]);
    const own = specOf({ host: { MaskedPaths: ['/proc/x'], ReadonlyPaths: null } }).linux;
    expect(own.maskedPaths).toEqual(['/proc/x']);
    expect(own.readonlyPaths).toContain('/proc/sys');
    expect(specOf({ host: { Privileged: true, MaskedPaths: ['/proc/x'] } }).linux.maskedPaths).toBeUndefined();
  });

  describe('seccomp', () => {
    const settings: SeccompSettings = {
      arch: 'amd64',
      kernel: { major: 6, minor: 1 },
      defaultProfile: {
        defaultAction: 'SCMP_ACT_ERRNO',
        syscalls: [
          { names: ['read'], action: 'SCMP_ACT_ALLOW' },
          { names: ['unshare'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
        ],
      },
    };
    const seccompOf = (host: SpecInput['host']): OciSpec['linux']['seccomp'] =>
      specOf({ host, seccomp: settings }).linux.seccomp;

    it("the default profile must apply, matched against the container's capabilities", () => {
      expect(seccompOf({})?.syscalls.map((r) => r.names)).toEqual([['read']]);
      expect(seccompOf({ CapAdd: ['SYS_ADMIN'] })?.syscalls.map((r) => r.names)).toEqual([['read'], ['unshare']]);
      for (const opt of ['seccomp=builtin', 'seccomp:builtin', 'apparmor=unconfined', 'label=disable', 'disable'])
        expect(seccompOf({ SecurityOpt: [opt] })?.defaultAction, opt).toBe('SCMP_ACT_ERRNO');
    });

    it('seccomp=unconfined and Privileged must leave the container without a filter', () => {
      expect(seccompOf({ SecurityOpt: ['seccomp=unconfined'] })).toBeUndefined();
      expect(seccompOf({ SecurityOpt: ['seccomp:unconfined'] })).toBeUndefined();
      expect(seccompOf({ Privileged: true })).toBeUndefined();
    });

    it('a profile sent as JSON (docker CLI and Compose seccomp=FILE) must replace the default', () => {
      const json = JSON.stringify({
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }],
      });
      expect(seccompOf({ SecurityOpt: [`seccomp=${json}`] })).toEqual({
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }],
      });
    });

    it('a seccomp value that is neither a keyword, JSON nor an absolute path must be rejected', () => {
      for (const opt of ['seccomp=profile.json', 'seccomp'])
        expect(() => seccompOf({ SecurityOpt: [opt] }), opt).toThrowError(
          expect.objectContaining({ code: 'ENGINE_INVALID_SECURITY_OPT', kind: 'invalid' }),
        );
      expect(() => seccompOf({ SecurityOpt: ['seccomp={"defaultAction":1}'] })).toThrowError(
        expect.objectContaining({ code: 'ENGINE_INVALID_SECCOMP_PROFILE' }),
      );
    });
  });

  it('namespaced sysctls must pass through and host-wide ones must be rejected', () => {
    expect(specOf({ host: { Sysctls: { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1000' } } }).linux.sysctl).toEqual(
      {
        'net.ipv4.ip_forward': '1',
        'kernel.shmmax': '1000',
      },
    );
    expect(() => specOf({ host: { Sysctls: { 'vm.swappiness': '1' } } })).toThrowError(
      expect.objectContaining({ code: 'ENGINE_INVALID_SYSCTL' }),
    );
  });
});

describe('namespaces, root and mounts', () => {
  it('pid, mount, uts, ipc, network and cgroup namespaces must be new, network joining netns when given', () => {
    expect(
      specOf()
        .linux.namespaces.map((n) => n.type)
        .sort(),
    ).toEqual(['cgroup', 'ipc', 'mount', 'network', 'pid', 'uts']);
    expect(specOf().linux.namespaces.find((n) => n.type === 'network')).toEqual({ type: 'network' });
    expect(specOf({ netns: '/run/netns/x' }).linux.namespaces.find((n) => n.type === 'network')).toEqual({
      type: 'network',
      path: '/run/netns/x',
    });
  });

  it("Docker's default mounts and the /etc files must be mounted", () => {
    const spec = specOf();
    expect(spec.mounts.map((m) => m.destination)).toEqual([
      '/proc',
      '/dev',
      '/dev/pts',
      '/sys',
      '/sys/fs/cgroup',
      '/dev/mqueue',
      '/dev/shm',
      '/etc/hosts',
      '/etc/hostname',
      '/etc/resolv.conf',
    ]);
    expect(spec.mounts.find((m) => m.destination === '/dev/shm')?.options).toContain('size=67108864');
    expect(spec.mounts.find((m) => m.destination === '/etc/hosts')).toEqual({
      destination: '/etc/hosts',
      type: 'bind',
      source: '/b/hosts',
      options: ['rbind', 'rprivate'],
    });
    expect(spec.root).toEqual({ path: '/var/lib/berth/c1/rootfs', readonly: false });
    expect(spec.hostname).toBe('c1host');
    expect(spec.linux.cgroupsPath).toBe('/berth/c1');
  });

  it('ReadonlyRootfs must make the root and the /etc files read-only', () => {
    const spec = specOf({ host: { ReadonlyRootfs: true } });
    expect(spec.root.readonly).toBe(true);
    expect(spec.mounts.find((m) => m.destination === '/etc/hosts')?.options).toContain('ro');
  });

  it('Tmpfs must merge options over noexec,nosuid,nodev, and a /dev/shm tmpfs must replace the default one', () => {
    const spec = specOf({ host: { Tmpfs: { '/run': 'exec,size=10m', '/dev/shm': 'size=1g' }, ShmSize: 1024 } });
    expect(spec.mounts.find((m) => m.destination === '/run')?.options).toEqual([
      'nosuid',
      'nodev',
      'rprivate',
      'exec',
      'size=10m',
    ]);
    expect(spec.mounts.filter((m) => m.destination === '/dev/shm')).toEqual([
      {
        destination: '/dev/shm',
        type: 'tmpfs',
        source: 'tmpfs',
        options: ['noexec', 'nosuid', 'nodev', 'rprivate', 'size=1g'],
      },
    ]);
    expect(() => specOf({ host: { Tmpfs: { '/x': 'bogus=1' } } })).toThrowError(
      expect.objectContaining({ code: 'ENGINE_INVALID_MOUNT' }),
    );
  });

  it('user mounts must come after the defaults, parents first, and replace /etc files they cover', () => {
    const spec = specOf({
      mounts: [
        { source: '/h/cache', destination: '/data/cache', type: 'bind', options: ['rbind'] },
        { source: '/h/data', destination: '/data', type: 'bind', options: ['rbind'] },
        { source: '/h/resolv', destination: '/etc/resolv.conf', type: 'bind', options: ['rbind', 'ro'] },
      ],
    });
    const dests = spec.mounts.map((m) => `${m.destination}<-${m.source ?? ''}`);
    expect(dests.indexOf('/data<-/h/data')).toBeLessThan(dests.indexOf('/data/cache<-/h/cache'));
    expect(dests.filter((d) => d.startsWith('/etc/resolv.conf'))).toEqual(['/etc/resolv.conf<-/h/resolv']);
  });

  it('the image StopSignal must be kept as an annotation', () => {
    expect(specOf({ image: { Cmd: ['sh'], StopSignal: 'SIGQUIT' } }).annotations).toEqual({
      'org.opencontainers.image.stopSignal': 'SIGQUIT',
    });
  });
});

describe('namespaces: PidMode and IpcMode', () => {
  const nsOf = (over: Partial<SpecInput>): Array<{ type: string; path?: string }> => specOf(over).linux.namespaces;

  it('must make every namespace new by default, in the order runc expects', () => {
    expect(nsOf({}).map((n) => n.type)).toEqual(['pid', 'mount', 'uts', 'ipc', 'network', 'cgroup']);
    expect(nsOf({}).every((n) => n.path === undefined)).toBe(true);
  });

  it('must join a pid and an ipc namespace by path, and leave them out for host', () => {
    const joined = nsOf({ pidns: { path: '/proc/7/ns/pid' }, ipcns: { path: '/proc/7/ns/ipc' } });
    expect(joined.find((n) => n.type === 'pid')).toEqual({ type: 'pid', path: '/proc/7/ns/pid' });
    expect(joined.find((n) => n.type === 'ipc')).toEqual({ type: 'ipc', path: '/proc/7/ns/ipc' });
    const host = nsOf({ pidns: 'host', ipcns: 'host', netns: '/run/netns/x' });
    expect(host.map((n) => n.type)).toEqual(['mount', 'uts', 'network', 'cgroup']);
  });
});
