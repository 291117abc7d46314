// /containers/{id}/exec and /exec/...: translate HTTP to the exec store and back; no logic of their own.
import type { Duplex } from 'node:stream';
import type { ExecStore } from '../../containers/exec-store.js';
import { checkExecCreate, checkExecStart } from '../request-validation.js';
import type { ApiRouter, Request } from '../server.js';
import { beginRawStream, errorBody, muxFrame, sendJson, statusOf } from '../server.js';

export function execRoutes(router: ApiRouter, execs: ExecStore): void {
  router.on('POST', '/containers/{id}/exec', async (req, res) => {
    const record = await execs.create(req.params.id as string, checkExecCreate(await req.json<unknown>()));
    sendJson(res, 201, { Id: record.id });
  });

  router.hijack('POST', '/exec/{id}/start', async (req, socket) => {
    socket.on('error', () => undefined); // a client that goes away mid-stream is not an error of ours
    try {
      await startExec(req, socket, execs);
    } catch (e) {
      // Also for plain (non-upgraded) requests, whose response object no longer owns the socket.
      const body = JSON.stringify(errorBody(e));
      socket.end(
        `HTTP/1.1 ${statusOf(e)} Error\r\nContent-Type: application/json\r\nConnection: close\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        () => socket.destroy(),
      );
    }
  });

  router.on('POST', '/exec/{id}/resize', (req, res) => {
    execs.get(req.params.id as string); // berthd's exec terminal has a fixed size; the call only has to succeed
    res.writeHead(200).end();
  });

  router.on('GET', '/exec/{id}/json', (req, res) => {
    const r = execs.get(req.params.id as string);
    const [entrypoint = '', ...args] = r.config.Cmd ?? [];
    sendJson(res, 200, {
      ID: r.id,
      Running: r.running,
      ExitCode: r.exitCode,
      ProcessConfig: {
        tty: r.config.Tty === true,
        entrypoint,
        arguments: args,
        privileged: r.config.Privileged === true,
        user: r.config.User ?? '',
      },
      OpenStdin: r.config.AttachStdin === true,
      OpenStdout: r.config.AttachStdout === true,
      OpenStderr: r.config.AttachStderr === true,
      CanRemove: false,
      ContainerID: r.containerId,
      DetachKeys: '',
      Pid: execs.pidOf(r),
    });
  });
}

/** The Docker CLI upgrades the connection for an attached exec and sends a plain request for `exec -d`. */
async function startExec(req: Request, socket: Duplex, execs: ExecStore): Promise<void> {
  const record = execs.get(req.params.id as string);
  const body = checkExecStart(await req.json<unknown>());
  if (body.Detach === true) {
    execs.start(record.id, { detach: true });
    socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n', () => socket.destroy());
    return;
  }
  const tty = record.config.Tty === true;
  const child = execs.start(record.id, { detach: false });
  const closed = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve()); // runc could not be spawned; the record holds exit code 126
  });
  beginRawStream(req, socket, tty);
  const forward = (stream: 1 | 2) => (chunk: Buffer) => {
    if (socket.writable) socket.write(tty ? chunk : muxFrame(stream, chunk));
  };
  child.stdout?.on('data', forward(1));
  child.stderr?.on('data', forward(2));
  child.stdin?.on('error', () => undefined); // the process may exit before it reads all its input
  if (record.config.AttachStdin === true) {
    socket.on('data', (chunk: Buffer) => child.stdin?.write(chunk));
    socket.on('end', () => child.stdin?.end());
  } else {
    socket.resume(); // unread input would keep the socket from seeing the client go
    // No input: EOF at once, as Docker gives; a terminal stays open until the process ends.
    if (!tty) child.stdin?.end();
  }
  await closed;
  // Once our output is out the connection is done: an upgraded socket is no longer the server's to close.
  socket.end(() => socket.destroy());
}
