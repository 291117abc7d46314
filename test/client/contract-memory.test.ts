// The EngineClient contract on the in-memory engine: a new engine for each test, on the wall clock so that
// `since` in the events test means the same as on a real engine.
import { memoryEngine } from '../../src/client/memory/memory-engine.js';
import { clientContract } from './contract.js';

clientContract('memory', async () => memoryEngine({ now: () => Date.now() }));
