// Workloads: a Deployment per service, a StatefulSet for one that mounts a named volume; the container's image,
// command, environment, probe, resources and security from the service's keys; depends_on as init containers.
import { describe, expect, it } from 'vitest';
import { WAIT_IMAGE } from '../../src/convert/kubernetes/depends-on.js';
import type { Doc } from './helpers.js';
import { convertText, find, mainContainer, podSpec, untranslatedPaths } from './helpers.js';

describe('kubernetes workloads', () => {
  it('a service without a named volume is a Deployment with its replicas, image, command and environment', () => {
    const c = convertText(`
services:
  api:
    image: busybox:1.36
    entrypoint: ["/bin/sh", "-c"]
    command: ["echo hi"]
    working_dir: /srv
    environment: { A: "1", B: "two" }
    deploy: { replicas: 3 }
`);
    const d = find(c, 'Deployment', 'api');
    expect((d.spec as Doc).replicas).toBe(3);
    expect((d.spec as Doc).selector.matchLabels).toEqual({
      'app.kubernetes.io/part-of': 'p',
      'app.kubernetes.io/managed-by': 'berth',
      'app.kubernetes.io/name': 'api',
    });
    const main = mainContainer(d);
    expect(main).toMatchObject({
      image: 'busybox:1.36',
      command: ['/bin/sh', '-c'],
      args: ['echo hi'],
      workingDir: '/srv',
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: 'two' },
      ],
    });
  });

  it('"$(" in command and environment stays literal, as Kubernetes would otherwise expand it', () => {
    const c = convertText(`
services:
  a:
    image: x
    command: ["sh", "-c", "echo $$(date) $$HOME"]
    environment: { PS1: "$$(whoami)> " }
`);
    const main = mainContainer(find(c, 'Deployment', 'a'));
    expect(main.args).toEqual(['sh', '-c', 'echo $$(date) $HOME']);
    expect(main.env).toEqual([{ name: 'PS1', value: '$$(whoami)> ' }]);
  });

  it('a service that mounts a named volume is a StatefulSet whose pods claim the volume', () => {
    const c = convertText(`
services:
  db:
    image: postgres
    volumes: [data:/var/lib/postgresql/data]
volumes:
  data: {}
`);
    const s = find(c, 'StatefulSet', 'db');
    expect((s.spec as Doc).serviceName).toBe('db');
    expect(c.untranslated).toEqual([]);
    expect(podSpec(s).volumes).toEqual([{ name: 'data-data', persistentVolumeClaim: { claimName: 'data' } }]);
    expect(mainContainer(s).volumeMounts).toEqual([{ name: 'data-data', mountPath: '/var/lib/postgresql/data' }]);
    expect(c.objects.some((o) => o.kind === 'Deployment')).toBe(false);
  });

  it('replicas of a StatefulSet share its claim, and the list says what that means for a ReadWriteOnce claim', () => {
    const c = convertText('services:\n  db: { image: x, scale: 2, volumes: [data:/d] }\nvolumes: { data: {} }\n');
    expect((find(c, 'StatefulSet', 'db').spec as Doc).replicas).toBe(2);
    expect(c.untranslated).toEqual([{ path: 'services.db.scale', reason: expect.stringContaining('ReadWriteOnce') }]);
  });

  it('a CMD healthcheck is a readinessProbe with Compose timings in seconds; CMD-SHELL runs in /bin/sh', () => {
    const c = convertText(`
services:
  a:
    image: x
    healthcheck: { test: ["CMD", "pg_isready"], interval: 5s, timeout: 2s, retries: 7, start_interval: 1s }
  b:
    image: x
    healthcheck: { test: "curl -f http://localhost/ || exit 1", interval: 1500ms }
  c:
    image: x
    healthcheck: { disable: true }
`);
    expect(mainContainer(find(c, 'Deployment', 'a')).readinessProbe).toEqual({
      exec: { command: ['pg_isready'] },
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 7,
    });
    expect(mainContainer(find(c, 'Deployment', 'b')).readinessProbe).toMatchObject({
      exec: { command: ['/bin/sh', '-c', 'curl -f http://localhost/ || exit 1'] },
      periodSeconds: 2,
      timeoutSeconds: 30,
      failureThreshold: 3,
    });
    expect(mainContainer(find(c, 'Deployment', 'c')).readinessProbe).toBeUndefined();
    expect(untranslatedPaths(c)).toEqual(
      expect.arrayContaining(['services.a.healthcheck.start_interval', 'services.b.healthcheck.interval']),
    );
  });

  it('deploy.resources limits and reservations become limits and requests; pids is listed', () => {
    const c = convertText(`
services:
  a:
    image: x
    deploy:
      resources:
        limits: { cpus: "0.5", memory: 512M, pids: 100 }
        reservations: { cpus: "0.25", memory: 128M }
  b:
    image: x
    cpus: 1.5
    mem_limit: 1g
`);
    expect(mainContainer(find(c, 'Deployment', 'a')).resources).toEqual({
      limits: { cpu: '500m', memory: String(512 * 1024 * 1024) },
      requests: { cpu: '250m', memory: String(128 * 1024 * 1024) },
    });
    expect(mainContainer(find(c, 'Deployment', 'b')).resources).toEqual({
      limits: { cpu: '1500m', memory: String(1024 ** 3) },
    });
    expect(c.untranslated).toContainEqual(expect.objectContaining({ path: 'services.a.deploy.resources.limits.pids' }));
  });

  it('user, capabilities, privileged and read_only go to the securityContext; a user name is listed', () => {
    const c = convertText(`
services:
  a: { image: x, user: "1000:2000", cap_add: [NET_ADMIN], cap_drop: [ALL], read_only: true, privileged: true }
  b: { image: x, user: nobody }
`);
    expect(mainContainer(find(c, 'Deployment', 'a')).securityContext).toEqual({
      privileged: true,
      readOnlyRootFilesystem: true,
      capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
      runAsUser: 1000,
      runAsGroup: 2000,
    });
    expect(mainContainer(find(c, 'Deployment', 'b')).securityContext).toBeUndefined();
    expect(untranslatedPaths(c)).toContain('services.b.user');
  });

  it('labels with valid values are pod labels, others annotations; an invalid key is listed', () => {
    const c = convertText(`
services:
  a:
    image: x
    labels:
      com.example.tier: backend
      com.example.description: "the API, with spaces"
      "bad key!": x
`);
    const meta = (find(c, 'Deployment', 'a').spec as Doc).template.metadata;
    expect(meta.labels['com.example.tier']).toBe('backend');
    expect(meta.annotations).toEqual({ 'com.example.description': 'the API, with spaces' });
    expect(untranslatedPaths(c)).toContain('services.a.labels.bad key!');
  });

  it('depends_on waits in an init container: on a TCP port of a ClusterIP Service, or on the headless name', () => {
    const c = convertText(`
services:
  web:
    image: x
    depends_on:
      api: { condition: service_healthy }
      worker: { condition: service_started }
      migrate: { condition: service_completed_successfully }
  api: { image: x, expose: ["8080"], healthcheck: { test: ["CMD", "true"] } }
  worker: { image: x }
  migrate: { image: x }
`);
    const inits = podSpec(find(c, 'Deployment', 'web')).initContainers;
    expect(inits).toEqual([
      {
        name: 'wait-api',
        image: WAIT_IMAGE,
        command: ['sh', '-c', 'until nc -z -w 2 api 8080 >/dev/null 2>&1; do echo waiting for api; sleep 2; done'],
      },
      {
        name: 'wait-worker',
        image: WAIT_IMAGE,
        command: ['sh', '-c', 'until nslookup worker >/dev/null 2>&1; do echo waiting for worker; sleep 2; done'],
      },
    ]);
    expect(c.untranslated).toContainEqual({
      path: 'services.web.depends_on.migrate.condition',
      reason: expect.stringContaining('not expressed'),
    });
  });

  it('a dependency on another network is not waited on by a connection the policies would refuse', () => {
    const c = convertText(`
services:
  web: { image: x, networks: [front], depends_on: [db] }
  db: { image: x, networks: [back], expose: ["5432"] }
networks: { front: {}, back: {} }
`);
    expect(podSpec(find(c, 'Deployment', 'web')).initContainers).toBeUndefined();
    expect(c.untranslated).toContainEqual({
      path: 'services.web.depends_on.db',
      reason: expect.stringContaining('shares no network'),
    });
  });

  it('naming services converts them with what they depend on, and nothing else', () => {
    const c = convertText(
      `
services:
  web: { image: x, depends_on: [api] }
  api: { image: x, depends_on: [db] }
  db: { image: x }
  other: { image: x }
`,
      { services: ['web'] },
    );
    const names = c.objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
    expect(names).toEqual(['api', 'db', 'web']);
  });

  it("a build without an image uses Compose's image name and says the image must be pushed", () => {
    const c = convertText(`
services:
  web: { build: . }
`);
    expect(mainContainer(find(c, 'Deployment', 'web')).image).toBe('p-web');
    expect(c.untranslated).toContainEqual({ path: 'services.web.build', reason: expect.stringContaining('push') });
  });

  it("a service named like another's published Service is not converted, and says so", () => {
    const c = convertText('services:\n  web: { image: x, ports: ["80:80"] }\n  web-published: { image: x }\n');
    expect(c.objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual(['web']);
    expect(untranslatedPaths(c)).toEqual(['services.web-published']);
  });

  it('service names that are not DNS labels are made into ones; two that collide keep the first', () => {
    const c = convertText(`
services:
  My_App: { image: x }
  my.app: { image: x }
`);
    expect(c.objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual(['my-app']);
    expect(untranslatedPaths(c)).toContain('services.my.app');
  });
});
