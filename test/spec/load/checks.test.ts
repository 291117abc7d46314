// What the schema cannot say: references to services and resources, dependency cycles, host ports published
// twice, and values whose syntax the schema leaves open (durations, sizes, CPUs, ports, platforms).
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, errorsOf, load, yaml } from './helpers.js';

function loadServices(...lines: string[]) {
  return load({ 'compose.yaml': yaml('services:', ...lines) });
}

describe('checks: service references', () => {
  const result = loadServices(
    '  web:',
    '    image: x',
    '    depends_on: [dbb]',
    '    links: ["dbb:database"]',
    '    volumes_from: [dbb]',
    '  side:',
    '    image: y',
    '    network_mode: "service:dbb"',
    '  db:',
    '    image: pg',
  );

  it('must report an unknown service in depends_on, links, volumes_from and network_mode where it is named', () => {
    expect(errorsOf(result)).toEqual([
      { code: 'SPEC_UNKNOWN_SERVICE', line: 4, column: 18, path: 'services.web.depends_on[0]' },
      { code: 'SPEC_UNKNOWN_SERVICE', line: 5, column: 13, path: 'services.web.links[0]' },
      { code: 'SPEC_UNKNOWN_SERVICE', line: 6, column: 20, path: 'services.web.volumes_from[0]' },
      { code: 'SPEC_UNKNOWN_SERVICE', line: 9, column: 19, path: 'services.side.network_mode' },
    ]);
  });

  it('must name the unknown service and suggest the closest defined one', () => {
    for (const d of diagnosticsOf(result)) {
      expect(d).toMatchObject({ message: 'service "dbb" is not defined', hint: 'did you mean "db"?' });
    }
  });

  it('must point at the key of an unknown service in the mapping form of depends_on', () => {
    const r = loadServices('  web:', '    image: x', '    depends_on:', '      cache: {condition: service_healthy}');
    expect(errorsOf(r)).toEqual([
      { code: 'SPEC_UNKNOWN_SERVICE', line: 5, column: 7, path: 'services.web.depends_on.cache' },
    ]);
    expect(diagnosticsOf(r)[0]?.hint).toBe('define service "cache" under "services:"');
  });

  it('must accept an unknown service in depends_on marked required: false', () => {
    const r = loadServices(
      '  web:',
      '    image: x',
      '    depends_on:',
      '      cache: {condition: service_started, required: false}',
    );
    expect(errorsOf(r)).toEqual([]);
  });
});

describe('checks: dependency cycles', () => {
  it('must report a depends_on cycle named in full', () => {
    const r = loadServices(
      '  a:',
      '    image: x',
      '    depends_on: [b]',
      '  b:',
      '    image: y',
      '    depends_on: {a: {condition: service_started}}',
    );
    expect(errorsOf(r)).toEqual([
      { code: 'SPEC_DEPENDENCY_CYCLE', line: 4, column: 17, path: 'services.a.depends_on' },
    ]);
    expect(diagnosticsOf(r)[0]).toMatchObject({
      message: 'dependency cycle detected: a -> b -> a',
      hint: 'remove one of these depends_on entries',
    });
  });

  it('must report a longer cycle through every service on it', () => {
    const r = loadServices(
      '  a: {image: x, depends_on: [b]}',
      '  b: {image: x, depends_on: [c]}',
      '  c: {image: x, depends_on: [a]}',
    );
    expect(diagnosticsOf(r).map((d) => d.message)).toEqual(['dependency cycle detected: a -> b -> c -> a']);
  });

  it('must report a service that depends on itself', () => {
    const r = loadServices('  a:', '    image: x', '    depends_on: [a]');
    expect(errorsOf(r)).toEqual([
      { code: 'SPEC_DEPENDENCY_CYCLE', line: 4, column: 17, path: 'services.a.depends_on' },
    ]);
    expect(diagnosticsOf(r)[0]?.message).toBe('dependency cycle detected: a -> a');
  });
});

describe('checks: resources', () => {
  it('must report an undefined volume, network, secret and config, each where it is used', () => {
    const r = loadServices(
      '  a:',
      '    image: x',
      '    volumes: ["data:/d", "./bind:/b"]',
      '    networks: [front]',
      '    secrets: [token]',
      '    configs: [cfg]',
    );
    expect(errorsOf(r)).toEqual([
      { code: 'SPEC_UNDEFINED_VOLUME', line: 4, column: 15, path: 'services.a.volumes[0]' },
      { code: 'SPEC_UNDEFINED_NETWORK', line: 5, column: 16, path: 'services.a.networks[0]' },
      { code: 'SPEC_UNDEFINED_SECRET', line: 6, column: 15, path: 'services.a.secrets[0]' },
      { code: 'SPEC_UNDEFINED_CONFIG', line: 7, column: 15, path: 'services.a.configs[0]' },
    ]);
    expect(diagnosticsOf(r)[0]).toMatchObject({
      message: 'volume "data" is not defined',
      hint: 'declare it under the top-level "volumes:"',
    });
  });

  it('must suggest a declared name close to an undefined one', () => {
    const r = load({
      'compose.yaml': yaml(
        'services:',
        '  a:',
        '    image: x',
        '    networks: [frontend]',
        'networks:',
        '  frontent: {}',
      ),
    });
    expect(diagnosticsOf(r)[0]?.hint).toBe('did you mean "frontent"?');
  });

  it('must accept the default network without declaring it', () => {
    expect(errorsOf(loadServices('  a:', '    image: x', '    networks: [default]'))).toEqual([]);
  });
});

