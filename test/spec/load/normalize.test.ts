// The model a load produces: every short syntax expanded to Compose's long form, units converted, paths absolute,
// the default network added, resources named, env files read, interpolated values cast, the project named.
import { describe, expect, it } from 'vitest';
import type { Service } from '../../../src/spec/model.js';
import type { LoadOptions } from './helpers.js';
import { diagnosticsOf, errorsOf, load, stackOfText, yaml } from './helpers.js';

/** Service `web` of `image: nginx` plus `lines` (indented under web). */
function web(lines: string[], opts: LoadOptions = {}): Service {
  const stack = stackOfText(yaml('services:', '  web:', '    image: nginx', ...lines.map((l) => `    ${l}`)), opts);
  return stack.services.web as Service;
}

describe('normalize: short syntaxes', () => {
  it('must expand ports, a container range to one mapping per port', () => {
    expect(web(['ports: ["3000", "8000-8001:80-81/udp", "127.0.0.1::90", 5000]']).ports).toEqual([
      { target: 3000, protocol: 'tcp', mode: 'ingress' },
      { target: 80, published: '8000', protocol: 'udp', mode: 'ingress' },
      { target: 81, published: '8001', protocol: 'udp', mode: 'ingress' },
      { target: 90, host_ip: '127.0.0.1', protocol: 'tcp', mode: 'ingress' },
      { target: 5000, protocol: 'tcp', mode: 'ingress' },
    ]);
  });

  it('must keep a host range for a single container port', () => {
    expect(web(['ports: ["9000-9010:80"]']).ports).toEqual([
      { target: 80, published: '9000-9010', protocol: 'tcp', mode: 'ingress' },
    ]);
  });

  it('must expand volumes to the long syntax, binds with an absolute source and create_host_path', () => {
    const text = yaml(
      'services:',
      '  web:',
      '    image: nginx',
      '    volumes: ["./src:/app:ro", "data:/data", "/abs:/abs", "~/h:/h", "/anon"]',
      'volumes: {data: {}}',
    );
    const volumes = stackOfText(text, { env: { HOME: '/home/u' } }).services.web?.volumes;
    expect(volumes).toEqual([
      { type: 'bind', source: '/p/src', target: '/app', read_only: true, bind: { create_host_path: true } },
      { type: 'volume', source: 'data', target: '/data', volume: {} },
      { type: 'bind', source: '/abs', target: '/abs', bind: { create_host_path: true } },
      { type: 'bind', source: '/home/u/h', target: '/h', bind: { create_host_path: true } },
      { type: 'volume', target: '/anon', volume: {} },
    ]);
  });

  it('must turn environment lists into maps, numbers and booleans into strings', () => {
    expect(web(['environment: [A=1, B=x=y, C=]']).environment).toEqual({ A: '1', B: 'x=y', C: '' });
    expect(web(['environment: {N: 1, T: true, F: 1.5}']).environment).toEqual({ N: '1', T: 'true', F: '1.5' });
  });

  it('must take a variable named without a value from the environment, or leave it null', () => {
    expect(web(['environment: [FROM_ENV, UNSET]'], { env: { FROM_ENV: 'v' } }).environment).toEqual({
      FROM_ENV: 'v',
      UNSET: null,
    });
    expect(web(['environment: {FROM_ENV: null}'], { env: { FROM_ENV: 'v' } }).environment).toEqual({ FROM_ENV: 'v' });
  });

  it('must turn labels lists into maps of strings', () => {
    expect(web(['labels: [a=1, b]']).labels).toEqual({ a: '1', b: '' });
    expect(web(['labels: {n: 1, t: true}']).labels).toEqual({ n: '1', t: 'true' });
  });

  it('must expand a depends_on list to service_started and required', () => {
    const stack = stackOfText(
      yaml('services:', '  web:', '    image: nginx', '    depends_on: [db]', '  db:', '    image: pg'),
    );
    expect(stack.services.web?.depends_on).toEqual({ db: { condition: 'service_started', required: true } });
  });

  it('must expand a build string to a context and the default Dockerfile', () => {
    expect(web(['build: ./app']).build).toEqual({ context: '/p/app', dockerfile: 'Dockerfile' });
    expect(web(['build: {context: ., dockerfile_inline: "FROM x"}']).build).toEqual({
      context: '/p',
      dockerfile_inline: 'FROM x',
    });
  });

  it('must keep a remote build context as written', () => {
    expect(web(['build: https://github.com/docker/app.git#main']).build?.context).toBe(
      'https://github.com/docker/app.git#main',
    );
  });

  it('must turn a healthcheck test string into CMD-SHELL and durations into milliseconds', () => {
    expect(
      web([
        'healthcheck: {test: "curl -f http://localhost || exit 1", interval: 1m30s, timeout: 500ms, start_period: 1h}',
      ]).healthcheck,
    ).toEqual({
      test: ['CMD-SHELL', 'curl -f http://localhost || exit 1'],
      interval: 90_000,
      timeout: 500,
      start_period: 3_600_000,
    });
  });

  it('must convert durations to milliseconds and sizes to bytes', () => {
    const s = web(['stop_grace_period: 5s', 'mem_limit: 512m', 'shm_size: 1gb', 'memswap_limit: 1024']);
    expect([s.stop_grace_period, s.mem_limit, s.shm_size, s.memswap_limit]).toEqual([
      5_000,
      512 * 1024 * 1024,
      1024 * 1024 * 1024,
      1024,
    ]);
  });

  it('must split a command string into argv, honoring quotes and escapes', () => {
    expect(web([`command: bash -c "echo 'hi there'" x\\ y ''`]).command).toEqual([
      'bash',
      '-c',
      "echo 'hi there'",
      'x y',
      '',
    ]);
    expect(web(['entrypoint: ["/bin/sh", "-c"]']).entrypoint).toEqual(['/bin/sh', '-c']);
  });
});

