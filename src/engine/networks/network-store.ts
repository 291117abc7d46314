// Networks and the network state of running containers on disk, under <root>/networks: networks.json (every
// network, and those whose removal was answered but whose bridge and rules are still going: `removing`) and
// active/<container id>.json (what netavark set up for a running container, so that it can be torn
// down after a berthd restart). Every write is atomic (temp file, fsync, rename).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { EngineError } from '../errors.js';
import type { ActiveContainer, NetworkRecord } from './types.js';
import { compareText } from '../../compare-text.js';

export class NetworkStore {
  readonly dir: string;
  private readonly networks = new Map<string, NetworkRecord>();
  /** Removed as clients see it, their bridge and rules still being torn down (NetworkService.removeLocked). */
  private readonly removals = new Map<string, NetworkRecord>();
  private readonly active = new Map<string, ActiveContainer>();
  /** Counts the changes to networks and active states: what is derived from them is fresh while it holds. */
  generation = 0;

  private constructor(root: string) {
    this.dir = join(root, 'networks');
  }

  /** Reads networks.json and the active states; a missing file is an empty store. */
  static open(root: string): NetworkStore {
    const store = new NetworkStore(root);
    mkdirSync(join(store.dir, 'active'), { recursive: true, mode: 0o700 });
    mkdirSync(join(store.dir, 'netns'), { recursive: true, mode: 0o700 });
    mkdirSync(store.aardvarkDir, { recursive: true, mode: 0o700 });
    try {
      const list = JSON.parse(readFileSync(join(store.dir, 'networks.json'), 'utf8')) as NetworkRecord[];
      for (const n of list) (n.removing ? store.removals : store.networks).set(n.id, n);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    for (const f of readdirSync(join(store.dir, 'active'))) {
      if (!f.endsWith('.json')) continue;
      const a = JSON.parse(readFileSync(join(store.dir, 'active', f), 'utf8')) as ActiveContainer;
      store.active.set(a.containerId, a);
    }
    return store;
  }

  static newId(): string {
    return randomBytes(32).toString('hex');
  }

  netnsPath(containerId: string): string {
    return join(this.dir, 'netns', containerId);
  }

  /** The container ids that have a namespace file under the data root. */
  netnsFiles(): string[] {
    return readdirSync(join(this.dir, 'netns')).filter((f) => /^[0-9a-f]{64}$/.test(f));
  }

  get aardvarkDir(): string {
    return join(this.dir, 'aardvark');
  }

  all(): NetworkRecord[] {
    return [...this.networks.values()].sort((a, b) => compareText(a.created, b.created));
  }

  /** As Docker resolves a network reference: full id, then exact name, then a unique id prefix. */
  find(ref: string): NetworkRecord | undefined {
    const exact = this.networks.get(ref) ?? this.all().find((n) => n.name === ref);
    if (exact || !/^[0-9a-f]+$/.test(ref)) return exact;
    const matches = this.all().filter((n) => n.id.startsWith(ref));
    if (matches.length > 1) {
      throw new EngineError(
        'invalid',
        'ENGINE_AMBIGUOUS_NETWORK',
        `network ${ref} is ambiguous (${matches.length} matches found based on ID prefix)`,
      );
    }
    return matches[0];
  }

  get(ref: string): NetworkRecord {
    const n = this.find(ref);
    if (!n) throw new EngineError('not-found', 'ENGINE_NO_SUCH_NETWORK', `network ${ref} not found`);
    return n;
  }

  async save(n: NetworkRecord): Promise<void> {
    this.networks.set(n.id, n);
    this.generation++;
    await this.flush();
  }

  /** Takes `n` out of every lookup, keeping its record (flagged) until delete: write-ahead for its teardown. */
  async markRemoving(n: NetworkRecord): Promise<void> {
    this.networks.delete(n.id);
    this.removals.set(n.id, { ...n, removing: true });
    this.generation++;
    await this.flush();
  }

  /** The networks marked removing whose teardown has not ended (a crash or a failure may have cut it short). */
  removing(): NetworkRecord[] {
    return [...this.removals.values()];
  }

  /** Every record: the networks, then those marked removing (what they hold on the host is held until deleted). */
  records(): NetworkRecord[] {
    return [...this.all(), ...this.removing()];
  }

  async delete(id: string): Promise<void> {
    this.networks.delete(id);
    this.removals.delete(id);
    this.generation++;
    await this.flush();
  }

  activeOf(containerId: string): ActiveContainer | undefined {
    return this.active.get(containerId);
  }

  allActive(): ActiveContainer[] {
    return [...this.active.values()];
  }

  async saveActive(a: ActiveContainer): Promise<void> {
    await writeFileAtomic(join(this.dir, 'active', `${a.containerId}.json`), JSON.stringify(a));
    this.active.set(a.containerId, a);
    this.generation++;
  }

  deleteActive(containerId: string): void {
    this.active.delete(containerId);
    this.generation++;
    rmSync(join(this.dir, 'active', `${containerId}.json`), { force: true });
  }

  private async flush(): Promise<void> {
    await writeFileAtomic(join(this.dir, 'networks.json'), JSON.stringify(this.records(), null, 1));
  }
}
