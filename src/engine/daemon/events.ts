// berthd's event stream, in the shape of Docker's /events messages. Kept in memory (the last 1,000) so that
// `since` works for recent events; subscribers get new ones as they happen.

/** One Docker event: `Type` container|image|network|volume, `Action` create|start|die|destroy|... */
export interface EngineEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number; // seconds
  timeNano: number;
  // Fields older clients read.
  status?: string;
  id?: string;
  from?: string;
}

type Listener = (e: EngineEvent) => void;

export class EventBus {
  private readonly recent: EngineEvent[] = [];
  private readonly listeners = new Set<Listener>();

  emit(type: string, action: string, id: string, attributes: Record<string, string> = {}): EngineEvent {
    const nowNs = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
    const event: EngineEvent = {
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Number(nowNs / 1_000_000_000n),
      timeNano: Number(nowNs),
    };
    if (type === 'container' || type === 'image') {
      event.status = action;
      event.id = id;
      if (attributes.image) event.from = attributes.image;
    }
    this.recent.push(event);
    if (this.recent.length > 1000) this.recent.shift();
    for (const l of this.listeners) l(event);
    return event;
  }

  since(timeNano: number): EngineEvent[] {
    return this.recent.filter((e) => e.timeNano >= timeNano);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * Docker's `filters` query parameter: a JSON object of arrays (`{"label":["a=b"]}`) or, from old clients, of maps
 * (`{"label":{"a=b":true}}`). Returns name -> values.
 */
export function parseFilters(raw: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!raw) return out;
  const parsed = JSON.parse(raw) as Record<string, string[] | Record<string, boolean>>;
  for (const [k, v] of Object.entries(parsed)) out.set(k, Array.isArray(v) ? v : Object.keys(v).filter((x) => v[x]));
  return out;
}

/** Whether `labels` satisfies every `label` filter value ("key" or "key=value"). */
export function matchesLabels(labels: Record<string, string>, wanted: readonly string[]): boolean {
  return wanted.every((w) => {
    const i = w.indexOf('=');
    return i < 0 ? w in labels : labels[w.slice(0, i)] === w.slice(i + 1);
  });
}

export function eventMatches(e: EngineEvent, filters: Map<string, string[]>): boolean {
  for (const [name, values] of filters) {
    if (values.length === 0) continue;
    const ok =
      name === 'type'
        ? values.includes(e.Type)
        : name === 'event'
          ? values.includes(e.Action)
          : name === 'container' || name === 'image'
            ? e.Type === name && (values.includes(e.Actor.ID) || values.includes(e.Actor.Attributes.name ?? ''))
            : name === 'label'
              ? matchesLabels(e.Actor.Attributes, values)
              : true;
    if (!ok) return false;
  }
  return true;
}
