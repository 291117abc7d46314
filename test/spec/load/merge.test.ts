// The compose-spec merge rules, each through two -f files (compose.yaml, then override.yaml), as compose-go's
// override package applies them; plus what one file alone keeps when it repeats an entry.
import { describe, expect, it } from 'vitest';
import type { Service, Stack } from '../../../src/spec/model.js';
import { stackOf, yaml } from './helpers.js';

/** Loads `base` then `override` and returns the whole stack. */
function mergeFiles(base: string, override: string): Stack {
  return stackOf({ 'compose.yaml': base, 'override.yaml': override });
}

/** Service `web` of `image: nginx` plus `base` lines, overridden by `override` lines (all indented under web). */
function mergeWeb(base: string[], override: string[]): Service {
  const stack = mergeFiles(
    yaml('services:', '  web:', '    image: nginx', ...base.map((l) => `    ${l}`)),
    yaml('services:', '  web:', ...override.map((l) => `    ${l}`)),
  );
  return stack.services.web as Service;
}

describe('merge: mappings and scalars', () => {
  it('must merge mappings key by key, keeping keys only the base file sets', () => {
    const web = mergeWeb(['working_dir: /app', 'user: root'], ['user: app', 'hostname: web1']);
    expect([web.working_dir, web.user, web.hostname]).toEqual(['/app', 'app', 'web1']);
  });

  it('must replace a scalar with the later value', () => {
    expect(mergeWeb([], ['image: nginx:2']).image).toBe('nginx:2');
  });

  it('must merge services and top-level sections across files', () => {
    const stack = mergeFiles(
      yaml('services:', '  web:', '    image: nginx', 'volumes:', '  a: {}'),
      yaml('services:', '  db:', '    image: pg', 'volumes:', '  b: {}'),
    );
    expect(Object.keys(stack.services)).toEqual(['web', 'db']);
    expect(Object.keys(stack.volumes)).toEqual(['a', 'b']);
  });
});

describe('merge: values that are replaced, not appended', () => {
  it('must replace command', () => {
    expect(mergeWeb(['command: [echo, foo]'], ['command: [echo, bar]']).command).toEqual(['echo', 'bar']);
  });

  it('must replace entrypoint', () => {
    expect(mergeWeb(['entrypoint: [a, b]'], ['entrypoint: c']).entrypoint).toEqual(['c']);
  });

  it('must replace healthcheck.test and merge the rest of healthcheck', () => {
    const web = mergeWeb(['healthcheck: {test: [CMD, a], interval: 10s}'], ['healthcheck: {test: [CMD, b]}']);
    expect(web.healthcheck).toEqual({ test: ['CMD', 'b'], interval: 10_000 });
  });
});

describe('merge: sequences append, one item per identity', () => {
  it('must append ports, a later port with the same host_ip:published:target/protocol replacing the earlier in place', () => {
    const web = mergeWeb(
      ['ports: ["127.0.0.1:8080:80", "9090:90"]'],
      ['ports: [{host_ip: 127.0.0.1, published: "8080", target: 80, mode: host}, "0.0.0.0:9090:90", "7070:70"]'],
    );
    expect(web.ports).toEqual([
      { mode: 'host', target: 80, protocol: 'tcp', host_ip: '127.0.0.1', published: '8080' },
      { target: 90, protocol: 'tcp', mode: 'ingress', published: '9090', host_ip: '0.0.0.0' },
      { target: 70, protocol: 'tcp', mode: 'ingress', published: '7070' },
    ]);
  });

  it('must keep two ports that differ only by protocol', () => {
    const web = mergeWeb(['ports: ["53:53"]'], ['ports: ["53:53/udp"]']);
    expect(web.ports?.map((p) => `${p.published}:${p.target}/${p.protocol}`)).toEqual(['53:53/tcp', '53:53/udp']);
  });

  it('must append volumes, a later volume with the same target replacing the earlier in place', () => {
    const stack = mergeFiles(
      yaml(
        'services:',
        '  web:',
        '    image: nginx',
        '    volumes: ["./a:/data", "logs:/logs"]',
        'volumes: {logs: {}}',
      ),
      yaml(
        'services:',
        '  web:',
        '    volumes: [{type: volume, source: v, target: /data}, "./x:/x"]',
        'volumes: {v: {}}',
      ),
    );
    expect(stack.services.web?.volumes).toEqual([
      { type: 'volume', source: 'v', target: '/data', volume: {} },
      { type: 'volume', source: 'logs', target: '/logs', volume: {} },
      { type: 'bind', source: '/p/x', target: '/x', bind: { create_host_path: true } },
    ]);
  });

  it('must append expose, keeping each port once', () => {
    expect(mergeWeb(['expose: ["3000", "4000"]'], ['expose: ["4000", "5000"]']).expose).toEqual([
      '3000',
      '4000',
      '5000',
    ]);
  });

  it('must append dns', () => {
    expect(mergeWeb(['dns: [1.1.1.1]'], ['dns: [8.8.8.8]']).dns).toEqual(['1.1.1.1', '8.8.8.8']);
  });
});

describe('merge: key-value mappings written as lists or mappings', () => {
  it('must merge environment by key, from a list form onto a map form and back', () => {
    expect(mergeWeb(['environment: [A=1, B=2]'], ['environment: {B: 3, C: 4}']).environment).toEqual({
      A: '1',
      B: '3',
      C: '4',
    });
    expect(mergeWeb(['environment: {A: "1", B: "2"}'], ['environment: [B=3]']).environment).toEqual({ A: '1', B: '3' });
  });

  it('must merge labels by key across list and map forms', () => {
    expect(mergeWeb(['labels: {x: "1", y: "1"}'], ['labels: [y=2, z=3]']).labels).toEqual({ x: '1', y: '2', z: '3' });
  });

  it('must keep the last of duplicate environment entries in a single file', () => {
    const stack = stackOf({
      'compose.yaml': yaml('services:', '  web:', '    image: nginx', '    environment: [A=1, B=1, A=2]'),
    });
    expect(stack.services.web?.environment).toEqual({ A: '2', B: '1' });
  });
});