describe('normalize: networks and resource names', () => {
  it('must attach a service without networks to the default network, named after the project', () => {
    const stack = stackOfText(yaml('services:', '  web:', '    image: nginx'));
    expect(stack.services.web?.networks).toEqual({ default: null });
    expect(stack.networks).toEqual({ default: { name: 'p_default' } });
  });

  it('must not add the default network to a service with network_mode', () => {
    const stack = stackOfText(yaml('services:', '  web:', '    image: nginx', '    network_mode: host'));
    expect(stack.services.web?.networks).toBeUndefined();
    expect(stack.networks).toEqual({});
  });

  it('must name top-level resources <project>_<key>, unless external or named', () => {
    const stack = stackOfText(
      yaml(
        'services:',
        '  web:',
        '    image: nginx',
        '    networks: [front]',
        'networks: {front: {}, shared: {external: true}}',
        'volumes: {data: {}, ext: {external: true}, named: {name: custom}}',
        'secrets: {token: {file: ./token.txt}}',
        'configs: {cfg: {file: /etc/app.conf}}',
      ),
    );
    expect(stack.networks).toEqual({ front: { name: 'p_front' }, shared: { name: 'shared', external: true } });
    expect(stack.volumes).toEqual({
      data: { name: 'p_data' },
      ext: { name: 'ext', external: true },
      named: { name: 'custom' },
    });
    expect(stack.secrets).toEqual({ token: { name: 'p_token', file: '/p/token.txt' } });
    expect(stack.configs).toEqual({ cfg: { name: 'p_cfg', file: '/etc/app.conf' } });
  });
});

