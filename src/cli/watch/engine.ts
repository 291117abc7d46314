// The part of the engine interface (src/client/types.ts) that watching uses, and nothing more: so that the
// watcher runs on any EngineClient, and an adapter to it stays small.
import type { EngineClient } from '../../client/types.js';

/** Listing a service's containers, writing files into them, restarting them and running commands in them. */
export interface WatchEngine {
  containers: Pick<EngineClient['containers'], 'list' | 'putArchive' | 'restart'>;
  exec: Pick<EngineClient['exec'], 'create' | 'start' | 'inspect'>;
}
