// The flagship example in a real browser: examples/angular-laravel-mysql comes up with `berth up -d --wait` on a
// berthd of its own (making debian:bookworm-slim from the host's mirror, then building db, api and web), and
// Debian's chromium, driven by puppeteer-core, sees the seeded rows of MariaDB through Laravel; a row added in
// the page survives a reload and `down` + `up`, and `down -v` removes it. A cold run builds everything
// (about 10 minutes here). On failure the page is saved as a PNG under $TMPDIR/berth-showcase-screens/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer from 'puppeteer-core';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Berthd } from '../../src/engine/daemon/berthd.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { freePort } from '../cli/loopback.js';
import type { CliRun } from '../cli/run-cli.js';
import { runCli } from '../cli/run-cli.js';

const EXAMPLE = resolve(__dirname, '../../examples/angular-laravel-mysql');
const CHROMIUM = '/usr/bin/chromium';
const SCREENS = join(tmpdir(), 'berth-showcase-screens');
const SEEDED = ['Harbour crane', 'Mooring line', 'Pilot boat'];
const project = `showcase-e2e-${process.pid}`;

let dir: string;
let daemon: Berthd;
let browser: Browser;
let page: Page;
let url: string;
let env: Record<string, string>;

async function berth(...args: string[]): Promise<CliRun> {
  const r = await runCli(['-p', project, ...args], { cwd: EXAMPLE, env });
  if (r.code !== 0) throw new Error(`berth ${args.join(' ')} failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r;
}

async function itemNames(): Promise<string[]> {
  await page.waitForSelector('[data-test=items]', { timeout: 30_000 });
  return page.$$eval('[data-test=item]', (els) =>
    els.map((e) => ((e as { textContent?: string | null }).textContent ?? '').trim()),
  );
}

async function openPage(): Promise<void> {
  await page.goto(url, { waitUntil: 'networkidle0', timeout: 60_000 });
}

function screenshotOnFailure(name: string): void {
  onTestFailed(async () => {
    mkdirSync(SCREENS, { recursive: true });
    const path = join(SCREENS, `${project}-${name}.png`);
    await page?.screenshot({ path }).catch(() => undefined);
    console.error(`screenshot of the failed page: ${path}`);
    // Laravel reports exceptions to stderr: the API's log says why a request failed.
    const logs = await runCli(['-p', project, 'logs', '--tail', '60', 'api'], { cwd: EXAMPLE, env });
    console.error(`berth logs api:\n${logs.stdout}${logs.stderr}`);
    // What the API's resolver is given, and whether it answers (a failed lookup of db was seen once).
    const dns = await runCli(['-p', project, 'exec', 'api', 'sh', '-c', 'cat /etc/resolv.conf; getent hosts db'], {
      cwd: EXAMPLE,
      env,
    });
    console.error(`resolv.conf and db in api (exit ${dns.code}):\n${dns.stdout}${dns.stderr}`);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-showcase-'));
  daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
  const port = await freePort();
  url = `http://127.0.0.1:${port}/`;
  env = {
    BERTH_SOCKET: daemon.socket,
    BERTH_ROOT: daemon.root,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    WEB_PORT: String(port),
  };
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  page = await browser.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (env) await runCli(['-p', project, 'down', '-v', '-t', '0'], { cwd: EXAMPLE, env }).catch(() => undefined);
  await daemon?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('examples/angular-laravel-mysql in chromium', () => {
  it('comes up with one command, making its Debian base, and lists the seeded rows', async () => {
    screenshotOnFailure('seeded');
    const up = await berth('up', '-d', '--wait');
    expect(up.stderr).toContain('debian:bookworm-slim is not on the engine and no registry answered');
    await openPage();
    expect(await itemNames()).toEqual(SEEDED);
  }, 1_800_000);

  it('adds a row through the form, and a reload shows it', async () => {
    screenshotOnFailure('add');
    await page.type('[data-test=name]', 'Tug boat');
    await page.click('[data-test=add]');
    await page.waitForFunction('document.querySelectorAll("[data-test=item]").length === 4', { timeout: 30_000 });
    await openPage();
    expect(await itemNames()).toEqual([...SEEDED, 'Tug boat']);
  }, 120_000);

  it('keeps the row over down and up (the volume), and loses it with down -v', async () => {
    screenshotOnFailure('volume');
    await berth('down');
    await berth('up', '-d', '--wait');
    await openPage();
    expect(await itemNames()).toEqual([...SEEDED, 'Tug boat']);
    await berth('down', '-v');
    await berth('up', '-d', '--wait');
    await openPage();
    expect(await itemNames()).toEqual(SEEDED);
  }, 600_000);
});
