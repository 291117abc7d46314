// A berthd of its own (data root, socket) with a busybox image and one project folder, for the CLI tests of
// exec, run, cp, wait and events; the CLI runs in-process, with captured text or with byte streams.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { promisify } from 'node:util';
import { RawEngineApi } from '../client/raw-engine-api.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { main } from '../../src/cli/main.js';
import { makeBusyboxSaveTar } from '../engine/fixtures/busybox-image.js';
import type { CliRun } from './run-cli.js';
import { runCli } from './run-cli.js';

const run = promisify(execFile);

export interface StackEngine {
  dir: string;
  project: string;
  image: string;
  env: Record<string, string>;
  client: RawEngineApi;
  /** berth -p PROJECT ARGS, text captured, no stdin streams. */
  berth(...args: string[]): Promise<CliRun>;
  /** The same with byte streams: `stdin` piped in, stdout kept as bytes. */
  berthBytes(args: string[], stdin?: Buffer, signal?: AbortSignal): Promise<{ code: number; out: Buffer; err: string }>;
  close(): Promise<void>;
}

export async function startStackEngine(name: string, yaml: string): Promise<StackEngine> {
  const dir = mkdtempSync(join(tmpdir(), `berth-${name}-`));
  const project = `berth-${name}-${process.pid}`;
  const image = `${project}/busybox:1`;
  const daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
  const client = new RawEngineApi(daemon.socket);
  writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
  // Asynchronous: berthd runs in this process, so a synchronous child would block it.
  await run('docker', ['load', '-i', join(dir, 'busybox.tar')], {
    env: { ...process.env, DOCKER_HOST: `unix://${daemon.socket}` },
  });
  const env = { BERTH_SOCKET: daemon.socket, BERTH_ROOT: daemon.root, IMAGE: image };
  const projectDir = join(dir, 'project');
  await run('mkdir', ['-p', projectDir]);
  writeFileSync(join(projectDir, 'compose.yaml'), yaml);
  const berth = (...args: string[]): Promise<CliRun> => runCli(['-p', project, ...args], { cwd: projectDir, env });
  const berthBytes: StackEngine['berthBytes'] = async (args, stdin, signal) => {
    const out: Buffer[] = [];
    let err = '';
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (c: Buffer) => out.push(c));
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await main(['-p', project, ...args], {
      cwd: projectDir,
      env: { HOME: '/root', ...env },
      stdout: (t) => stdout.write(t),
      stderr: (t) => stderr.write(t),
      readStdin: () => stdin?.toString('utf8') ?? '',
      signal,
      stdio: { stdin: Readable.from(stdin ? [stdin] : []), stdout, stderr },
    });
    return { code, out: Buffer.concat(out), err };
  };
  return {
    dir: projectDir,
    project,
    image,
    env,
    client,
    berth,
    berthBytes,
    close: async () => {
      await berth('down', '-v', '--remove-orphans', '-t', '0');
      // One-off containers of `run` too, whatever down does with them.
      const label = JSON.stringify({ label: [`com.docker.compose.project=${project}`] });
      const left = await client.call<Array<{ Id: string }>>('GET', '/containers/json', {
        query: { all: 1, filters: label },
      });
      for (const c of left) await client.call('DELETE', `/containers/${c.Id}`, { query: { force: 1, v: 1 } });
      client.close();
      await daemon.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The project's containers of one service, with their labels and state (all, one-off ones too). */
export async function serviceContainers(
  e: StackEngine,
  service: string,
): Promise<Array<{ Id: string; Names: string[]; State: string; Labels: Record<string, string> }>> {
  const label = JSON.stringify({
    label: [`com.docker.compose.project=${e.project}`, `com.docker.compose.service=${service}`],
  });
  return e.client.call('GET', '/containers/json', { query: { all: 1, filters: label } });
}