describe('normalize: env_file', () => {
  it('must let a later env_file see what earlier ones set, and its own keys first', () => {
    const s = web(['env_file: [a.env, b.env, c.env]'], {
      extra: { 'a.env': 'A=a\nB=a\n', 'b.env': 'B=b\nC=${B}-c\n', 'c.env': 'D=${A}-d\n' },
    });
    expect(s.environment).toEqual({ A: 'a', B: 'b', C: 'b-c', D: 'a-d' });
  });

  it('must put env_file variables under environment, environment winning', () => {
    const s = web(['env_file: [a.env, b.env]', 'environment: [A=own]'], {
      extra: { 'a.env': 'A=file\nB=a\n', 'b.env': 'B=b\nC=${B}-c\n' },
    });
    expect(s.environment).toEqual({ A: 'own', B: 'b', C: 'b-c' });
    expect(s.env_file).toEqual([
      { path: '/p/a.env', required: true },
      { path: '/p/b.env', required: true },
    ]);
  });

  it('must report a missing required env_file at its entry', () => {
    const r = load({ 'compose.yaml': yaml('services:', '  web:', '    image: nginx', '    env_file: missing.env') });
    expect(errorsOf(r)).toEqual([
      { code: 'SPEC_ENV_FILE_MISSING', line: 4, column: 15, path: 'services.web.env_file' },
    ]);
    expect(diagnosticsOf(r)[0]).toMatchObject({
      message: 'env file "/p/missing.env" cannot be read',
      hint: 'create it, or mark it optional with "path: missing.env" and "required: false"',
    });
  });

  it('must skip a missing env_file marked required: false', () => {
    const s = web(['env_file: [{path: missing.env, required: false}]', 'environment: [A=1]']);
    expect(s.environment).toEqual({ A: '1' });
    expect(s.env_file).toEqual([{ path: '/p/missing.env', required: false }]);
  });
});

describe('normalize: interpolated values', () => {
  it('must cast an interpolated boolean', () => {
    expect(web(['privileged: ${P}'], { env: { P: 'true' } }).privileged).toBe(true);
    expect(web(['read_only: ${R}'], { env: { R: 'no' } }).read_only).toBe(false);
  });

  it('must report an interpolated value that is not a boolean', () => {
    const r = load(
      { 'compose.yaml': yaml('services:', '  web:', '    image: nginx', '    privileged: ${P}') },
      { env: { P: 'maybe' } },
    );
    expect(errorsOf(r)).toEqual([{ code: 'SPEC_INVALID_VALUE', line: 4, column: 17, path: 'services.web.privileged' }]);
    expect(diagnosticsOf(r)[0]).toMatchObject({ message: '"maybe" is not a boolean', hint: 'use true or false' });
  });
});

describe('normalize: project name', () => {
  const named = yaml('name: fromfile', 'services:', '  web:', '    image: nginx');
  const nameOf = (opts: LoadOptions, text = named): string => stackOfText(text, opts).name;

  it('must take -p first, then COMPOSE_PROJECT_NAME, then name:, then the folder', () => {
    expect(nameOf({ projectName: 'flag', env: { COMPOSE_PROJECT_NAME: 'fromenv' } })).toBe('flag');
    expect(nameOf({ env: { COMPOSE_PROJECT_NAME: 'fromenv' } })).toBe('fromenv');
    expect(nameOf({})).toBe('fromfile');
    expect(nameOf({ projectDir: '/src/shop' }, yaml('services:', '  web:', '    image: nginx'))).toBe('shop');
  });

  it('must interpolate name:', () => {
    expect(nameOf({ env: { N: 'interp' } }, yaml('name: ${N}', 'services:', '  web:', '    image: nginx'))).toBe(
      'interp',
    );
  });

  it('must normalize a folder name and name: (lowercase, other characters dropped)', () => {
    expect(nameOf({ projectDir: '/work/My.App_1' }, yaml('services:', '  web:', '    image: nginx'))).toBe('myapp_1');
    expect(nameOf({}, yaml('name: My App', 'services:', '  web:', '    image: nginx'))).toBe('myapp');
  });

  it('must refuse an invalid name given with -p or COMPOSE_PROJECT_NAME', () => {
    for (const opts of [{ projectName: 'Bad Name' }, { env: { COMPOSE_PROJECT_NAME: 'Bad Name' } }]) {
      const r = load({ 'compose.yaml': named }, opts);
      expect(diagnosticsOf(r).map((d) => [d.code, d.hint])).toEqual([['SPEC_INVALID_PROJECT_NAME', 'use "badname"']]);
    }
  });

  it('must report a folder name that gives no project name', () => {
    const r = load({ 'compose.yaml': yaml('services:', '  web:', '    image: nginx') }, { projectDir: '/work/___' });
    expect(errorsOf(r)).toEqual([{ code: 'SPEC_NO_PROJECT_NAME', line: 1, column: 1, path: '' }]);
  });
});
