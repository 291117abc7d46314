// `berth ps`: the project's containers as `docker compose ps` shows them (NAME IMAGE COMMAND SERVICE CREATED STATUS
// PORTS), or as JSON lines with --format json.
import type { CliContext, ProjectOptions } from '../context.js';
import { LABEL } from '../../planner/labels.js';
import { openSession } from '../stack-session.js';
import { humanDuration } from '../human-duration.js';
import { renderTable } from '../table.js';
import { filters } from '../../client/engine-client.js';
import { compareText } from '../../compare-text.js';
import type { ListPort } from '../port-text.js';
import { displayablePorts, sortByPrivatePort } from '../port-text.js';

interface Summary {
  Id: string;
  Names: string[];
  Image: string;
  Command: string;
  Created: number;
  State: string;
  Status: string;
  Labels: Record<string, string> | null;
  Ports: ListPort[] | null;
}

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
  const session = await openSession(ctx, global, services);
  try {
    const list = await session.client.call<Summary[]>('GET', '/containers/json', {
      query: { all: opts.all ? 1 : undefined, filters: filters({ label: [`${LABEL.project}=${session.stack.name}`] }) },
    });
    const rows = list
      .filter((s) => (s.Labels?.[LABEL.oneoff] ?? 'False') !== 'True')
      .filter((s) => services.length === 0 || services.includes(s.Labels?.[LABEL.service] ?? ''))
      .sort((a, b) => compareText(a.Names[0] ?? '', b.Names[0] ?? ''));
    if (opts.quiet) return ctx.stdout(rows.map((r) => `${r.Id}\n`).join(''));
    if (opts.services) {
      return ctx.stdout([...new Set(rows.map((r) => r.Labels?.[LABEL.service] ?? ''))].map((s) => `${s}\n`).join(''));
    }
    if (opts.format === 'json') {
      for (const r of rows) {
        ctx.stdout(
          `${JSON.stringify({
            ID: r.Id,
            Name: (r.Names[0] ?? '').replace(/^\//, ''),
            Image: r.Image,
            Command: r.Command,
            Project: session.stack.name,
            Service: r.Labels?.[LABEL.service] ?? '',
            Created: r.Created,
            State: r.State,
            Status: r.Status,
            Health: /\((healthy|unhealthy|health: starting)\)/.exec(r.Status)?.[1]?.replace('health: ', '') ?? '',
            ExitCode: Number(/Exited \((\d+)\)/.exec(r.Status)?.[1] ?? 0),
            Publishers: sortByPrivatePort(r.Ports ?? []).map((p) => ({
              URL: p.IP ?? '',
              TargetPort: p.PrivatePort,
              PublishedPort: p.PublicPort ?? 0,
              Protocol: p.Type,
            })),
          })}\n`,
        );
      }
      return;
    }
    const table = [
      ['NAME', 'IMAGE', 'COMMAND', 'SERVICE', 'CREATED', 'STATUS', 'PORTS'],
      ...rows.map((r) => [
        (r.Names[0] ?? '').replace(/^\//, ''),
        r.Image,
        JSON.stringify(r.Command.length > 20 ? `${r.Command.slice(0, 19)}…` : r.Command),
        r.Labels?.[LABEL.service] ?? '',
        ago(r.Created),
        r.Status,
        displayablePorts(r.Ports ?? []),
      ]),
    ];
    ctx.stdout(renderTable(table));
  } finally {
    session.client.close();
  }
}

/** CREATED as `docker compose ps` words it: "About a minute ago". */
function ago(created: number): string {
  return `${humanDuration(Math.max(0, Date.now() - created * 1000))} ago`;
}
