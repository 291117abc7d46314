// berthd's networking at start: the network store under the data root (with Docker's predefined networks), the
// container seam on top, and the host's isolation table brought in line.
import type { ContainerStore } from '../containers/container-store.js';
import { EngineError } from '../errors.js';
import { ContainerNetworking } from './container-networking.js';
import { NetworkService } from './network-service.js';

/**
 * Opens the network store under `root` (adding the predefined networks to a new one) and the seam on top, and brings
 * the host's isolation table in line (a crash may have left bridges in it that are gone).
 */
export async function openNetworking(opts: {
  root: string;
  containers: ContainerStore;
  events: NetworkService['events'];
  log: (line: string) => void;
}): Promise<ContainerNetworking> {
  const service = new NetworkService({ root: opts.root, events: opts.events, log: opts.log });
  await service.ensurePredefined();
  await service.finishRemovals(); // removals whose teardown a crash cut short
  // Without a working nft, containers without networks still run; creating a bridge then fails with the hint.
  await service.sweepIsolation().catch((e: unknown) => {
    if (!(e instanceof EngineError)) throw e;
    opts.log(`network isolation not swept at start: ${e.message}`);
  });
  return new ContainerNetworking({ service, containers: opts.containers, log: opts.log });
}
