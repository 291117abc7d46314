// A WatchEngine over today's HTTP client class (src/client/engine-client.ts), until the CLI is moved onto the
// EngineClient interface (branch client-docker); then this file goes and the session's client is used as is.
import type { EngineClient as HttpClient } from '../../client/engine-client.js';
import { filters } from '../../client/engine-client.js';
import { putContainerArchive } from '../../client/archive.js';
import { hijack } from '../../client/hijack.js';
import type { ContainerSummary } from '../../client/types.js';
import type { WatchEngine } from './engine.js';

interface ApiContainer {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Command: string;
  Created: number;
  State: string;
  Status: string;
  Labels: Record<string, string> | null;
}

export function legacyWatchEngine(client: HttpClient): WatchEngine {
  return {
    containers: {
      list: async (filter = {}) => {
        const f: Record<string, string[]> = {};
        if (filter.labels) f.label = [...filter.labels];
        if (filter.names) f.name = [...filter.names];
        if (filter.status) f.status = [...filter.status];
        const found = await client.call<ApiContainer[]>('GET', '/containers/json', {
          query: { all: filter.all ? 1 : undefined, filters: filters(f) },
        });
        return found.map((c): ContainerSummary => ({
          id: c.Id,
          name: (c.Names[0] ?? '').replace(/^\//, ''),
          image: c.Image,
          imageId: c.ImageID,
          command: c.Command,
          created: c.Created,
          state: c.State,
          status: c.Status,
          labels: c.Labels ?? {},
          ports: [],
          networks: [],
        }));
      },
      putArchive: (ref, path, tar, opts) =>
        putContainerArchive(client, ref, { path, body: tar, copyUIDGID: opts?.copyUIDGID }),
      restart: async (ref, opts) => {
        await client.call('POST', `/containers/${ref}/restart`, { query: { t: opts?.timeoutSeconds } });
      },
    },
    exec: {
      create: async (container, req) => {
        const r = await client.call<{ Id: string }>('POST', `/containers/${container}/exec`, {
          body: {
            Cmd: req.cmd,
            Env: req.env,
            User: req.user,
            WorkingDir: req.workingDir,
            Privileged: req.privileged === true,
            Tty: req.tty === true,
            AttachStdout: req.attachStdout === true,
            AttachStderr: req.attachStderr === true,
          },
        });
        return { id: r.Id };
      },
      start: async (id, opts) => {
        if (opts.detach) {
          await client.call('POST', `/exec/${id}/start`, { body: { Detach: true, Tty: opts.tty } });
          const { Readable } = await import('node:stream');
          return { output: Readable.from([]), close: () => undefined };
        }
        const s = await hijack(client, `/exec/${id}/start`, { body: { Detach: false, Tty: opts.tty } });
        return { output: s.output, close: s.close };
      },
      inspect: async (id) => {
        const r = await client.call<{
          ID: string;
          Running: boolean;
          ExitCode: number | null;
          Pid: number;
          ContainerID: string;
        }>('GET', `/exec/${id}/json`);
        return {
          id: r.ID,
          running: r.Running,
          exitCode: r.ExitCode ?? undefined,
          pid: r.Pid,
          containerId: r.ContainerID,
        };
      },
    },
  };
}
