// Which flag belongs to whom, for every command: berth's real program (buildProgram) parses the command line with
// each action replaced by a recorder, so nothing runs; what a command would have been called with is compared.
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { containerCommand } from '../../src/cli/flag-rule.js';

interface Parsed {
  command: string;
  global: Record<string, unknown>;
  args: unknown[];
  opts: Record<string, unknown>;
}

async function parse(argv: string[]): Promise<Parsed | { error: string }> {
  let errors = '';
  const program = buildProgram({
    cwd: '/nowhere',
    env: {},
    stdout: () => undefined,
    stderr: (t) => (errors += t),
    readStdin: () => '',
  });
  let parsed: Parsed | undefined;
  const record = (cmd: Command): void => {
    cmd.action((...all: unknown[]) => {
      const c = all[all.length - 1] as Command;
      const name = c.parent && c.parent !== program ? `${c.parent.name()} ${c.name()}` : c.name();
      parsed = { command: name, global: program.opts(), args: all.slice(0, -2), opts: c.opts() };
    });
    cmd.commands.forEach(record);
  };
  program.commands.forEach(record);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch {
    return { error: errors.split('\n')[0] ?? '' };
  }
  return parsed ?? { error: 'nothing ran' };
}

describe('flags belong to the command they follow', () => {
  it.each([
    // [argv, command, what must hold]
    [['logs', '-f', 'web'], { command: 'logs', args: [['web']], opts: { follow: true }, global: { file: [] } }],
    [['-f', 'a.yaml', 'logs', '-f', 'web'], { command: 'logs', args: [['web']], global: { file: ['a.yaml'] } }],
    [['-p', 'x', 'ps', '-a'], { command: 'ps', global: { projectName: 'x' }, opts: { all: true } }],
    [['rm', '-f', '-s'], { command: 'rm', opts: { force: true, stop: true }, global: { file: [] } }],
    [['kill', '-s', 'SIGTERM', 'db'], { command: 'kill', args: [['db']], opts: { signal: 'SIGTERM' } }],
    [['stop', '-t', '0'], { command: 'stop', opts: { timeout: '0' } }],
    [['up', '-d', '--wait', 'web'], { command: 'up', args: [['web']], opts: { detach: true, wait: true } }],
    [['down', '-v', '-t', '1'], { command: 'down', opts: { volumes: true, timeout: '1' } }],
    [['config', '--services'], { command: 'config', opts: { services: true } }],
    [['--progress', 'plain', 'start', 'b'], { command: 'start', args: [['b']], global: { progress: 'plain' } }],
    [['engine', 'status'], { command: 'engine status' }],
  ] as const)('%j', async (argv, want) => {
    expect(await parse([...argv])).toMatchObject(want);
  });

  it('a global flag after the command is an error, not silently global (as `docker compose logs -p x` has no -p)', async () => {
    expect(await parse(['logs', '-p', 'x'])).toEqual({ error: "error: unknown option '-p'" });
    expect(await parse(['ps', '--profile', 'x'])).toEqual({ error: "error: unknown option '--profile'" });
  });
});

describe('exec and run: everything after SERVICE is the container command', () => {
  it.each([
    [
      ['exec', '-T', 'svc', 'sh', '-c', 'echo $0', '-h', '-p', 'x'],
      { args: ['svc', ['sh', '-c', 'echo $0', '-h', '-p', 'x']], opts: { tty: false } },
    ],
    [['exec', 'db', 'mariadb', '-psecret'], { args: ['db', ['mariadb', '-psecret']], global: { file: [] } }],
    [['exec', 'db', 'psql', '-h', '127.0.0.1'], { args: ['db', ['psql', '-h', '127.0.0.1']] }],
    [
      ['exec', '-e', 'A=1', '-u', 'nobody', 'db', 'env'],
      { args: ['db', ['env']], opts: { env: ['A=1'], user: 'nobody' } },
    ],
    [
      ['run', '--rm', 'api', 'echo', '-p', 'x'],
      { args: ['api', ['echo', '-p', 'x']], opts: { rm: true, publish: [] } },
    ],
    [['run', '-p', '80:80', 'api', 'ls', '-d'], { args: ['api', ['ls', '-d']], opts: { publish: ['80:80'] } }],
    [['run', '--no-deps', 'api'], { args: ['api', []], opts: { deps: false } }],
    [['-p', 'proj', 'run', 'api', '--rm'], { args: ['api', ['--rm']], global: { projectName: 'proj' } }],
  ] as const)('%j', async (argv, want) => {
    const parsed = await parse([...argv]);
    expect(parsed).toMatchObject({ command: argv.find((a) => a === 'exec' || a === 'run'), ...want });
    expect((parsed as Parsed).global.projectName).toBe(argv[0] === '-p' ? argv[1] : undefined);
  });

  it('a -- after SERVICE is dropped, once; later ones belong to the command', () => {
    expect(containerCommand(['--', 'echo', 'hi'])).toEqual(['echo', 'hi']);
    expect(containerCommand(['echo', '--', 'hi'])).toEqual(['echo', '--', 'hi']);
    expect(containerCommand(['--', '--', 'x'])).toEqual(['--', 'x']);
    expect(containerCommand([])).toEqual([]);
  });

  it('a -- before SERVICE ends the flags; an unknown flag before SERVICE is an error', async () => {
    expect(await parse(['exec', '--', 'db', 'ls'])).toMatchObject({ args: ['db', ['ls']] });
    expect(await parse(['exec', '-x', 'db', 'ls'])).toEqual({ error: "error: unknown option '-x'" });
  });
});
