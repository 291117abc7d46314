// `berth events [SERVICE...]`: the engine's container events for the project, as `docker compose events` shows
// them (one-off containers left out), until Ctrl-C or --until.
import { BerthError } from '../../errors.js';
import { LABEL } from '../../planner/labels.js';
import type { CliContext, ProjectOptions } from '../context.js';
import { eventTimestamp, renderEventJson, renderEventText } from '../render-event.js';
import { openSession } from '../stack-session.js';

export interface EventsOptions {
  json?: boolean;
  since?: string;
  until?: string;
}

export async function eventsCommand(
  ctx: CliContext,
  global: ProjectOptions,
  services: string[],
  opts: EventsOptions,
): Promise<void> {
  const [since, until] = [opts.since, opts.until].map((v, i) => {
    if (v === undefined) return undefined;
    const t = eventTimestamp(v, Date.now());
    if (t === undefined) {
      throw new BerthError('CLI_BAD_TIME', `${i === 0 ? '--since' : '--until'} ${v}: not a time`, {
        hint: 'a Unix time, an RFC 3339 date or a duration such as 10m',
      });
    }
    return t;
  });
  const session = await openSession(ctx, global, services);
  const project = session.stack.name;
  try {
    if (ctx.signal?.aborted) return;
    // Without a signal of the caller's the stream runs until --until: the engine ends it then.
    const signal = ctx.signal ?? new AbortController().signal;
    for await (const e of session.client.events({ since, until, labels: [`${LABEL.project}=${project}`] }, signal)) {
      if (e.type !== 'container' || e.attributes[LABEL.oneoff] === 'True') continue;
      if (services.length > 0 && !services.includes(e.attributes[LABEL.service] ?? '')) continue;
      // Go prints local time; the offset is taken per event, so a change of daylight saving time shows.
      const offset = -new Date(Number(e.timeNano / 1_000_000n)).getTimezoneOffset();
      ctx.stdout(opts.json ? renderEventJson(e, offset) : renderEventText(e, offset));
    }
  } catch (e) {
    if (!ctx.signal?.aborted) throw e;
  } finally {
    session.client.close();
  }
}
