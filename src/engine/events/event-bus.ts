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
