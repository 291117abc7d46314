// `berth push [SERVICE...]`: pushes the images of services that are built and named (`build:` and `image:`), as
// `docker compose push` does (pkg/compose/push.go); the others show as skipped. Concurrent, each image once.
import { BerthError } from '../../errors.js';
import type { Service } from '../../spec/model.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { pushImage } from '../image-transfer.js';
import { selectProgress } from '../progress/select.js';
import { inPhase } from '../progress/sink.js';
import { openSession } from '../stack-session.js';
import { compareText } from '../../compare-text.js';

export interface PushOptions {
  ignorePushFailures?: boolean;
  quiet?: boolean;
}

export async function pushCommand(
  ctx: CliContext,
  global: ProjectOptions,
  services: string[],
  opts: PushOptions,
): Promise<void> {
  const session = await openSession(ctx, global, services);
  const { client, stack } = session;
  try {
    const names = services.length > 0 ? services : Object.keys(stack.services).sort(compareText);
    const sink = await selectProgress(ctx, opts.quiet ? 'quiet' : global.progress);
    const row = (service: string): { id: string; resource: 'image'; name: string } => ({
      id: service,
      resource: 'image',
      name: service,
    });
    const failures: BerthError[] = [];
    const pushed = new Set<string>();
    await inPhase(sink, names.map(row), () =>
      Promise.all(
        names.map(async (name) => {
          const service = stack.services[name] as Service;
          const ref = service.image;
          if (service.build === undefined || ref === undefined || pushed.has(ref)) {
            sink.event({ ...row(name), status: 'skipped', text: 'Skipped' });
            return;
          }
          pushed.add(ref);
          sink.event({ ...row(name), status: 'working', text: 'Pushing' });
          try {
            await pushImage(client, ref, { env: ctx.env, signal: ctx.signal });
            sink.event({ ...row(name), status: 'done', text: 'Pushed' });
          } catch (e) {
            if (!(e instanceof BerthError)) throw e;
            if (opts.ignorePushFailures) {
              sink.event({ ...row(name), status: 'skipped', text: `Warning ${e.message}` });
              return;
            }
            sink.event({ ...row(name), status: 'failed', text: e.message });
            failures.push(e);
          }
        }),
      ),
    );
    const first = failures[0];
    if (first) {
      const more = failures.length > 1 ? `; ${failures.length - 1} more image(s) failed to push` : '';
      throw new BerthError(first.code, `${first.message}${more}`, { hint: first.hint, cause: first });
    }
  } finally {
    client.close();
  }
}
