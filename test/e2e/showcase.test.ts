// The flagship example in a real browser: examples/angular-laravel-mysql comes up with `berth up -d --wait` on a
// berthd of its own (making debian:bookworm-slim from the host's mirror, then building db, api and web), and
// Debian's chromium, driven by puppeteer-core, sees the seeded rows of MariaDB through Laravel; a row added in
// the page survives a reload and `down` + `up`, and `down -v` removes it. Then the edit loop of profile `dev`:
// under `berth watch`, an Angular edit shows in the page of `ng serve` without an image rebuild, and a Laravel edit
// answers on the next request. The example is copied to the test's folder first, so the edits never touch the
// repository. A cold run builds everything (about 5 to 10 minutes here). On failure the page is saved as a PNG
// under $TMPDIR/berth-showcase-screens/.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import puppeteer from 'puppeteer-core';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Berthd } from '../../src/engine/daemon/berthd.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { freePort } from '../cli/loopback.js';
import type { CliRun } from '../cli/run-cli.js';
import { runCli } from '../cli/run-cli.js';
import { until } from '../until.js';

const run = promisify(execFile);
const SOURCE = resolve(__dirname, '../../examples/angular-laravel-mysql');
const BIN = resolve(__dirname, '../../bin/berth.js');
const CHROMIUM = '/usr/bin/chromium';
const SCREENS = join(tmpdir(), 'berth-showcase-screens');
const SEEDED = ['Harbour crane', 'Mooring line', 'Pilot boat'];
const project = `showcase-e2e-${process.pid}`;

let dir: string;
/** The test's copy of the example, where berth runs and the edits are made. */
let EXAMPLE: string;
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
    // What berthd said of aardvark-dns (aardvark-health.ts restarts it when it does not answer), and who listens
    // on port 53 of the host's addresses.
    const said = readFileSync(join(daemon.root, 'berthd.log'), 'utf8')
      .split('\n')
      .filter((l) => /aardvark|netavark/.test(l));
    console.error(`berthd.log on aardvark-dns:\n${said.slice(-20).join('\n')}`);
    const ss = await run('ss', ['-ulpn']).catch((e: unknown) => ({ stdout: String(e) }));
    console.error(
      `port 53 listeners:\n${ss.stdout
        .split('\n')
        .filter((l) => l.includes(':53 '))
        .join('\n')}`,
    );
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-showcase-'));
  EXAMPLE = join(dir, 'example');
  cpSync(SOURCE, EXAMPLE, { recursive: true });
  daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
  const port = await freePort();
  url = `http://127.0.0.1:${port}/`;
  env = {
    BERTH_SOCKET: daemon.socket,
    BERTH_ROOT: daemon.root,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    WEB_PORT: String(port),
    WEB_DEV_PORT: String(await freePort()),
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
  const down = ['-p', project, '--profile', 'dev', 'down', '-v', '-t', '0'];
  if (env) await runCli(down, { cwd: EXAMPLE, env }).catch(() => undefined);
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

  it('profile dev: under watch, an Angular edit shows without an image rebuild, a Laravel edit on the next request', async () => {
    screenshotOnFailure('watch');
    const devUrl = `http://127.0.0.1:${env.WEB_DEV_PORT}/`;
    await berth('--profile', 'dev', 'up', '-d', '--wait', 'web-dev');
    const before = await containerFacts();
    // ng serve compiles once before it answers.
    await until('ng serve to answer', async () => seen((await fetchText(devUrl)).includes('<app-root')), 300_000);
    const watch = startWatch();
    try {
      await until('watch to start', async () => seen(watch.output.includes('watching')), 60_000);
      const component = join(EXAMPLE, 'web/src/app/app.component.ts');
      const edited = readFileSync(component, 'utf8').replace(
        '<h1>berth showcase: Angular, Laravel, MariaDB</h1>',
        '<h1>berth showcase, edited live</h1>',
      );
      writeFileSync(component, edited);
      const saved = Date.now();
      const heading = async (): Promise<true | undefined> => {
        await page.goto(devUrl, { waitUntil: 'networkidle0', timeout: 30_000 });
        return seen((await page.$eval('h1', (h) => h.textContent ?? '')).includes('edited live'));
      };
      await until('the Angular edit in the page', heading, 120_000);
      console.log(`Angular edit visible in the page ${Date.now() - saved} ms after the save`);
      // The page still reads the API through ng serve's proxy (the rows an earlier test added may be there too).
      expect((await itemNames()).slice(0, SEEDED.length)).toEqual(SEEDED);

      const routes = join(EXAMPLE, 'api/routes/api.php');
      writeFileSync(
        routes,
        `${readFileSync(routes, 'utf8')}\nRoute::get('/edited', function () {\n    return ['edited' => true];\n});\n`,
      );
      const answered = async (): Promise<true | undefined> =>
        seen((await fetchText(`${devUrl}api/edited`)).includes('"edited":true'));
      await until('the Laravel edit answering', answered, 60_000);
      // Nothing was rebuilt or recreated: the same containers, on the same images.
      expect(await containerFacts()).toEqual(before);
    } finally {
      watch.child.kill('SIGINT');
      await new Promise((r) => watch.child.once('exit', r));
    }
  }, 900_000);
});

/** Id and image (its ID, so that a rebuild under the same name shows) of web-dev's and api's containers. */
async function containerFacts(): Promise<string> {
  const r = await berth('--profile', 'dev', 'ps', '--format', 'json');
  const rows = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { ID: string; Service: string; Image: string })
    .filter((c) => c.Service === 'web-dev' || c.Service === 'api');
  const facts = await Promise.all(
    rows.map(async (c) => {
      const image = await run('docker', ['image', 'inspect', '-f', '{{.Id}}', c.Image], {
        env: { ...process.env, DOCKER_HOST: `unix://${daemon.socket}` },
      });
      return `${c.Service} ${c.ID} ${image.stdout.trim()}`;
    }),
  );
  return facts.sort().join('\n');
}

/** `berth --profile dev watch --no-up web-dev api` as a process of its own, its output collected. */
function startWatch(): { child: ChildProcess; output: string } {
  const child = spawn('node', [BIN, '-p', project, '--profile', 'dev', 'watch', '--no-up', 'web-dev', 'api'], {
    cwd: EXAMPLE,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const w = { child, output: '' };
  child.stdout?.on('data', (b: Buffer) => (w.output += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (w.output += b.toString()));
  return w;
}

async function fetchText(url: string): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return await res.text();
  } catch {
    return '';
  }
}

/** A condition as `until` takes it: true once it holds, undefined (keep asking) before. */
function seen(holds: boolean): true | undefined {
  return holds ? true : undefined;
}
