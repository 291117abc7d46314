// The create request of one replica, from compose YAML through the spec loader to the Engine API body, checked
// against what Docker Compose v2 sends (pkg/compose/create.go) group by group.
import { describe, expect, it } from 'vitest';
import type { ContainerSpecInput, CreateRequest } from '../../src/planner/container-spec.js';
import { containerCreateRequest } from '../../src/planner/container-spec.js';
import type { Service } from '../../src/spec/model.js';
import type { LoadOptions } from '../spec/load/helpers.js';
import { stackOfText, yaml } from '../spec/load/helpers.js';

interface Case extends Partial<Omit<ContainerSpecInput, 'stack' | 'service'>> {
  /** The service to build; default the first one. */
  service?: string;
  containers?: Record<string, string>;
  load?: LoadOptions;
}

/** The request for a replica of a service in `text` (project "proj", directory /p). */
function requestFor(text: string, c: Case = {}): CreateRequest {
  const stack = stackOfText(text, { projectName: 'proj', ...c.load });
  const serviceName = c.service ?? Object.keys(stack.services)[0] ?? '';
  const service = stack.services[serviceName] as Service;
  const { containers = {}, load: _load, service: _service, ...rest } = c;
  return containerCreateRequest({
    stack,
    service,
    number: 1,
    name: `proj-${serviceName}-1`,
    image: service.image ?? `proj-${serviceName}`,
    configHash: 'abc123',
    workingDir: '/p',
    configFiles: ['/p/compose.yaml'],
    networkNames: Object.fromEntries(Object.entries(stack.networks).map(([k, n]) => [k, n.name])),
    volumeNames: Object.fromEntries(Object.entries(stack.volumes).map(([k, v]) => [k, v.name])),
    serviceContainer: (s) => containers[s],
    ...rest,
  });
}

/** Service `web` of `image: nginx` plus `lines` (indented under web), then top-level `tail`. */
function web(lines: string[], tail: string[] = [], c: Case = {}): CreateRequest {
  return requestFor(yaml('services:', '  web:', '    image: nginx', ...lines.map((l) => `    ${l}`), ...tail), c);
}

describe('container create request: a plain service', () => {
  it('must carry the image, Compose labels and the default network with its aliases', () => {
    expect(web([])).toEqual({
      name: 'proj-web-1',
      body: {
        Image: 'nginx',
        AttachStdout: true,
        AttachStderr: true,
        Labels: {
          'com.docker.compose.config-hash': 'abc123',
          'com.docker.compose.container-number': '1',
          'com.docker.compose.depends_on': '',
          'com.docker.compose.oneoff': 'False',
          'com.docker.compose.project': 'proj',
          'com.docker.compose.project.config_files': '/p/compose.yaml',
          'com.docker.compose.project.working_dir': '/p',
          'com.docker.compose.service': 'web',
          'com.docker.compose.version': '2.29.0',
        },
        HostConfig: { NetworkMode: 'proj_default' },
        NetworkingConfig: { EndpointsConfig: { proj_default: { Aliases: ['proj-web-1', 'web'] } } },
      },
      extraNetworks: [],
      unsupported: [],
      unresolved: [],
    });
  });

  it('must be deterministic, with Env and Labels sorted by key', () => {
    const text = yaml(
      'services:',
      '  web:',
      '    image: nginx',
      '    environment: {ZED: "1", ALPHA: "2", MID: "3"}',
      '    labels: {z.label: a, a.label: b}',
      '    depends_on: {b: {condition: service_healthy}, a: {condition: service_started}}',
      '    ports: ["9000:90", "8000:80"]',
      '  a: {image: alpine}',
      '  b: {image: alpine}',
    );
    const first = requestFor(text);
    expect(requestFor(text)).toEqual(first);
    expect(JSON.stringify(requestFor(text))).toBe(JSON.stringify(first));
    expect(first.body.Env).toEqual(['ALPHA=2', 'MID=3', 'ZED=1']);
    const keys = Object.keys(first.body.Labels ?? {});
    expect(keys).toEqual([...keys].sort());
    expect(Object.keys(first.body.HostConfig.PortBindings ?? {})).toEqual(['80/tcp', '90/tcp']);
  });
});