describe('checks: host ports', () => {
  it('must report the same host port published twice', () => {
    const r = loadServices(
      '  a:',
      '    image: x',
      '    ports: ["8080:80"]',
      '  b:',
      '    image: y',
      '    ports: ["8080:81"]',
    );
    expect(errorsOf(r)).toEqual([{ code: 'SPEC_PORT_CONFLICT', line: 7, column: 13, path: 'services.b.ports[0]' }]);
    expect(diagnosticsOf(r)[0]).toMatchObject({
      message: 'host port 8080/tcp is published twice: here and at services.a.ports[0]',
      hint: 'publish one of them on another host port',
    });
  });

  it('must report a port bound on one address and on every address', () => {
    const r = loadServices(
      '  a:',
      '    image: x',
      '    ports: ["127.0.0.1:8080:80"]',
      '  b:',
      '    image: y',
      '    ports: ["8080:81"]',
    );
    expect(errorsOf(r).map((e) => e.code)).toEqual(['SPEC_PORT_CONFLICT']);
  });

  it('must accept the same host port on two different host IPs, or for two protocols', () => {
    const r = loadServices(
      '  a:',
      '    image: x',
      '    ports: ["127.0.0.1:8080:80", "53:53/udp"]',
      '  b:',
      '    image: y',
      '    ports: ["127.0.0.2:8080:81", "53:53/tcp"]',
    );
    expect(errorsOf(r)).toEqual([]);
  });
});

describe('checks: values', () => {
  const r = loadServices(
    '  a:',
    '    image: x',
    '    stop_grace_period: 10x',
    '    mem_limit: 12qb',
    '    cpus: -0.5',
    '    ports: ["80:80:80:80"]',
    '    healthcheck: {interval: soon}',
  );

  it('must report each bad duration, size, CPU count and port with its code, where it is written', () => {
    expect(errorsOf(r)).toEqual([
      { code: 'SPEC_BAD_DURATION', line: 4, column: 24, path: 'services.a.stop_grace_period' },
      { code: 'SPEC_BAD_SIZE', line: 5, column: 16, path: 'services.a.mem_limit' },
      { code: 'SPEC_BAD_CPUS', line: 6, column: 11, path: 'services.a.cpus' },
      { code: 'SPEC_BAD_PORT', line: 7, column: 13, path: 'services.a.ports[0]' },
      { code: 'SPEC_BAD_DURATION', line: 8, column: 29, path: 'services.a.healthcheck.interval' },
    ]);
  });

  it('must name the bad value and say what to write instead', () => {
    const [duration, size, cpus, port] = diagnosticsOf(r);
    expect(duration).toMatchObject({ message: '"10x" is not a duration' });
    expect(duration?.hint).toContain('1m30s');
    expect(size).toMatchObject({ message: '"12qb" is not a size' });
    expect(cpus).toMatchObject({ message: '"-0.5" is a negative number of CPUs' });
    expect(port).toMatchObject({ message: '"80:80:80:80" is not a port mapping' });
    expect(port?.hint).toContain('HOST:CONTAINER');
  });

  it('must report a platform that build.platforms does not include', () => {
    const p = loadServices(
      '  a:',
      '    image: x',
      '    platform: linux/arm64',
      '    build: {context: ., platforms: [linux/amd64]}',
    );
    expect(errorsOf(p)).toEqual([
      { code: 'SPEC_PLATFORM_NOT_BUILT', line: 4, column: 15, path: 'services.a.platform' },
    ]);
    expect(diagnosticsOf(p)[0]).toMatchObject({
      message: 'service.build.platforms must include service.platform "linux/arm64"',
      hint: 'add "linux/arm64" to build.platforms, or change platform',
    });
  });

  it('must accept a platform that build.platforms includes', () => {
    const p = loadServices(
      '  a:',
      '    image: x',
      '    platform: linux/arm64',
      '    build: {context: ., platforms: [linux/amd64, linux/arm64]}',
    );
    expect(errorsOf(p)).toEqual([]);
  });
});
