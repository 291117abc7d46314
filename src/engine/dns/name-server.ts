// berthd's name server for its networks: a UDP socket on port 53 of each network's gateway, answering the names
// of the network's containers from berthd's own records (names.ts says which) and passing other questions to the
// upstream resolvers. It replaces aardvark-dns: Debian's 1.4, which netavark signals to reload at each
// container's join and leave, failed a lookup at such a moment now and then ("Temporary failure in name
// resolution"; later releases keep their listeners over a reload). Here a change is a change to the records
// in memory, and the socket stays.
// Like dockerd's embedded DNS it lives in the daemon: while berthd is stopped, containers cannot resolve names.
// UDP only, as aardvark-dns 1.4; a forwarded answer too big for UDP comes back truncated.
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import * as packet from 'dns-packet';
import { parseResolvConf } from '../networks/etc-files.js';
import { answerName } from './names.js';
import type { NameView } from './names.js';

/** How long one upstream resolver gets before the next is asked (glibc gives up on us after 5 s). */
const UPSTREAM_TIMEOUT_MS = 2000;
/** The TTL of a container's records: short, since a recreated container comes back with another address. */
const TTL = 60;
const RCODE = { SERVFAIL: 2, REFUSED: 5 } as const;

export interface NameServerOptions {
  view: () => NameView;
  log: (line: string) => void;
  /** The host's resolv.conf (for the upstream resolvers of containers without Dns). */
  resolvConfPath?: string;
}

interface Listener {
  socket?: Socket;
  retry?: NodeJS.Timeout;
  closed: boolean;
}

export class NameServer {
  private readonly listeners = new Map<string, Listener>();

  constructor(private readonly opts: NameServerOptions) {}

  /**
   * Serves `gateway`:53 from now on (idempotent). The gateway must be an address of the host (its bridge exists);
   * while the port or address is not available, binding is tried again in the background until `close`.
   * Resolves once bound (true) or once the first try failed (false).
   */
  listen(gateway: string): Promise<boolean> {
    const known = this.listeners.get(gateway);
    if (known) return Promise.resolve(known.socket !== undefined);
    const l: Listener = { closed: false };
    this.listeners.set(gateway, l);
    return new Promise((resolve) => this.bind(gateway, l, 0, resolve));
  }

  /** Whether `gateway`:53 is bound now. */
  serving(gateway: string): boolean {
    return this.listeners.get(gateway)?.socket !== undefined;
  }

  /** Stops serving `gateway` (its network is gone); resolves once the port is let go. */
  async close(gateway: string): Promise<void> {
    const l = this.listeners.get(gateway);
    if (!l) return;
    this.listeners.delete(gateway);
    l.closed = true;
    clearTimeout(l.retry);
    const socket = l.socket;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.listeners.keys()].map((g) => this.close(g)));
  }

  private bind(gateway: string, l: Listener, attempt: number, first?: (bound: boolean) => void): void {
    const socket = createSocket({ type: 'udp4', reuseAddr: false });
    const failed = (e: NodeJS.ErrnoException): void => {
      socket.close();
      first?.(false);
      if (l.closed) return;
      if (attempt === 0) this.opts.log(`name server on ${gateway}:53 not bound yet (${e.code ?? e.message}); retrying`);
      l.retry = setTimeout(() => this.bind(gateway, l, attempt + 1), Math.min(1000, 50 * 2 ** attempt));
    };
    socket.once('error', failed);
    socket.bind({ address: gateway, port: 53, exclusive: true }, () => {
      socket.off('error', failed);
      if (l.closed) {
        socket.close();
        first?.(false);
        return;
      }
      l.socket = socket;
      first?.(true);
      if (attempt > 0) this.opts.log(`name server on ${gateway}:53 bound`);
      socket.on('error', (e) => this.opts.log(`name server on ${gateway}:53: ${e.message}`));
      socket.on('message', (msg, from) => {
        this.handle(socket, gateway, msg, from).catch((e: unknown) =>
          this.opts.log(`name server on ${gateway}:53: ${String(e)}`),
        );
      });
    });
  }

  private async handle(socket: Socket, gateway: string, msg: Buffer, from: RemoteInfo): Promise<void> {
    let query: packet.DecodedPacket;
    try {
      query = packet.decode(msg);
    } catch {
      return; // not DNS: no answer, as a resolver drops garbage
    }
    const question = query.questions?.[0];
    if (query.type !== 'query' || !question) return;
    const a = answerName(this.opts.view(), {
      gateway,
      source: from.address,
      name: question.name,
      type: question.type,
    });
    const reply = (p: Partial<packet.Packet>, flags = 0): void => {
      const rd = (query.flags ?? 0) & packet.RECURSION_DESIRED;
      const out = packet.encode({
        id: query.id,
        type: 'response',
        flags: rd | packet.RECURSION_AVAILABLE | flags,
        questions: query.questions,
        ...p,
      });
      socket.send(out, from.port, from.address);
    };
    if (a.kind === 'refuse') return reply({}, RCODE.REFUSED);
    if (a.kind === 'records') {
      const ips = shuffle(a.ips); // round robin across replicas, as dockerd
      return reply(
        { answers: ips.map((ip) => ({ type: 'A', name: question.name, ttl: TTL, class: 'IN', data: ip })) },
        packet.AUTHORITATIVE_ANSWER,
      );
    }
    if (a.kind === 'pointer') {
      return reply(
        { answers: [{ type: 'PTR', name: question.name, ttl: TTL, class: 'IN', data: a.name }] },
        packet.AUTHORITATIVE_ANSWER,
      );
    }
    const upstream = this.upstream(a.upstream);
    for (const server of upstream) {
      const answer = await forward(msg, query.id ?? 0, server);
      if (answer) {
        socket.send(answer, from.port, from.address);
        return;
      }
    }
    reply({}, RCODE.SERVFAIL);
  }

  /**
   * The resolvers to ask: the container's own (its loopback ones mean its own namespace, which berthd cannot reach
   * from the host's: left out), else the host's resolv.conf (loopback ones included: berthd runs in the host's
   * namespace, where they answer).
   */
  private upstream(own: readonly string[]): string[] {
    if (own.length > 0) return own.filter((s) => !/^(127\.|::1$)/.test(s));
    try {
      return parseResolvConf(readFileSync(this.opts.resolvConfPath ?? '/etc/resolv.conf', 'utf8')).nameservers;
    } catch {
      return [];
    }
  }
}

/** Sends `msg` to `server`:53 from a socket of its own; the reply with the same id, or undefined on timeout. */
function forward(msg: Buffer, id: number, server: string): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket(isIPv4(server) ? 'udp4' : 'udp6');
    const done = (b: Buffer | undefined): void => {
      clearTimeout(timer);
      socket.close();
      resolve(b);
    };
    const timer = setTimeout(() => done(undefined), UPSTREAM_TIMEOUT_MS);
    socket.on('error', () => done(undefined)); // refused (connected, so the ICMP error reaches us): the next
    socket.on('message', (m) => {
      if (m.length >= 2 && m.readUInt16BE(0) === id) done(m);
    });
    socket.connect(53, server, () => socket.send(msg));
  });
}

function shuffle<T>(xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
