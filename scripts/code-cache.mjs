// Writes dist/berth.cache, V8's code cache for dist/berth.cjs, after loading the bundle and running commands on
// examples/hello in this process, so the functions a stack command needs are compiled in it (V8 caches what has been
// compiled; a function that is not in it is compiled on every run that calls it). `config` and `--help` run as they
// are; `ps`, `up -d` and `build` run against a stand-in engine on a temporary socket that answers with an empty
// engine and refuses every change, so their modules, the engine client, the planner and the stack cache (twice: a
// miss, then a hit) are compiled too. Their failures are expected and not shown.
// A cache from another Node version is rejected by V8 and berth still runs, compiling as usual.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundle } from '../bin/load-bundle.js';

const dist = new URL('../dist/', import.meta.url).pathname;
const { exports, script } = loadBundle(`${dist}berth.cjs`, { cache: false });
const hello = new URL('../examples/hello', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'berth-code-cache-'));
const socket = join(tmp, 'engine.sock');
const engine = createServer((req, res) => {
  const path = (req.url ?? '').replace(/^\/v[\d.]+/, '').split('?')[0];
  const answer = (status, body) =>
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  req.resume();
  if (req.method !== 'GET') answer(500, { message: 'the code cache run changes nothing' });
  else if (path === '/version') answer(200, { Version: '0.0.0', ApiVersion: '1.41', Os: 'linux', Arch: 'amd64' });
  else if (path === '/containers/json' || path === '/networks' || path === '/images/json') answer(200, []);
  else if (path === '/volumes') answer(200, { Volumes: [], Warnings: [] });
  else answer(404, { message: `no such object: ${path}` });
});
await new Promise((resolve) => engine.listen(socket, resolve));
const silent = {
  cwd: process.cwd(),
  env: { XDG_CACHE_HOME: join(tmp, 'cache') },
  stdout: () => undefined,
  stderr: () => undefined,
  readStdin: () => '',
};
const stack = ['--project-directory', hello, '-f', `${hello}/compose.yaml`];
try {
  await exports.main([...stack, 'config', '-q'], silent);
  await exports.main(['--help'], silent);
  for (const command of [['ps'], ['ps'], ['up', '-d'], ['build', 'web']])
    await exports.main(['-H', `unix://${socket}`, ...stack, ...command], silent);
} finally {
  engine.close();
  rmSync(tmp, { recursive: true, force: true });
}
writeFileSync(`${dist}berth.cache.tmp`, script.createCachedData());
renameSync(`${dist}berth.cache.tmp`, `${dist}berth.cache`);
