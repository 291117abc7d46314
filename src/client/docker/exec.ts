// Exec over the Docker Engine API: /containers/{id}/exec, /exec/{id}/start (hijacked unless detached),
// /exec/{id}/json and /exec/{id}/resize.
import type { EngineClient } from '../types.js';
import { toExecDetails } from './shapes.js';
import type { DockerTransport } from './transport.js';

export function dockerExec(t: DockerTransport): EngineClient['exec'] {
  return {
    async create(container, req) {
      const created = await t.json<{ Id: string }>('POST', `/containers/${encodeURIComponent(container)}/exec`, {
        body: {
          Cmd: req.cmd,
          Env: req.env,
          User: req.user,
          WorkingDir: req.workingDir,
          Privileged: req.privileged,
          Tty: req.tty,
          AttachStdin: req.attachStdin,
          AttachStdout: req.attachStdout,
          AttachStderr: req.attachStderr,
          DetachKeys: req.detachKeys,
        },
      });
      return { id: created.Id };
    },
    async start(id, opts) {
      const body = { Detach: opts.detach === true, Tty: opts.tty };
      if (!opts.detach) return t.hijack(`/exec/${encodeURIComponent(id)}/start`, { body });
      const res = await t.ok('POST', `/exec/${encodeURIComponent(id)}/start`, { body });
      res.resume();
      return { output: res, close: () => res.destroy() };
    },
    inspect: async (id) => toExecDetails(await t.json('GET', `/exec/${encodeURIComponent(id)}/json`)),
    resize: (id, size) =>
      t.empty('POST', `/exec/${encodeURIComponent(id)}/resize`, { query: { h: size.rows, w: size.columns } }),
  };
}
