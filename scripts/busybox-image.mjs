#!/usr/bin/env node
// Makes a `busybox` image on an engine without any registry: a one-layer root filesystem of Debian's static
// busybox with every applet linked in /bin, imported through the Engine API (POST /images/create?fromSrc=-).
//   node scripts/busybox-image.mjs [REF]     REF defaults to busybox:latest; the engine is DOCKER_HOST (unix://)
//                                            or berthd's socket (BERTH_SOCKET, default /run/berth/berth.sock)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import tar from 'tar-stream';

const ref = process.argv[2] ?? 'busybox:latest';
const host = process.env.DOCKER_HOST;
const socketPath = host?.startsWith('unix://')
  ? host.slice('unix://'.length)
  : (process.env.BERTH_SOCKET ?? '/run/berth/berth.sock');
const busybox = readFileSync('/bin/busybox');
const applets = execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);

const pack = tar.pack();
const mtime = new Date(0);
for (const dir of ['bin', 'etc', 'tmp', 'root', 'var', 'srv']) {
  pack.entry({ name: `${dir}/`, type: 'directory', mode: dir === 'tmp' ? 0o1777 : 0o755, mtime });
}
pack.entry({ name: 'bin/busybox', mode: 0o755, mtime }, busybox);
for (const a of applets.filter((x) => x !== 'busybox')) {
  pack.entry({ name: `bin/${a}`, type: 'symlink', linkname: 'busybox', mtime });
}
pack.entry(
  { name: 'etc/passwd', mode: 0o644, mtime },
  'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n',
);
pack.entry({ name: 'etc/group', mode: 0o644, mtime }, 'root:x:0:\nnogroup:x:65534:\n');
pack.finalize();

const [repo, tag] =
  ref.lastIndexOf(':') > ref.lastIndexOf('/')
    ? [ref.slice(0, ref.lastIndexOf(':')), ref.slice(ref.lastIndexOf(':') + 1)]
    : [ref, 'latest'];
const changes = encodeURIComponent('CMD ["sh"]');
const path = `/v1.41/images/create?fromSrc=-&repo=${encodeURIComponent(repo)}&tag=${encodeURIComponent(tag)}&changes=${changes}`;
const req = request({ socketPath, method: 'POST', path, headers: { 'Content-Type': 'application/x-tar' } }, (res) => {
  let body = '';
  res.on('data', (c) => (body += c));
  res.on('end', () => {
    if ((res.statusCode ?? 500) >= 300 || body.includes('"error"')) {
      console.error(`importing ${ref} failed: ${body.trim()}`);
      process.exit(1);
    }
    console.log(`${ref} imported (${applets.length} applets)`);
  });
});
req.on('error', (e) => {
  console.error(`cannot reach the engine at ${socketPath}: ${e.message}`);
  process.exit(1);
});
pack.pipe(req);
