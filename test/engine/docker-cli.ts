// The real docker CLI pointed at a test's engine socket. Never throws: a failed command comes back with its exit
// code and stderr, which is what the tests assert on.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface DockerResult {
  stdout: string;
  stderr: string;
  code: number;
}

export async function runDocker(socket: string, args: string[], timeoutMs = 30_000): Promise<DockerResult> {
  try {
    const r = await run('docker', args, {
      env: { ...process.env, DOCKER_HOST: `unix://${socket}` },
      timeout: timeoutMs,
    });
    return { ...r, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    return { stdout: err.stdout ?? '', stderr: err.stderr ?? '', code: typeof err.code === 'number' ? err.code : 1 };
  }
}
