// What the engine has of each image, for the pull decisions: present or not, and when it was last tagged (dockerd's
// Metadata.LastTagTime, set by a pull or a tag: what Compose's daily/weekly/every_ policies compare with).
import type { EngineClient } from '../client/types.js';
import type { ImageFacts } from '../planner/plan-pulls.js';

/** `ids`, when given, gets the ID of each image found, so that resolving them again needs no second request. */
export async function imageFacts(
  client: EngineClient,
  refs: readonly string[],
  ids?: Map<string, string>,
): Promise<Record<string, ImageFacts>> {
  const out: Record<string, ImageFacts> = {};
  await Promise.all(
    [...new Set(refs)].map(async (ref) => {
      const found = await client.images.inspect(ref);
      if (!found) return void (out[ref] = { present: false });
      ids?.set(ref, found.id);
      const t = Date.parse(found.lastTagTime ?? '');
      // dockerd reports "0001-01-01T00:00:00Z" for an image never tagged since it was loaded: unknown.
      out[ref] = { present: true, lastTagTime: Number.isFinite(t) && t > 0 ? t : undefined };
    }),
  );
  return out;
}
