#!/usr/bin/env bash
# Sets up a fresh Debian bookworm machine for berth (as root), builds it, and runs the main job.
#   ./setup.sh           install, build, then run the main job on examples/hello
#   ./setup.sh --no-run  install and build only (CI)
set -euo pipefail
cd "$(dirname "$0")"

# System packages berth needs. The built-in engine's (runc, conmon, iptables...) join this list with that issue.
APT_PACKAGES=()
if [ ${#APT_PACKAGES[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}"
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
  echo "== berth config on examples/hello (the built-in engine and 'berth up' arrive with the engine issues)"
  node bin/berth.js --project-directory examples/hello config
fi
