// `berth config`: file discovery as Compose does it, the output forms, and the per-service hash.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectDir, runCli } from './run-cli.js';

const BASE = `services:
  web:
    image: nginx:\${TAG:-1.27}
    ports: ["8080:80"]
    depends_on: [db]
    volumes: [data:/srv]
  db:
    image: postgres
  debug:
    image: busybox
    profiles: [dev]
volumes:
  data:
`;

describe('berth config', () => {
  it('finds compose.yaml in a parent folder and merges compose.override.yaml beside it', async () => {
    using p = projectDir({
      'compose.yaml': BASE,
      'compose.override.yaml': 'services:\n  web:\n    environment: [MODE=dev]\n',
      'sub/deeper/.keep': '',
    });
    const r = await runCli(['config', '--format', 'json'], { cwd: join(p.dir, 'sub/deeper') });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.name).toBe('proj');
    expect(doc.services.web.environment).toEqual({ MODE: 'dev' });
    expect(doc.services.web.image).toBe('nginx:1.27');
    expect(Object.keys(doc.services).sort()).toEqual(['db', 'web']);
    expect(doc.volumes.data.name).toBe('proj_data');
  });

  it('prints YAML that parses back to the JSON form', async () => {
    using p = projectDir({ 'compose.yaml': BASE });
    const yaml = await runCli(['config'], { cwd: p.dir });
    const json = await runCli(['config', '--format', 'json'], { cwd: p.dir });
    expect(parse(yaml.stdout)).toEqual(JSON.parse(json.stdout));
    expect(yaml.stdout.startsWith('name: proj\nservices:\n')).toBe(true);
  });

  it('lists services, volumes, profiles and images', async () => {
    using p = projectDir({ 'compose.yaml': BASE });
    expect((await runCli(['config', '--services'], { cwd: p.dir })).stdout).toBe('db\nweb\n');
    expect((await runCli(['--profile', 'dev', 'config', '--services'], { cwd: p.dir })).stdout).toBe(
      'db\ndebug\nweb\n',
    );
    expect((await runCli(['config', '--volumes'], { cwd: p.dir })).stdout).toBe('data\n');
    expect((await runCli(['config', '--profiles'], { cwd: p.dir })).stdout).toBe('dev\n');
    expect((await runCli(['config', '--images'], { cwd: p.dir })).stdout).toBe('nginx:1.27\npostgres\n');
  });

  it('-q prints nothing and exits 0 on a valid stack', async () => {
    using p = projectDir({ 'compose.yaml': BASE });
    const r = await runCli(['config', '-q'], { cwd: p.dir });
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('reads -f - from standard input, with the current folder as the project folder', async () => {
    using p = projectDir({});
    const r = await runCli(['-f', '-', 'config', '--services'], {
      cwd: p.dir,
      stdin: 'services:\n  a:\n    image: x\n',
    });
    expect(r.stdout).toBe('a\n');
  });

  it('takes variables from .env, with the process environment winning', async () => {
    using p = projectDir({ 'compose.yaml': BASE, '.env': 'TAG=from-dotenv\n' });
    const fromFile = await runCli(['config', '--images'], { cwd: p.dir });
    expect(fromFile.stdout).toContain('nginx:from-dotenv');
    const fromEnv = await runCli(['config', '--images'], { cwd: p.dir, env: { TAG: 'from-env' } });
    expect(fromEnv.stdout).toContain('nginx:from-env');
  });

  it('--env-file replaces the project .env', async () => {
    using p = projectDir({ 'compose.yaml': BASE, '.env': 'TAG=a\n', 'other.env': 'TAG=b\n' });
    const r = await runCli(['--env-file', 'other.env', 'config', '--images'], { cwd: p.dir });
    expect(r.stdout).toContain('nginx:b');
  });

  it('-p and COMPOSE_PROJECT_NAME name the project before the folder does', async () => {
    using p = projectDir({ 'compose.yaml': BASE });
    const json = async (argv: string[], env?: Record<string, string>) =>
      JSON.parse((await runCli([...argv, 'config', '--format', 'json'], { cwd: p.dir, env })).stdout).name;
    expect(await json([])).toBe('proj');
    expect(await json([], { COMPOSE_PROJECT_NAME: 'fromenv' })).toBe('fromenv');
    expect(await json(['-p', 'flag'], { COMPOSE_PROJECT_NAME: 'fromenv' })).toBe('flag');
  });

  it('warns once about an unset variable and uses an empty string', async () => {
    using p = projectDir({ 'compose.yaml': 'services:\n  a:\n    image: x$NOPE\n    labels: [l=$NOPE]\n' });
    const r = await runCli(['config', '--images'], { cwd: p.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('x\n');
    expect(r.stderr.match(/variable "NOPE" is not set/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/^warning: compose\.yaml:3:12: /m);
  });

  it('--hash is unchanged by key order, anchors and splitting across files, and changes with the config', async () => {
    const hash = async (files: Record<string, string>, args: string[] = []) => {
      using p = projectDir(files);
      return (await runCli([...args, 'config', '--hash', 'web'], { cwd: p.dir })).stdout;
    };
    const plain = await hash({
      'compose.yaml': 'services:\n  web:\n    image: nginx\n    environment: {A: "1", B: "2"}\n',
    });
    const reordered = await hash({
      'compose.yaml':
        'x-env: &env\n  B: 2\n  A: 1\nservices:\n  web:\n    # a comment\n    environment: *env\n    image: nginx\n',
    });
    const split = await hash(
      {
        'compose.yaml': 'services:\n  web:\n    image: nginx\n    environment: [A=1]\n',
        'extra.yaml': 'services:\n  web:\n    environment: [B=2]\n',
      },
      ['-f', 'compose.yaml', '-f', 'extra.yaml'],
    );
    const changed = await hash({
      'compose.yaml': 'services:\n  web:\n    image: nginx\n    environment: {A: "1", B: "3"}\n',
    });
    expect(plain).toMatch(/^web [0-9a-f]{64}\n$/);
    expect(reordered).toBe(plain);
    expect(split).toBe(plain);
    expect(changed).not.toBe(plain);
  });

  it('the installed command exits non-zero with a located error and no stack trace', () => {
    using p = projectDir({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    ports: ["80:80:80:80"]\n' });
    const bin = join(import.meta.dirname, '../../bin/berth.js');
    const r = spawnSync(process.execPath, [bin, 'config'], { cwd: p.dir, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^compose\.yaml:4:13: services\.web\.ports\[0\]: "80:80:80:80" is not a port mapping/);
    expect(r.stderr).not.toContain('    at ');
  });
});
