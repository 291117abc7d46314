// The contract every EngineClient must pass (src/client/types.ts states it): one set of behaviour tests, run
// against berthd, Debian's dockerd and the in-memory engine (contract-*.test.ts), so that all three are held to
// the same behaviour, as containerd holds each of its stores to one suite. A difference between berthd and
// dockerd found here is fixed in berthd; where dockerd is the odd one out on purpose, the test says why.
import { describe } from 'vitest';
import { buildContract } from './contract-builds.js';
import { containerContract } from './contract-containers.js';
import { resourceContract } from './contract-resources.js';
import { stateContract } from './contract-states.js';
import { streamContract } from './contract-streams.js';
import type { Connect, ContractOptions } from './contract-session.js';

export type { Connect, ContractOptions } from './contract-session.js';

/** Registers the contract's tests for the engine `connect` gives a new client of. */
export function clientContract(name: string, connect: Connect, opts: ContractOptions = {}): void {
  describe(`engine client contract: ${name}`, () => {
    containerContract(connect);
    stateContract(connect, opts);
    resourceContract(connect);
    streamContract(connect, opts);
    buildContract(connect);
  });
}
