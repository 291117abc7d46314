#!/usr/bin/env bash
# Sets up a fresh Debian bookworm machine for berth (as root), builds it, and runs the main job.
#   ./setup.sh           install, build, then run the main job: the showcase, examples/angular-laravel-mysql
#   ./setup.sh --no-run  install and build only (CI)
set -euo pipefail
cd "$(dirname "$0")"

# System packages berth needs: the OCI runtime and its monitor for the built-in engine, an init for `init: true`,
# a static busybox from which the tests make their images (no registry is needed), and attr (setfattr) for the
# opaque-directory xattrs of overlay layers, and Podman's network stack (netavark; aardvark-dns only for tearing
# down endpoints an older berthd made, since berthd now answers names itself) for berthd's networks: bridges, NAT
# and published ports; and Debian's Docker (docker.io), the real dockerd that
# the tests also run berth against and that the benchmarks measure berth's engine against (started only by them,
# each on its own data root and socket) and docker-compose 1.29, the peer bench/up.ts times berth against; nftables, whose table of berthd's own isolates networks from each other
# whatever else is in the firewall; Podman's containers-common, whose seccomp profile a test checks berthd can read
# as an alternative default (berthd's own default is Docker's, in profiles/seccomp/); Debian's docker-registry
# (distribution 2.8), skopeo and apache2-utils (htpasswd), with which the registry tests run a real registry on
# 127.0.0.1 (with a password and with TLS certificates of the tests' own: openssl) and write OCI images; zstd for
# zstd-compressed layers; mmdebstrap, with which `berth image bootstrap` makes Debian
# base images from the host's mirror where no registry answers; and chromium with a font, in which the showcase's
# end-to-end test checks its page.
APT_PACKAGES=(runc conmon catatonit busybox-static attr netavark aardvark-dns docker.io docker-compose nftables
  golang-github-containers-common docker-registry skopeo apache2-utils zstd openssl mmdebstrap chromium fonts-dejavu-core)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

need_node='20.19.0'
if ! command -v node >/dev/null || ! node -e "
  const [a,b,c]=process.versions.node.split('.').map(Number), [x,y,z]='$need_node'.split('.').map(Number);
  process.exit(a>x||(a===x&&(b>y||(b===y&&c>=z)))?0:1)"; then
  echo "berth needs Node.js >= $need_node (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

npm ci --no-audit --no-fund --loglevel=error
npm run build --silent

if [ "${1:-}" != "--no-run" ]; then
  # The main job: the showcase, examples/angular-laravel-mysql, on the built-in engine. berth starts berthd on
  # first use; the Debian base image is made from the host's mirror when no registry answers (a few minutes cold).
  berth() { node bin/berth.js "$@"; }
  echo "== starting berthd, the built-in engine"
  berth engine start
  echo "== making busybox:latest from Debian's busybox-static (for examples/hello and the README's examples)"
  node scripts/busybox-image.mjs busybox:latest
  echo "== berth up -d --wait on examples/angular-laravel-mysql (db, api and web; cold: 5 to 11 minutes)"
  berth --project-directory examples/angular-laravel-mysql up -d --wait
  berth --project-directory examples/angular-laravel-mysql ps
  port="${WEB_PORT:-8080}"
  echo "== GET http://127.0.0.1:${port}/api/items (MariaDB's rows, through Laravel and nginx)"
  node -e "fetch('http://127.0.0.1:${port}/api/items').then(async (r) => { if (!r.ok) throw new Error('HTTP ' + r.status); process.stdout.write(await r.text() + '\\n'); })"
  echo "== done: open http://localhost:${port}/ ; 'node bin/berth.js --project-directory examples/angular-laravel-mysql down -v' removes the stack"
fi
