// Blobs a pull has fetched (or is fetching) but no image references yet. The image store deletes unreferenced
// blobs at start and after each operation; these it keeps, so that a pull cut short (an error, a kill -9) does not
// download them again. Entries live in `<root>/images/pulled-blobs.json` and expire after a day.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Digest } from '../content/digest.js';
import { writeFileAtomicSync } from '../fs/atomic-write.js';

const MAX_AGE_MS = 24 * 3600 * 1000;

export class PullKeep {
  readonly #file: string;
  readonly #entries: Map<string, number>;

  constructor(imagesDir: string, now = Date.now()) {
    this.#file = join(imagesDir, 'pulled-blobs.json');
    let data: Record<string, number> = {};
    try {
      if (existsSync(this.#file)) data = JSON.parse(readFileSync(this.#file, 'utf8')) as Record<string, number>;
    } catch {
      data = {}; // a torn file only costs downloads, never data
    }
    this.#entries = new Map(Object.entries(data).filter(([, at]) => now - at < MAX_AGE_MS));
  }

  has(digest: string): boolean {
    return this.#entries.has(digest);
  }

  /** Records `digest` before its download starts, so that no cleanup running meanwhile deletes it. */
  add(digest: Digest): void {
    if (this.#entries.has(digest)) return;
    this.#entries.set(digest, Date.now());
    this.#write();
  }

  /** Drops entries once an image references the blobs. */
  forget(digests: readonly string[]): void {
    let changed = false;
    for (const d of digests) changed = this.#entries.delete(d) || changed;
    if (changed) this.#write();
  }

  #write(): void {
    writeFileAtomicSync(this.#file, `${JSON.stringify(Object.fromEntries(this.#entries))}\n`);
  }
}
