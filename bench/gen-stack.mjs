#!/usr/bin/env node
// Deterministic generator of a large Compose stack for benchmarks: 500 services split across three files
// (compose.yaml, compose.override.yaml, more.yaml) plus a .env, with YAML anchors and `<<:` merge keys,
// `${VAR}` / `${VAR:-default}` interpolation, and the usual variety of service keys. No randomness: the
// output depends only on the options, so every run benchmarks the same bytes.
//
//   node bench/gen-stack.mjs <folder> [--services 500]
//
// Layout (for the default 500 services):
//   compose.yaml           services 0..249 in full, top-level networks and volumes, x- anchors
//   compose.override.yaml  services 250..374 in full, and overrides for every third service of compose.yaml
//   more.yaml              services 375..499 in full, and overrides for every seventh service of the others
// Services form dependency chains of ten (i depends on i-1 within a chain; every 25th also on i-10), so
// depends_on has no cycles and crosses file boundaries. Every 50th service (a chain end nothing depends on)
// has a profile. Host ports are unique: 20000+i (short syntax), 30000+i (long syntax), 40000+i (overrides).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const KINDS = ['web', 'api', 'worker', 'cache', 'db', 'queue', 'proxy', 'batch'];
const IMAGES = {
  web: ['${REGISTRY:-registry.example.com}/shop/web', '${WEB_TAG:-1.4.2}'],
  api: ['${REGISTRY}/shop/api', '${API_TAG}'],
  worker: ['${REGISTRY}/shop/worker', '${WORKER_TAG:-2.0.1}'],
  cache: ['redis', '7.2-alpine'],
  db: ['postgres', '${PG_VERSION:-16}-alpine'],
  queue: ['rabbitmq', '3.13-management'],
  proxy: ['nginx', '${NGINX_TAG:-1.27}'],
  batch: ['${REGISTRY}/shop/batch', 'sha-${GIT_SHA}'],
};
const TARGET_PORT = { web: 8080, api: 3000, worker: 9000, cache: 6379, db: 5432, queue: 5672, proxy: 80, batch: 7000 };
const NAMED_VOLUMES = 50;

const pad = (i) => String(i).padStart(4, '0');
export const serviceName = (i) => `${KINDS[i % KINDS.length]}-${pad(i)}`;
const kindOf = (i) => KINDS[i % KINDS.length];
const vol = (i) => `data-${String(i % NAMED_VOLUMES).padStart(2, '0')}`;
const hasProfile = (i) => i % 50 === 49;

/** The anchors each file defines at its top (YAML anchors do not cross files). */
function anchors(tag) {
  return `x-logging: &logging
  driver: json-file
  options:
    max-size: "\${LOG_MAX_SIZE:-10m}"
    max-file: "3"

x-common: &common
  restart: unless-stopped
  logging: *logging
  stop_grace_period: 20s
  init: true
  networks:
    - back

x-healthcheck: &healthcheck
  interval: \${HC_INTERVAL:-30s}
  timeout: 5s
  retries: 3
  start_period: 1m30s

x-env: &default-env
  TZ: \${BENCH_TZ:-UTC}
  LOG_LEVEL: \${LOG_LEVEL}
  REGION: \${REGION:-eu-west-1}
  STACK_FILE: ${tag}

x-labels: &default-labels
  com.example.team: \${TEAM:-platform}
  com.example.stack: bench
  com.example.file: ${tag}

x-small: &small
  mem_limit: 256m
  cpus: 0.5

x-large: &large
  mem_limit: \${LARGE_MEM:-1g}
  cpus: "1.5"
  ulimits:
    nofile:
      soft: 65536
      hard: 65536
`;
}

