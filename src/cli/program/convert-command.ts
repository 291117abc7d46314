// `berth convert`: its module (the Kubernetes translation) is imported when it runs, not on every start.
import { Option } from 'commander';
import type { Command } from 'commander';
import type { ConvertOptions } from '../commands/convert.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { renderDiagnostic } from '../render-error.js';

/** Registers `berth convert` on the program (main.ts calls this once). */
export function addConvertCommand(program: Command, ctx: CliContext): void {
  program
    .command('convert')
    .description('translate the stack for another orchestrator; what does not translate is listed on stderr')
    .addOption(new Option('--to <target>', 'the target orchestrator').choices(['kubernetes']).makeOptionMandatory())
    .option('-o, --output <dir>', 'write one YAML file per object into this folder (default: all to stdout)')
    .argument('[services...]', 'services to convert, with what they depend on (default: all)')
    .action(async (services: string[], opts: ConvertOptions) => {
      const { convertCommand } = await import('../commands/convert.js');
      const report = convertCommand(ctx, program.opts<ProjectOptions>(), services, opts);
      for (const w of report.warnings) ctx.stderr(`${renderDiagnostic(w, ctx.cwd)}\n`);
      ctx.stdout(report.stdout);
      if (report.written.length > 0) ctx.stderr(`wrote ${report.written.length} files to ${opts.output}\n`);
    });
}
