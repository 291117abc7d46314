// ChainIDs as the OCI image spec defines them (config.md, "Layer ChainID"): they name a layer together with
// everything under it, so the same diff on two different bases is two layers.
import { type Digest, parseDigest, sha256Of } from '../content/digest.js';

/** ChainID(L0) = DiffID(L0); ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)). */
export function chainIdOf(parent: string | undefined, diffId: string): Digest {
  const diff = parseDigest(diffId, 'diffID');
  return parent === undefined ? diff : sha256Of(`${parseDigest(parent, 'chainID')} ${diff}`);
}

/** The ChainIDs of a stack of layers, lowest first. */
export function chainIdsOf(diffIds: readonly string[]): Digest[] {
  const out: Digest[] = [];
  for (const diffId of diffIds) out.push(chainIdOf(out.at(-1), diffId));
  return out;
}