/** One service in full. Indented for the `services:` mapping. */
function service(i) {
  const kind = kindOf(i);
  const name = serviceName(i);
  const [repo, imageTag] = IMAGES[kind];
  const target = TARGET_PORT[kind];
  const size = kind === 'db' || kind === 'queue' ? 'large' : 'small';
  const L = [];
  L.push(`  ${name}:`);
  L.push(`    <<: [*common, *${size}]`);
  L.push(`    image: ${repo}:${imageTag}`);
  L.push(`    hostname: ${name}`);
  if (i % 4 === 0) L.push(`    command: ["serve", "--port", "${target}", "--name", "${name}"]`);
  else if (i % 4 === 1) L.push(`    command: run --queue jobs-${i % 16} --concurrency \${CONCURRENCY:-4}`);
  if (i % 9 === 0) L.push(`    entrypoint: ["/usr/bin/tini", "--"]`);
  if (i % 6 === 0) L.push(`    working_dir: /srv/${name}`);
  if (i % 8 === 3) L.push(`    user: "1000:1000"`);
  // Ports: a short one (with interpolated host IP on every other service), and a long one on every third.
  L.push(`    ports:`);
  L.push(
    i % 2 === 0 ? `      - "\${BIND_IP:-0.0.0.0}:${20000 + i}:${target}"` : `      - "${20000 + i}:${target}/tcp"`,
  );
  if (i % 3 === 0) {
    L.push(`      - target: ${target + 1}`);
    L.push(`        published: "${30000 + i}"`);
    L.push(`        protocol: ${i % 6 === 0 ? 'udp' : 'tcp'}`);
    L.push(`        mode: host`);
  }
  if (i % 5 === 0) L.push(`    expose: ["${target + 100}"]`);
  // Environment: map form (merging the anchor) on even services, list form on odd ones.
  if (i % 2 === 0) {
    L.push(`    environment:`);
    L.push(`      <<: *default-env`);
    L.push(`      SERVICE_NAME: ${name}`);
    L.push(`      PORT: "${target}"`);
    L.push(`      DATABASE_URL: postgres://app:\${DB_PASSWORD}@db-${pad(i - (i % 8) + 4)}:5432/app`);
    if (i % 10 === 0) L.push(`      FEATURE_FLAGS: "search,checkout,\${EXTRA_FLAG:-beta}"`);
    if (i % 7 === 0) L.push(`      EMPTY_VALUE:`);
  } else {
    L.push(`    environment:`);
    L.push(`      - SERVICE_NAME=${name}`);
    L.push(`      - PORT=${target}`);
    L.push(`      - LOG_LEVEL=\${LOG_LEVEL:-info}`);
    L.push(`      - CACHE_URL=redis://cache-${pad(i - (i % 8) + 3)}:6379/${i % 16}`);
    if (i % 3 === 1) L.push(`      - HTTP_PROXY`);
  }
  // Labels: merge the anchor (map form) or list form.
  if (i % 3 !== 2) {
    L.push(`    labels:`);
    L.push(`      <<: *default-labels`);
    L.push(`      com.example.service: ${name}`);
    L.push(`      com.example.tier: "${i % 3}"`);
  } else {
    L.push(`    labels:`);
    L.push(`      - com.example.service=${name}`);
    L.push(`      - traefik.enable=true`);
    L.push(`      - traefik.http.routers.${name}.rule=Host(\`${name}.\${DOMAIN:-example.test}\`)`);
  }
  // Healthcheck: the anchor plus a test (and an override of a duration on some).
  if (i % 11 === 10) {
    L.push(`    healthcheck:`);
    L.push(`      disable: true`);
  } else {
    L.push(`    healthcheck:`);
    L.push(`      <<: *healthcheck`);
    if (i % 2 === 0) L.push(`      test: ["CMD", "curl", "-fsS", "http://localhost:${target}/health"]`);
    else L.push(`      test: ["CMD-SHELL", "wget -qO- http://localhost:${target}/ready || exit 1"]`);
    if (i % 5 === 0) L.push(`      interval: 10s`);
    if (i % 7 === 0) L.push(`      start_interval: 500ms`);
  }
  // Volumes: a named volume, a bind mount (short), and long forms on some.
  L.push(`    volumes:`);
  L.push(`      - ${vol(i)}:/var/lib/${kind}`);
  L.push(`      - ./conf/${name}:/etc/${kind}:ro`);
  if (i % 4 === 2) {
    L.push(`      - type: bind`);
    L.push(`        source: \${CERTS_DIR:-./certs}`);
    L.push(`        target: /run/certs`);
    L.push(`        read_only: true`);
  }
  if (i % 4 === 3) {
    L.push(`      - type: volume`);
    L.push(`        source: ${vol(i + 7)}`);
    L.push(`        target: /cache`);
    L.push(`        volume:`);
    L.push(`          nocopy: true`);
  }
  if (i % 10 === 5) {
    L.push(`      - type: tmpfs`);
    L.push(`        target: /tmp/scratch`);
    L.push(`        tmpfs:`);
    L.push(`          size: 64m`);
  }
  // Networks: the anchor gives `back`; some services replace it with a map with aliases.
  if (i % 4 === 0) {
    L.push(`    networks:`);
    L.push(`      front:`);
    L.push(`        aliases: ["${name}.internal"]`);
    L.push(`      back: {}`);
    if (kind === 'db') L.push(`      data: {}`);
  } else if (kind === 'db' || kind === 'cache') {
    L.push(`    networks: [back, data]`);
  } else if (i % 13 === 0) {
    L.push(`    networks: [back, mgmt]`);
  }
  // depends_on: chains of ten, long form on even services, short form on odd ones.
  const deps = [];
  if (i % 10 !== 0) deps.push(i - 1);
  if (i % 25 === 0 && i >= 10) deps.push(i - 10);
  if (deps.length > 0) {
    if (i % 2 === 0) {
      L.push(`    depends_on:`);
      for (const d of deps) {
        const healthy = d % 11 !== 10; // services with a disabled healthcheck cannot become healthy
        L.push(`      ${serviceName(d)}:`);
        L.push(`        condition: ${healthy ? 'service_healthy' : 'service_started'}`);
        if (d % 3 === 0) L.push(`        restart: true`);
      }
    } else {
      L.push(`    depends_on: [${deps.map(serviceName).join(', ')}]`);
    }
  }
  if (hasProfile(i)) L.push(`    profiles: [${i % 100 === 49 ? 'debug' : 'tools'}]`);
  if (i % 12 === 0) {
    L.push(`    deploy:`);
    L.push(`      resources:`);
    L.push(`        limits:`);
    L.push(`          pids: 512`);
  }
  if (i % 17 === 0) L.push(`    cap_drop: [ALL]`);
  if (i % 19 === 0) L.push(`    extra_hosts: ["metadata.internal:169.254.169.254"]`);
  if (i % 23 === 0) L.push(`    tmpfs: [/run]`);
  return L.join('\n');
}