describe('container create request: process', () => {
  it('must split a command string, and keep an empty entrypoint (which clears the image one)', () => {
    const body = web(['command: sh -c "echo hi"', 'entrypoint: []']).body;
    expect(body.Cmd).toEqual(['sh', '-c', 'echo hi']);
    expect(body.Entrypoint).toEqual([]);
  });

  it('must leave Cmd and Entrypoint out when unset or null, so the image ones apply', () => {
    const body = web(['command: null']).body;
    expect(body).not.toHaveProperty('Cmd');
    expect(body).not.toHaveProperty('Entrypoint');
  });

  it('must send environment as KEY=value, a variable without value bare, env_file merged under environment', () => {
    const body = web(['env_file: [app.env]', 'environment: [A=1, B, C=, SHARED=own]'], [], {
      load: { extra: { 'app.env': 'FROM_FILE=f\nSHARED=file\n' } },
      proxyEnvironment: { HTTP_PROXY: 'http://proxy:3128', A: 'proxy' },
    }).body;
    expect(body.Env).toEqual(['A=1', 'B', 'C=', 'FROM_FILE=f', 'HTTP_PROXY=http://proxy:3128', 'SHARED=own']);
  });

  it('must map user, working_dir, hostname, domainname, tty, stdin_open, stop_signal and stop_grace_period', () => {
    const body = web([
      'user: "1000:1000"',
      'working_dir: /srv',
      'hostname: h',
      'domainname: example.com',
      'tty: true',
      'stdin_open: true',
      'stop_signal: SIGINT',
      'stop_grace_period: 1m5s',
    ]).body;
    expect(body).toMatchObject({
      User: '1000:1000',
      WorkingDir: '/srv',
      Hostname: 'h',
      Domainname: 'example.com',
      Tty: true,
      OpenStdin: true,
      StopSignal: 'SIGINT',
      StopTimeout: 65,
    });
  });

  it('must truncate stop_grace_period to whole seconds, as Go int(d.Seconds()) does', () => {
    expect(web(['stop_grace_period: 1500ms']).body.StopTimeout).toBe(1);
  });
});

describe('container create request: labels', () => {
  it("must put Compose's labels over the service's, with depends_on as svc:condition:restart sorted", () => {
    const text = yaml(
      'services:',
      '  web:',
      '    image: nginx',
      '    labels: {com.docker.compose.project: spoofed, team: core}',
      '    depends_on: {db: {condition: service_healthy, restart: true}, cache: {condition: service_started}}',
      '  db: {image: postgres}',
      '  cache: {image: redis}',
    );
    const labels = requestFor(text, {
      oneoff: true,
      imageDigest: 'sha256:feed',
      environmentFiles: ['/p/.env', '/p/.env.local'],
      replaces: 'c0ffee',
      composeVersion: '2.30.1',
      number: 3,
    }).body.Labels;
    expect(labels).toEqual({
      'com.docker.compose.config-hash': 'abc123',
      'com.docker.compose.container-number': '3',
      'com.docker.compose.depends_on': 'cache:service_started:false,db:service_healthy:true',
      'com.docker.compose.image': 'sha256:feed',
      'com.docker.compose.oneoff': 'True',
      'com.docker.compose.project': 'proj',
      'com.docker.compose.project.config_files': '/p/compose.yaml',
      'com.docker.compose.project.environment_file': '/p/.env,/p/.env.local',
      'com.docker.compose.project.working_dir': '/p',
      'com.docker.compose.replace': 'c0ffee',
      'com.docker.compose.service': 'web',
      'com.docker.compose.version': '2.30.1',
      team: 'core',
    });
  });

  it('must report label_file as unsupported, its labels not being in the model', () => {
    const req = web(['label_file: ./labels'], [], { load: { extra: { labels: 'a=b\n' } } });
    expect(req.unsupported).toContain('label_file');
  });
});