describe('merge: mappings with a short list form', () => {
  it('must merge depends_on written as a list with depends_on written as a mapping', () => {
    const stack = mergeFiles(
      yaml(
        'services:',
        '  web:',
        '    image: nginx',
        '    depends_on: [db, cache]',
        '  db: {image: pg}',
        '  cache: {image: redis}',
      ),
      yaml('services:', '  web:', '    depends_on: {db: {condition: service_healthy}}'),
    );
    expect(stack.services.web?.depends_on).toEqual({
      db: { condition: 'service_healthy', required: true },
      cache: { condition: 'service_started', required: true },
    });
  });

  it('must merge networks written as a list with networks written as a mapping', () => {
    const stack = mergeFiles(
      yaml('services:', '  web:', '    image: nginx', '    networks: [front]', 'networks: {front: {}, back: {}}'),
      yaml('services:', '  web:', '    networks: {back: {aliases: [api]}}'),
    );
    expect(stack.services.web?.networks).toEqual({ front: null, back: { aliases: ['api'] } });
  });

  it('must merge build written as a string with build written as a mapping', () => {
    expect(mergeWeb(['build: ./dir'], ['build: {dockerfile: Dockerfile.dev}']).build).toEqual({
      context: '/p/dir',
      dockerfile: 'Dockerfile.dev',
    });
  });
});

describe('merge: logging and ulimits', () => {
  it('must merge logging options when both files name the same driver', () => {
    const web = mergeWeb(
      ['logging: {driver: json-file, options: {max-size: 1m}}'],
      ['logging: {driver: json-file, options: {max-file: "3"}}'],
    );
    expect(web.logging).toEqual({ driver: 'json-file', options: { 'max-size': '1m', 'max-file': '3' } });
  });

  it('must merge logging options when the override names no driver', () => {
    const web = mergeWeb(
      ['logging: {driver: json-file, options: {max-size: 1m}}'],
      ['logging: {options: {max-file: "3"}}'],
    );
    expect(web.logging).toEqual({ driver: 'json-file', options: { 'max-size': '1m', 'max-file': '3' } });
  });

  it('must replace logging as a whole when the drivers differ', () => {
    const web = mergeWeb(
      ['logging: {driver: json-file, options: {max-size: 1m}}'],
      ['logging: {driver: syslog, options: {tag: web}}'],
    );
    expect(web.logging).toEqual({ driver: 'syslog', options: { tag: 'web' } });
  });

  it('must merge ulimits by name, a later limit replacing the earlier one', () => {
    const web = mergeWeb(
      ['ulimits: {nproc: 100, nofile: {soft: 1024, hard: 2048}}'],
      ['ulimits: {nofile: {soft: 4096, hard: 8192}, core: 0}'],
    );
    expect(web.ulimits).toEqual({
      nproc: { soft: 100, hard: 100 },
      nofile: { soft: 4096, hard: 8192 },
      core: { soft: 0, hard: 0 },
    });
  });
});

describe('merge: !reset and !override', () => {
  it('must remove a key tagged !reset, whatever value it is written with', () => {
    const web = mergeWeb(
      ['ports: ["80:80"]', 'user: root', 'dns: [1.1.1.1]'],
      ['ports: !reset []', 'user: !reset null', 'dns: !reset'],
    );
    expect(['ports', 'user', 'dns'].filter((k) => k in web)).toEqual([]);
  });

  it('must remove a whole service tagged !reset', () => {
    const stack = mergeFiles(
      yaml('services:', '  web:', '    image: nginx', '  db:', '    image: pg'),
      yaml('services:', '  db: !reset {}'),
    );
    expect(Object.keys(stack.services)).toEqual(['web']);
  });

  it('must remove an environment entry tagged !reset, whichever form the base file used', () => {
    expect(mergeWeb(['environment: [A=1, B=2]'], ['environment: {A: !reset null}']).environment).toEqual({ B: '2' });
    expect(mergeWeb(['environment: {A: "1", B: "2"}'], ['environment: {B: !reset null}']).environment).toEqual({
      A: '1',
    });
  });

  it('must replace a whole mapping tagged !override instead of merging it', () => {
    const web = mergeWeb(['environment: {A: "1", B: "2"}'], ['environment: !override {C: "3"}']);
    expect(web.environment).toEqual({ C: '3' });
  });

  it('must replace a whole list tagged !override instead of appending to it', () => {
    const web = mergeWeb(['ports: ["80:80", "443:443"]'], ['ports: !override ["8080:80"]']);
    expect(web.ports).toEqual([{ target: 80, published: '8080', protocol: 'tcp', mode: 'ingress' }]);
  });
});

describe('merge: extensions', () => {
  it('must replace an x- key of a service instead of merging it', () => {
    expect(mergeWeb(['x-meta: {a: 1, b: 2}'], ['x-meta: {c: 3}'])['x-meta']).toEqual({ c: 3 });
  });

  it('must replace a top-level x- key instead of merging it', () => {
    const stack = mergeFiles(
      yaml('x-defaults: {a: 1}', 'services:', '  web:', '    image: nginx'),
      yaml('x-defaults: {b: 2}'),
    );
    expect(stack.extensions).toEqual({ 'x-defaults': { b: 2 } });
  });
});
