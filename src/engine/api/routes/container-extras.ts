// /containers/{id}/pause, unpause, rename, top and stats: translate HTTP to the lifecycle, runc and stats.ts and
// back; no logic of their own.
import { EngineError } from '../../errors.js';
import type { ContainerRecord } from '../../containers/container-store.js';
import type { Lifecycle } from '../../containers/lifecycle.js';
import type { StatsSample } from '../../containers/stats.js';
import { dockerStatsJson, readHostCpu, topJson } from '../../containers/stats.js';
import type { ApiRouter } from '../server.js';
import { sendJson } from '../server.js';

const truthy = (v: string | null): boolean => v === '1' || v === 'true' || v === 'True';
const STATS_INTERVAL_MS = 1000;

export function containerExtraRoutes(router: ApiRouter, lifecycle: Lifecycle): void {
  const { store, runc } = lifecycle.deps;

  router.on('POST', '/containers/{id}/pause', async (req, res) => {
    await lifecycle.pause(req.params.id as string);
    res.writeHead(204).end();
  });

  router.on('POST', '/containers/{id}/unpause', async (req, res) => {
    await lifecycle.unpause(req.params.id as string);
    res.writeHead(204).end();
  });

  router.on('POST', '/containers/{id}/rename', async (req, res) => {
    await lifecycle.rename(req.params.id as string, req.query.get('name') ?? '');
    res.writeHead(204).end();
  });

  // ps_args is accepted and not applied: the columns are always Docker's default `ps -ef` ones.
  router.on('GET', '/containers/{id}/top', async (req, res) => {
    const c = running(store.get(req.params.id as string));
    sendJson(res, 200, topJson(await runc.ps(c.id)));
  });

  router.on('GET', '/containers/{id}/stats', async (req, res) => {
    const c = store.get(req.params.id as string);
    const stream = req.query.get('stream') === null || truthy(req.query.get('stream'));
    const oneShot = truthy(req.query.get('one-shot'));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    if (!c.state.Running) {
      res.end(`${JSON.stringify(dockerStatsJson(c))}\n`);
      return;
    }
    let closed = false;
    res.on('close', () => (closed = true));
    const take = async (): Promise<StatsSample | undefined> => {
      // The container may exit between samples; the stream then ends, as Docker's does.
      const sampled = await runc.stats(c.id).catch(() => undefined);
      return sampled && { read: new Date().toISOString(), runc: sampled, host: readHostCpu() };
    };
    const first = await take();
    if (!stream) {
      // Docker answers with its second sample, so precpu_stats can give a CPU percentage; one-shot skips the wait.
      if (first && !oneShot) await delay(STATS_INTERVAL_MS);
      const second = first && !oneShot ? await take() : undefined;
      res.end(`${JSON.stringify(dockerStatsJson(c, second ?? first, second ? first : undefined))}\n`);
      return;
    }
    let sample = first;
    let last: StatsSample | undefined;
    while (!closed && sample) {
      res.write(`${JSON.stringify(dockerStatsJson(c, sample, last))}\n`);
      last = sample;
      await delay(STATS_INTERVAL_MS);
      sample = closed ? undefined : await take();
    }
    res.end();
  });
}

function running(c: ContainerRecord): ContainerRecord {
  if (!c.state.Running) throw new EngineError('conflict', 'ENGINE_NOT_RUNNING', `Container ${c.id} is not running`);
  return c;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
