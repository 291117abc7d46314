// `berthd` as a process: options from the environment, clean stop on SIGTERM/SIGINT.
import { isBerthError } from '../../errors.js';
import { startBerthd } from './berthd.js';

export async function berthdMain(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const root = env.BERTH_ROOT ?? '/var/lib/berth';
  const socket = env.BERTH_SOCKET ?? '/run/berth/berth.sock';
  const daemon = await startBerthd({
    root,
    socket,
    seccompProfile: env.BERTH_SECCOMP_PROFILE || undefined,
    ...(env.BERTH_CONFIG ? { configDir: env.BERTH_CONFIG } : {}),
  }).catch((e: unknown) => {
    // A refusal at start (an unsafe socket folder) is the user's to fix: its message and hint, not a stack.
    if (!isBerthError(e)) throw e;
    process.stderr.write(`berthd: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}\n`);
    process.exit(1);
  });
  const stop = (): void => {
    void daemon.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