/** An override of an existing service, in a later file: merged onto the earlier definition. */
function override(i, tag) {
  const name = serviceName(i);
  const L = [`  ${name}:`];
  if (tag === 'override') {
    L.push(`    ports:`);
    L.push(`      - "127.0.0.1:${40000 + i}:9229"`);
    L.push(`    environment:`);
    L.push(`      - DEBUG=\${DEBUG:-0}`);
    L.push(`      - OVERRIDDEN_BY=${tag}`);
    L.push(`    labels:`);
    L.push(`      com.example.override: "${tag}"`);
    if (i % 2 === 0) L.push(`    mem_limit: 512m`);
  } else {
    L.push(`    environment:`);
    L.push(`      <<: *default-env`);
    L.push(`      OVERRIDDEN_BY: ${tag}`);
    L.push(`    healthcheck:`);
    L.push(`      retries: 5`);
    L.push(`    stop_grace_period: 45s`);
    if (i % 2 === 1) L.push(`    image: ${IMAGES[kindOf(i)][0]}:\${HOTFIX_TAG:-hotfix-${i}}`);
  }
  return L.join('\n');
}

function topLevel() {
  const L = [];
  L.push('networks:');
  L.push('  front:');
  L.push('    driver: bridge');
  L.push('    labels:');
  L.push('      com.example.zone: dmz');
  L.push('  back:');
  L.push('    driver: bridge');
  L.push('    ipam:');
  L.push('      config:');
  L.push('        - subnet: ${BACK_SUBNET:-172.28.0.0/16}');
  L.push('  data:');
  L.push('    internal: true');
  L.push('  mgmt:');
  L.push('    name: ${MGMT_NETWORK:-bench_mgmt}');
  L.push('');
  L.push('volumes:');
  for (let v = 0; v < NAMED_VOLUMES; v++) {
    const n = `data-${String(v).padStart(2, '0')}`;
    if (v % 5 === 0) {
      L.push(`  ${n}:`);
      L.push('    driver: local');
      L.push('    labels:');
      L.push(`      com.example.backup: "${v % 10 === 0 ? 'daily' : 'weekly'}"`);
    } else {
      L.push(`  ${n}: {}`);
    }
  }
  return L.join('\n');
}