describe('container create request: healthcheck', () => {
  it('must give durations in nanoseconds and leave unset ones out', () => {
    const body = web([
      'healthcheck: {test: curl -f http://localhost, interval: 1m30s, timeout: 10s, start_period: 2s, retries: 3}',
    ]).body;
    expect(body.Healthcheck).toEqual({
      Test: ['CMD-SHELL', 'curl -f http://localhost'],
      Interval: 90_000_000_000,
      Timeout: 10_000_000_000,
      StartPeriod: 2_000_000_000,
      Retries: 3,
    });
  });

  it('must send Test ["NONE"] for disable: true', () => {
    expect(web(['healthcheck: {disable: true}']).body.Healthcheck).toEqual({ Test: ['NONE'] });
  });

  it('must send start_interval from API 1.44 and report it as unsupported before', () => {
    const lines = ['healthcheck: {test: [CMD, "true"], start_interval: 5s}'];
    const old = web(lines);
    expect(old.body.Healthcheck).toEqual({ Test: ['CMD', 'true'] });
    expect(old.unsupported).toEqual(['healthcheck.start_interval']);
    const modern = web(lines, [], { apiVersion: '1.44' });
    expect(modern.body.Healthcheck).toEqual({ Test: ['CMD', 'true'], StartInterval: 5_000_000_000 });
    expect(modern.unsupported).toEqual([]);
  });
});

describe('container create request: ports', () => {
  it('must expose and bind each port: host ip, protocol, a random host port, and host ranges', () => {
    const body = web([
      'ports: ["8080:80", "127.0.0.1:5353:53/udp", "3000", "9000-9001:9000-9001", "8000-8010:81", "[::1]:443:443"]',
      'expose: ["5000", 6000, "7000/udp"]',
    ]).body;
    expect(body.ExposedPorts).toEqual({
      '3000/tcp': {},
      '443/tcp': {},
      '5000': {},
      '53/udp': {},
      '6000': {},
      '7000/udp': {},
      '80/tcp': {},
      '81/tcp': {},
      '9000/tcp': {},
      '9001/tcp': {},
    });
    expect(body.HostConfig.PortBindings).toEqual({
      '3000/tcp': [{ HostIp: '', HostPort: '' }],
      '443/tcp': [{ HostIp: '::1', HostPort: '443' }],
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
      '80/tcp': [{ HostIp: '', HostPort: '8080' }],
      '81/tcp': [{ HostIp: '', HostPort: '8000-8010' }],
      '9000/tcp': [{ HostIp: '', HostPort: '9000' }],
      '9001/tcp': [{ HostIp: '', HostPort: '9001' }],
    });
  });

  it('must bind one container port to several host ports', () => {
    expect(web(['ports: ["8080:80", "8081:80"]']).body.HostConfig.PortBindings).toEqual({
      '80/tcp': [
        { HostIp: '', HostPort: '8080' },
        { HostIp: '', HostPort: '8081' },
      ],
    });
  });
});

