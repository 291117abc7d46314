// Whether aardvark-dns answers a network's names, and a restart when it does not. aardvark-dns starts one listener
// per network gateway; when that address's port 53 is taken at that moment (another data root's aardvark-dns
// that has not yet let go of a gateway the host has since handed to this network), the listener fails and is
// never tried again, even on SIGHUP: every name on the network then fails with "Temporary failure in name
// resolution" until the process restarts. So after a container joins a network with names, berthd asks the
// gateway for the container's own name, and restarts this data root's aardvark-dns until it answers.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { AARDVARK } from './netavark.js';
import { stopAardvark } from './netavark-processes.js';

/** A DNS query (RFC 1035) for the A record of `name`, recursion desired, with transaction id `id`. */
export function dnsQuestion(name: string, id: number): Buffer {
  const header = Buffer.from([id >> 8, id & 255, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  const labels = name
    .split('.')
    .filter((l) => l !== '')
    .map((l) => Buffer.concat([Buffer.from([Buffer.byteLength(l)]), Buffer.from(l)]));
  return Buffer.concat([header, ...labels, Buffer.from([0, 0, 1, 0, 1])]);
}

/** Whether `reply` answers query `id` with no error and at least one record. */
export function answers(reply: Buffer, id: number): boolean {
  if (reply.length < 12 || reply.readUInt16BE(0) !== id) return false;
  const isResponse = (reply[2] as number) >> 7 === 1;
  const rcode = (reply[3] as number) & 15;
  return isResponse && rcode === 0 && reply.readUInt16BE(6) > 0;
}

/** Asks `server`:53 for `name`; true when it answers with a record within `timeoutMs`. */
export function resolvesAt(server: string, name: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const id = Math.floor(Math.random() * 65535);
    const socket = createSocket('udp4');
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('error', () => done(false)); // e.g. ECONNREFUSED: nothing listens
    socket.on('message', (m) => {
      if (answers(m, id)) done(true);
    });
    socket.send(dnsQuestion(name, id), 53, server);
  });
}

/**
 * Whether a UDP socket of the host listens on `ip`:53, from /proc/net/udp (addresses in the kernel's byte order,
 * which on the little-endian machines berthd runs on is the address reversed).
 */
export function listensOnDns(ip: string, procNetUdp = readProcNetUdp()): boolean {
  const hex = ip
    .split('.')
    .map((o) => Number(o).toString(16).padStart(2, '0'))
    .reverse()
    .join('')
    .toUpperCase();
  return procNetUdp.split('\n').some((line) => line.trim().split(/\s+/)[1] === `${hex}:0035`);
}

function readProcNetUdp(): string {
  try {
    return readFileSync('/proc/net/udp', 'utf8');
  } catch {
    return '';
  }
}

/**
 * Waits (at most `timeoutMs`) until nothing listens on `gateway`:53: aardvark-dns lets go of a network's address
 * a moment after netavark's SIGHUP, and the address must be free before the host may hand it to another network.
 */
export async function waitDnsReleased(gateway: string, timeoutMs = 1000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (listensOnDns(gateway)) {
    if (Date.now() > end) return false;
    await delay(20);
  }
  return true;
}

/** The pid in aardvark's pid file, or undefined. */
function aardvarkPid(configDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(configDir, 'aardvark-dns', 'aardvark.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a live process (a zombie, dead but not yet reaped, is not). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Stops this data root's aardvark-dns (if it runs) and starts a new one, as netavark does, on the same config. */
async function restartAardvark(configDir: string): Promise<void> {
  const old = stopAardvark(configDir);
  if (old !== undefined) {
    for (let i = 0; i < 50 && alive(old); i++) await delay(20);
  }
  const child = spawn(AARDVARK, ['--config', join(configDir, 'aardvark-dns'), '-p', '53', 'run'], {
    stdio: 'ignore',
    detached: true,
  });
  child.on('error', () => undefined); // a missing binary shows as names that still do not resolve
  child.unref();
  for (let i = 0; i < 50; i++) {
    const pid = aardvarkPid(configDir);
    if (pid !== undefined && pid !== old && alive(pid)) return;
    await delay(20);
  }
}

/** Asks `server` for `name` again and again (a just started aardvark-dns binds a moment later) for `ms`. */
async function askFor(server: string, name: string, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  do {
    if (await resolvesAt(server, name, 100)) return true;
  } while (Date.now() < until);
  return false;
}

/**
 * Makes sure `gateway` answers `name` (a name netavark has just given aardvark-dns): asks for up to a second, and
 * while there is no answer restarts aardvark-dns and asks again, for at most about `budgetMs`. Returns whether it
 * answers; the caller logs a failure (the container still starts, as it would on a network whose names fail
 * later).
 */
export async function ensureNamesAnswered(opts: {
  configDir: string;
  gateway: string;
  name: string;
  budgetMs?: number;
}): Promise<{ answered: boolean; restarts: number }> {
  const end = Date.now() + (opts.budgetMs ?? 5000);
  let restarts = 0;
  if (await askFor(opts.gateway, opts.name, 1000)) return { answered: true, restarts };
  while (Date.now() < end) {
    await restartAardvark(opts.configDir);
    restarts++;
    if (await askFor(opts.gateway, opts.name, 1000)) return { answered: true, restarts };
  }
  return { answered: false, restarts };
}
