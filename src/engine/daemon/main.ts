// `berthd` as a process: options from the environment, clean stop on SIGTERM/SIGINT.
import { startBerthd } from './berthd.js';

export async function berthdMain(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const root = env.BERTH_ROOT ?? '/var/lib/berth';
  const socket = env.BERTH_SOCKET ?? '/run/berth/berth.sock';
  const daemon = await startBerthd({ root, socket, ...(env.BERTH_CONFIG ? { configDir: env.BERTH_CONFIG } : {}) });
  const stop = (): void => {
    void daemon.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