describe('container create request: volumes', () => {
  const volumes = web(
    [
      'volumes:',
      '  - ./src:/app:ro,z',
      '  - data:/data',
      '  - /anon',
      '  - {type: bind, source: ./conf, target: /etc/conf/, bind: {propagation: rshared}}',
      '  - {type: bind, source: /var/run/docker.sock, target: /var/run/docker.sock}',
      '  - {type: tmpfs, target: /scratch, tmpfs: {size: 1m}}',
      '  - {type: volume, source: cache, target: /cache, read_only: true, volume: {nocopy: true, subpath: sub}}',
      'tmpfs: ["/run:size=64m", /cache2]',
    ],
    ['volumes: {data: {}, cache: {name: shared-cache}}'],
  );

  it('must send a bind with create_host_path (the short syntax) as a Binds string', () => {
    expect(volumes.body.HostConfig.Binds).toEqual(['/p/src:/app:ro,z']);
  });

  it('must send named volumes by Engine name, anonymous ones without source, other binds and tmpfs as Mounts', () => {
    expect(volumes.body.HostConfig.Mounts).toEqual([
      { Type: 'volume', Source: 'proj_data', Target: '/data', VolumeOptions: {} },
      { Type: 'volume', Target: '/anon', VolumeOptions: {} },
      { Type: 'bind', Source: '/p/conf', Target: '/etc/conf', BindOptions: { Propagation: 'rshared' } },
      { Type: 'bind', Source: '/var/run/docker.sock', Target: '/var/run/docker.sock' },
      { Type: 'tmpfs', Target: '/scratch', TmpfsOptions: { SizeBytes: 1048576 } },
      {
        Type: 'volume',
        Source: 'shared-cache',
        Target: '/cache',
        ReadOnly: true,
        VolumeOptions: { NoCopy: true, Subpath: 'sub' },
      },
    ]);
  });

  it('must send the tmpfs list as HostConfig.Tmpfs', () => {
    expect(volumes.body.HostConfig.Tmpfs).toEqual({ '/run': 'size=64m', '/cache2': '' });
  });

  it('must mount file secrets and configs read-only, and report the ones Compose copies in after create', () => {
    const req = web(
      [
        'secrets: [token, {source: cert, target: tls.pem}, from_env]',
        'configs: [{source: app, target: /etc/app.conf}, plain, inline]',
      ],
      [
        'secrets: {token: {file: ./token}, cert: {file: /certs/c.pem}, from_env: {environment: TOKEN}}',
        'configs: {app: {file: ./app.conf}, plain: {file: ./plain}, inline: {content: hello}}',
      ],
    );
    expect(req.body.HostConfig.Mounts).toEqual([
      { Type: 'bind', Source: '/p/token', Target: '/run/secrets/token', ReadOnly: true },
      { Type: 'bind', Source: '/certs/c.pem', Target: '/run/secrets/tls.pem', ReadOnly: true },
      { Type: 'bind', Source: '/p/app.conf', Target: '/etc/app.conf', ReadOnly: true },
      { Type: 'bind', Source: '/p/plain', Target: '/plain', ReadOnly: true },
    ]);
    expect(req.unsupported).toEqual(['secrets[2]', 'configs[2]']);
  });

  it("must resolve volumes_from to a service's first container and a container's name, dropping the mode", () => {
    const text = yaml(
      'services:',
      '  web: {image: nginx, volumes_from: ["db:ro", "container:other:rw", cache]}',
      '  db: {image: postgres}',
      '  cache: {image: redis}',
    );
    const req = requestFor(text, { containers: { db: 'db-id' } });
    expect(req.body.HostConfig.VolumesFrom).toEqual(['db-id', 'other']);
    expect(req.unresolved).toEqual(['volumes_from[2]']);
  });
});

describe('container create request: networks', () => {
  const text = yaml(
    'services:',
    '  web:',
    '    image: nginx',
    '    container_name: web-main',
    '    networks:',
    '      back: {aliases: [api], ipv4_address: 10.1.0.5}',
    '      front: {priority: 10, aliases: [www], mac_address: "02:42:ac:11:00:02"}',
    '      admin: null',
    'networks: {front: {}, back: {}, admin: {name: shared-admin, external: true}}',
  );

  it('must create on the primary network (priority, then name) and connect the others after create', () => {
    const req = requestFor(text, { name: 'web-main' });
    expect(req.body.HostConfig.NetworkMode).toBe('proj_front');
    expect(req.body.MacAddress).toBe('02:42:ac:11:00:02');
    expect(req.body.NetworkingConfig).toEqual({
      EndpointsConfig: {
        proj_front: { Aliases: ['web-main', 'web', 'www'], MacAddress: '02:42:ac:11:00:02' },
      },
    });
    expect(req.extraNetworks).toEqual([
      {
        key: 'admin',
        network: 'shared-admin',
        aliases: ['web-main', 'web'],
        endpoint: { Aliases: ['web-main', 'web'] },
      },
      {
        key: 'back',
        network: 'proj_back',
        aliases: ['web-main', 'web', 'api'],
        ipv4Address: '10.1.0.5',
        endpoint: { Aliases: ['web-main', 'web', 'api'], IPAMConfig: { IPv4Address: '10.1.0.5' } },
      },
    ]);
  });

  it('must put every network in EndpointsConfig from API 1.44, with the MAC address on its endpoint', () => {
    const req = requestFor(text, { name: 'web-main', apiVersion: '1.45' });
    expect(req.extraNetworks).toEqual([]);
    expect(req.body).not.toHaveProperty('MacAddress');
    expect(Object.keys(req.body.NetworkingConfig?.EndpointsConfig ?? {})).toEqual([
      'proj_front',
      'shared-admin',
      'proj_back',
    ]);
  });

  it('must give a one-off container only its name as alias, unless aliases are asked for', () => {
    const one = web([], [], { oneoff: true, name: 'proj-web-run-1a2b' });
    expect(one.body.NetworkingConfig?.EndpointsConfig.proj_default?.Aliases).toEqual(['proj-web-run-1a2b']);
    const withAliases = web([], [], { oneoff: true, useNetworkAliases: true, name: 'proj-web-run-1a2b' });
    expect(withAliases.body.NetworkingConfig?.EndpointsConfig.proj_default?.Aliases).toEqual([
      'proj-web-run-1a2b',
      'web',
    ]);
  });

  it('must pass network_mode as written, and service:NAME as container:ID of its first replica', () => {
    expect(web(['network_mode: host']).body.HostConfig.NetworkMode).toBe('host');
    expect(web(['network_mode: host']).body).not.toHaveProperty('NetworkingConfig');
    const text2 = yaml(
      'services:',
      '  web: {image: nginx, network_mode: "service:vpn", ipc: "service:vpn", pid: "container:x"}',
      '  vpn: {image: vpn}',
    );
    const resolved = requestFor(text2, { containers: { vpn: 'vpn-id' } });
    expect(resolved.body.HostConfig).toMatchObject({
      NetworkMode: 'container:vpn-id',
      IpcMode: 'container:vpn-id',
      PidMode: 'container:x',
    });
    expect(requestFor(text2).unresolved).toEqual(['network_mode', 'ipc']);
  });

  it('must use network mode "none" when the stack has no network at all', () => {
    expect(web(['networks: []']).body.HostConfig.NetworkMode).toBe('none');
  });

  it('must link each container of a linked service under its alias, service-N and project-service-N', () => {
    const text3 = yaml(
      'services:',
      '  web: {image: nginx, links: ["db:database"], external_links: ["legacy:old"]}',
      '  db: {image: postgres}',
    );
    const req = requestFor(text3, { number: 2, linkContainers: (s) => (s === 'db' ? ['proj-db-1'] : []) });
    const links = ['proj-db-1:database', 'proj-db-1:db-2', 'proj-db-1:proj-db-2', 'legacy:old'];
    expect(req.body.HostConfig.Links).toEqual(links);
    expect(req.body.NetworkingConfig?.EndpointsConfig.proj_default?.Links).toEqual(links);
  });
});

