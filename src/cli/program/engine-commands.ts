// `berth engine start|stop|status|logs`: berthd, the built-in engine, managed from the CLI.
import type { Command } from 'commander';
import { BerthError } from '../../errors.js';
import { engineLogs, engineSettings, engineStart, engineStatus, engineStop } from '../commands/engine.js';
import type { CliContext } from '../context.js';

export function addEngineCommands(program: Command, ctx: CliContext): void {
  const engine = program
    .command('engine')
    .description('manage berthd, the built-in engine (data root BERTH_ROOT, socket BERTH_SOCKET)');
  engine
    .command('start')
    .description('start berthd in the background')
    .action(async () => ctx.stdout(await engineStart(engineSettings(ctx.env))));
  engine
    .command('stop')
    .description('stop berthd (running containers keep running)')
    .action(async () => ctx.stdout(await engineStop(engineSettings(ctx.env))));
  engine
    .command('status')
    .description('say whether berthd runs, and where')
    .action(async () => {
      const s = await engineStatus(engineSettings(ctx.env));
      if (!s.running)
        throw new BerthError('ENGINE_NOT_RUNNING', s.text.trim(), { hint: 'start it with: berth engine start' });
      ctx.stdout(s.text);
    });
  engine
    .command('logs')
    .description("print berthd's own log")
    .action(() => ctx.stdout(engineLogs(engineSettings(ctx.env))));
}
