// main.ts registers only the group of the command being run (a faster start); these hold its table of groups to
// what each group's add function really registers, and commandWord to how commander reads a command line.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { COMMAND_GROUPS, buildProgram, commandWord, main } from '../../src/cli/main.js';

const ctx: CliContext = { cwd: '/', env: {}, stdout: () => undefined, stderr: () => undefined, readStdin: () => '' };
const names = (program: Command): string[] => program.commands.map((c) => c.name()).sort();

describe('command groups', () => {
  it('each group names exactly the commands its add function registers, and together they are all', () => {
    for (const group of COMMAND_GROUPS) {
      const program = new Command('berth');
      group.add(program, ctx);
      expect(names(program)).toEqual([...group.names].sort());
    }
    expect(names(buildProgram(ctx))).toEqual(COMMAND_GROUPS.flatMap((g) => g.names).sort());
  });

  it('commandWord skips global options and the values of those that take one, as commander does', () => {
    const program = buildProgram(ctx);
    expect(commandWord(program, ['-p', 'up', '-f', 'ps', 'logs', '-f'])).toBe('logs');
    expect(commandWord(program, ['--file=a.yaml', '--project-directory', 'x', '--profile', 'y', 'up', '-d'])).toBe(
      'up',
    );
    expect(
      commandWord(program, ['-H', 'unix:///s', '--context', 'c', '--env-file', 'e', '--progress', 'plain', 'ps']),
    ).toBe('ps');
    expect(commandWord(program, ['--version'])).toBeUndefined();
    expect(commandWord(program, ['-f', 'x.yaml'])).toBeUndefined();
  });

  it('registers only the named command group, and every command without one or for an unknown word', () => {
    expect(names(buildProgram(ctx, ['-p', 'x', 'ps', '-a']))).toEqual(['images', 'logs', 'ls', 'port', 'ps', 'top']);
    expect(names(buildProgram(ctx, ['--help']))).toHaveLength(COMMAND_GROUPS.flatMap((g) => g.names).length);
    expect(names(buildProgram(ctx, ['pss']))).toHaveLength(COMMAND_GROUPS.flatMap((g) => g.names).length);
  });

  it('help and the suggestion for a mistyped command still list every command', async () => {
    let out = '';
    const capture: CliContext = { ...ctx, stdout: (t) => void (out += t), stderr: (t) => void (out += t) };
    expect(await main(['--help'], capture)).toBe(0);
    for (const n of COMMAND_GROUPS.flatMap((g) => g.names)) expect(out).toMatch(new RegExp(`^  ${n}\\b`, 'm'));
    out = '';
    expect(await main(['stak'], capture)).toBe(2);
    expect(out).toMatch(/Did you mean stack\?/);
  });
});