describe('container create request: host settings', () => {
  it('must map security, namespace, DNS and process settings as Compose does', () => {
    const host = web([
      'extra_hosts: ["db=10.0.0.2", "v6:::1"]',
      'dns: [1.1.1.1]',
      'dns_search: [example.com]',
      'dns_opt: [use-vc]',
      'cap_add: [NET_ADMIN]',
      'cap_drop: [ALL]',
      'privileged: true',
      'read_only: true',
      'init: true',
      'ipc: shareable',
      'pid: host',
      'shm_size: 64m',
      'sysctls: {net.core.somaxconn: 1024}',
      'ulimits: {nproc: 65535, nofile: {soft: 1024, hard: 2048}}',
      'security_opt: ["no-new-privileges:true", "systempaths=unconfined", "seccomp:./profile.json"]',
      'group_add: [100, wheel]',
      'oom_kill_disable: true',
      'oom_score_adj: -500',
      'userns_mode: host',
      'cgroup: private',
      'cgroup_parent: /berth',
      'uts: host',
      'runtime: runc',
      'storage_opt: {size: 1G}',
      'annotations: {com.example.a: b}',
      'logging: {driver: json-file, options: {max-size: 10m, max-file: 3}}',
    ]);
    expect(host.body.HostConfig).toMatchObject({
      ExtraHosts: ['db:10.0.0.2', 'v6:::1'],
      Dns: ['1.1.1.1'],
      DnsSearch: ['example.com'],
      DnsOptions: ['use-vc'],
      CapAdd: ['NET_ADMIN'],
      CapDrop: ['ALL'],
      Privileged: true,
      ReadonlyRootfs: true,
      Init: true,
      IpcMode: 'shareable',
      PidMode: 'host',
      ShmSize: 67108864,
      Sysctls: { 'net.core.somaxconn': '1024' },
      Ulimits: [
        { Name: 'nofile', Soft: 1024, Hard: 2048 },
        { Name: 'nproc', Soft: 65535, Hard: 65535 },
      ],
      SecurityOpt: ['no-new-privileges:true', 'seccomp=/p/profile.json'], // inlined when sent (seccomp-inline.ts)
      MaskedPaths: [],
      ReadonlyPaths: [],
      GroupAdd: ['100', 'wheel'],
      OomKillDisable: true,
      OomScoreAdj: -500,
      UsernsMode: 'host',
      CgroupnsMode: 'private',
      CgroupParent: '/berth',
      UTSMode: 'host',
      Runtime: 'runc',
      StorageOpt: { size: '1G' },
      Annotations: { 'com.example.a': 'b' },
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
    });
    expect(host.unsupported).toEqual([]);
  });

  it('must map devices to paths, and CDI names to a cdi device request', () => {
    const hc = web(['devices: ["/dev/fuse", "/dev/sda:/dev/xvda:r", "nvidia.com/gpu=all"]']).body.HostConfig;
    expect(hc.Devices).toEqual([
      { PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' },
      { PathOnHost: '/dev/sda', PathInContainer: '/dev/xvda', CgroupPermissions: 'r' },
    ]);
    expect(hc.DeviceRequests).toEqual([{ Driver: 'cdi', DeviceIDs: ['nvidia.com/gpu=all'] }]);
  });

  it('must send the platform as the query parameter', () => {
    expect(web(['platform: linux/arm64']).platform).toBe('linux/arm64');
    expect(web([], [], { defaultPlatform: 'linux/amd64' }).platform).toBe('linux/amd64');
    expect(web([])).not.toHaveProperty('platform');
  });
});

describe('container create request: resources', () => {
  it('must map the service-level limits', () => {
    const hc = web([
      'mem_limit: 512m',
      'mem_reservation: 128m',
      'memswap_limit: -1',
      'mem_swappiness: 10',
      'cpus: 1.5',
      'cpu_shares: 512',
      'cpu_quota: 50000',
      'cpu_period: 100000',
      'cpuset: "0,1"',
      'pids_limit: 100',
    ]).body.HostConfig;
    expect(hc).toMatchObject({
      Memory: 536870912,
      MemoryReservation: 134217728,
      MemorySwap: -1,
      MemorySwappiness: 10,
      NanoCpus: 1_500_000_000,
      CpuShares: 512,
      CpuQuota: 50000,
      CpuPeriod: 100000,
      CpusetCpus: '0,1',
      PidsLimit: 100,
    });
  });

  it('must let deploy.resources override them, and turn reservation devices and gpus into device requests', () => {
    const hc = web([
      'mem_limit: 1g',
      'cpus: 2',
      'pids_limit: 100',
      'gpus: all',
      'deploy:',
      '  resources:',
      '    limits: {cpus: "0.5", memory: 50M, pids: 10}',
      '    reservations:',
      '      memory: 20M',
      '      devices: [{driver: nvidia, count: 1, capabilities: [gpu, utility]}]',
    ]).body.HostConfig;
    expect(hc).toMatchObject({ Memory: 52428800, NanoCpus: 500_000_000, PidsLimit: 10, MemoryReservation: 20971520 });
    expect(hc.DeviceRequests).toEqual([
      { Driver: 'nvidia', Count: 1, Capabilities: [['gpu', 'utility']] },
      { Count: -1, Capabilities: [['gpu']] },
    ]);
  });
});

describe('container create request: restart policy', () => {
  const policy = (lines: string[]): unknown => web(lines).body.HostConfig.RestartPolicy;

  it('must map restart values to Engine policies', () => {
    expect(policy(['restart: "no"'])).toEqual({ Name: 'no', MaximumRetryCount: 0 });
    expect(policy(['restart: always'])).toEqual({ Name: 'always', MaximumRetryCount: 0 });
    expect(policy(['restart: unless-stopped'])).toEqual({ Name: 'unless-stopped', MaximumRetryCount: 0 });
    expect(policy(['restart: on-failure:3'])).toEqual({ Name: 'on-failure', MaximumRetryCount: 3 });
    expect(policy([])).toBeUndefined();
  });

  it('must let deploy.restart_policy override restart, "any" being always', () => {
    const lines = ['restart: "no"', 'deploy: {restart_policy: {condition: any, max_attempts: 2}}'];
    expect(policy(lines)).toEqual({ Name: 'always', MaximumRetryCount: 2 });
    expect(policy(['deploy: {restart_policy: {condition: on-failure}}'])).toEqual({
      Name: 'on-failure',
      MaximumRetryCount: 0,
    });
  });
});
