// `berth ps`: the project's containers as `docker compose ps` shows them (NAME IMAGE COMMAND SERVICE CREATED STATUS
// PORTS), or as JSON lines with --format json.
import type { CliContext, ProjectOptions } from '../context.js';
import { LABEL } from '../../planner/labels.js';
import { openStack } from '../stack-session.js';
import { humanDuration } from '../human-duration.js';
import { renderTable } from '../table.js';
import { projectContainers } from '../../client/observe.js';
import { displayablePorts, sortByPrivatePort } from '../port-text.js';

export interface PsOptions {
  all?: boolean;
  format?: 'table' | 'json';
  services?: boolean;
  quiet?: boolean;
}

export async function psCommand(
  ctx: CliContext,
  global: ProjectOptions,
  services: string[],
  opts: PsOptions,
): Promise<void> {
  const session = await openStack(ctx, global, services);
  try {
    const rows = await projectContainers(session.client, session.stack.name, {
      services,
      running: opts.all !== true,
      oneoff: 'exclude',
    });
    if (opts.quiet) return ctx.stdout(rows.map((r) => `${r.id}\n`).join(''));
    if (opts.services) {
      return ctx.stdout([...new Set(rows.map((r) => r.labels[LABEL.service] ?? ''))].map((s) => `${s}\n`).join(''));
    }
    if (opts.format === 'json') {
      for (const r of rows) {
        ctx.stdout(
          `${JSON.stringify({
            ID: r.id,
            Name: r.name,
            Image: r.image,
            Command: r.command,
            Project: session.stack.name,
            Service: r.labels[LABEL.service] ?? '',
            Created: r.created,
            State: r.state,
            Status: r.status,
            Health: /\((healthy|unhealthy|health: starting)\)/.exec(r.status)?.[1]?.replace('health: ', '') ?? '',
            ExitCode: Number(/Exited \((\d+)\)/.exec(r.status)?.[1] ?? 0),
            Publishers: sortByPrivatePort(r.ports).map((p) => ({
              URL: p.ip ?? '',
              TargetPort: p.privatePort,
              PublishedPort: p.publicPort ?? 0,
              Protocol: p.type,
            })),
          })}\n`,
        );
      }
      return;
    }
    const table = [
      ['NAME', 'IMAGE', 'COMMAND', 'SERVICE', 'CREATED', 'STATUS', 'PORTS'],
      ...rows.map((r) => [
        r.name,
        r.image,
        JSON.stringify(r.command.length > 20 ? `${r.command.slice(0, 19)}…` : r.command),
        r.labels[LABEL.service] ?? '',
        ago(r.created),
        r.status,
        displayablePorts(r.ports),
      ]),
    ];
    ctx.stdout(renderTable(table));
  } finally {
    session.client.close();
  }
}

/** CREATED as `docker compose ps` words it: "About a minute ago". */
function ago(created: number): string {
  return createdAgo(created, Date.now());
}

/** `created` (seconds since the epoch) at `now` (ms): "About a minute ago", never "1 minutes ago". */
export function createdAgo(created: number, now: number): string {
  return `${humanDuration(Math.max(0, now - created * 1000))} ago`;
}