export const DOTENV = `# Variables for the generated benchmark stack (some are left to their defaults on purpose).
REGISTRY=registry.internal:5000
API_TAG=3.9.0
GIT_SHA=0f3a9c1
LOG_LEVEL=info
DB_PASSWORD=s3cret
TEAM=checkout
HC_INTERVAL=15s
DOMAIN=bench.test
HTTP_PROXY=http://proxy.internal:3128
`;

/** Writes the stack into `dir`; returns the file names to pass with -f, in order. */
export function generateStack(dir, { services = 500 } = {}) {
  if (services < 10 || services % 4 !== 0) throw new Error('services: a multiple of 4, at least 10');
  const a = services / 2; // compose.yaml: [0, a)
  const b = (services * 3) / 4; // compose.override.yaml: [a, b); more.yaml: [b, services)
  mkdirSync(dir, { recursive: true });
  const range = (lo, hi) => Array.from({ length: hi - lo }, (_, k) => lo + k);

  const main = [
    '# Generated by bench/gen-stack.mjs: do not edit.',
    'name: ${PROJECT:-bench}',
    '',
    anchors('compose'),
    'services:',
    ...range(0, a).map((i) => service(i)),
    '',
    topLevel(),
    '',
  ].join('\n');

  const over = [
    '# Generated by bench/gen-stack.mjs: do not edit.',
    anchors('override'),
    'services:',
    ...range(0, a)
      .filter((i) => i % 3 === 0)
      .map((i) => override(i, 'override')),
    ...range(a, b).map((i) => service(i)),
    '',
  ].join('\n');

  const more = [
    '# Generated by bench/gen-stack.mjs: do not edit.',
    anchors('more'),
    'services:',
    ...range(0, b)
      .filter((i) => i % 7 === 0)
      .map((i) => override(i, 'more')),
    ...range(b, services).map((i) => service(i)),
    '',
    'networks:',
    '  mgmt:',
    '    labels:',
    '      com.example.added-by: more',
    '',
  ].join('\n');

  const files = ['compose.yaml', 'compose.override.yaml', 'more.yaml'];
  writeFileSync(join(dir, files[0]), main);
  writeFileSync(join(dir, files[1]), over);
  writeFileSync(join(dir, files[2]), more);
  writeFileSync(join(dir, '.env'), DOTENV);
  return files;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const dir = args.find((a, k) => !a.startsWith('--') && args[k - 1] !== '--services');
  const n = args.includes('--services') ? Number(args[args.indexOf('--services') + 1]) : 500;
  if (!dir) {
    console.error('usage: node bench/gen-stack.mjs <folder> [--services 500]');
    process.exit(2);
  }
  const files = generateStack(dir, { services: n });
  console.log(`wrote ${n} services to ${dir}: ${files.join(', ')} and .env`);
}
