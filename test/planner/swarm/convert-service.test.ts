// A stack service as a Swarm service spec, checked against what Compose's own conversion sends
// (docker/cli cli/compose/convert/service.go) group by group: names and labels, the container, deploy.
import { describe, expect, it } from 'vitest';
import type { ServiceSpec } from '../../../src/client/swarm/service-spec.js';
import { toServiceSpec } from '../../../src/planner/swarm/convert-service.js';
import { unsupportedKeyWarnings } from '../../../src/planner/swarm/unsupported.js';
import type { Service, Stack } from '../../../src/spec/model.js';
import { stackOfText, yaml } from '../../spec/load/helpers.js';

const NS = 'com.docker.stack.namespace';

function specOf(text: string, service = 'web'): { spec: ServiceSpec; stack: Stack } {
  const stack = stackOfText(text, { projectName: 'shop' });
  const spec = toServiceSpec(stack.services[service] as Service, {
    stack,
    image: 'sha256:abc',
    secretNames: { db_pw: 'shop_db_pw-0123456789ab' },
    configNames: { site: 'shop_site-ba9876543210' },
  });
  return { spec, stack };
}

describe('a service as a Swarm service spec', () => {
  it('names the service STACK_service and labels it and its containers with the stack namespace', () => {
    const { spec } = specOf(yaml('services:', '  web:', '    image: x', '    labels: {tier: front}'));
    expect(spec.Name).toBe('shop_web');
    expect(spec.Labels).toEqual({ [NS]: 'shop' });
    expect(spec.TaskTemplate.ContainerSpec.Labels).toEqual({ tier: 'front', [NS]: 'shop' });
    expect(spec.TaskTemplate.ContainerSpec.Image).toBe('sha256:abc');
  });

  it('puts environment sorted as KEY=value, command as Args and entrypoint as Command', () => {
    const { spec } = specOf(
      yaml(
        'services:',
        '  web:',
        '    image: x',
        '    entrypoint: [sh, -c]',
        '    command: echo hi',
        '    environment: {Z: "1", A: two}',
      ),
    );
    const c = spec.TaskTemplate.ContainerSpec;
    expect(c.Env).toEqual(['A=two', 'Z=1']);
    expect(c.Command).toEqual(['sh', '-c']);
    expect(c.Args).toEqual(['echo', 'hi']);
  });

  it('turns deploy into mode, resources, restart policy, placement, update config and service labels', () => {
    const { spec } = specOf(
      yaml(
        'services:',
        '  web:',
        '    image: x',
        '    deploy:',
        '      replicas: 3',
        '      labels: {owner: team-a}',
        '      resources: {limits: {cpus: "0.5", memory: 64M}, reservations: {memory: 16M}}',
        '      restart_policy: {condition: on-failure, delay: 2s, max_attempts: 4}',
        '      placement: {constraints: [node.role==manager], preferences: [{spread: node.labels.zone}]}',
        '      update_config: {delay: 10s, order: start-first}',
        '      endpoint_mode: dnsrr',
      ),
    );
    expect(spec.Mode).toEqual({ Replicated: { Replicas: 3 } });
    expect(spec.Labels).toEqual({ owner: 'team-a', [NS]: 'shop' });
    expect(spec.TaskTemplate.Resources).toEqual({
      Limits: { NanoCPUs: 500_000_000, MemoryBytes: 64 * 1024 * 1024 },
      Reservations: { MemoryBytes: 16 * 1024 * 1024 },
    });
    expect(spec.TaskTemplate.RestartPolicy).toEqual({ Condition: 'on-failure', Delay: 2e9, MaxAttempts: 4 });
    expect(spec.TaskTemplate.Placement).toEqual({
      Constraints: ['node.role==manager'],
      Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.zone' } }],
    });
    // Compose's default parallelism of 1 when update_config leaves it out
    expect(spec.UpdateConfig).toEqual({ Parallelism: 1, Delay: 10e9, Order: 'start-first' });
    expect(spec.EndpointSpec).toEqual({ Mode: 'dnsrr' });
  });

  it('maps restart: to a restart policy when deploy has none, and mode global to Global', () => {
    const on = specOf(yaml('services:', '  web:', '    image: x', '    restart: on-failure:3')).spec;
    expect(on.TaskTemplate.RestartPolicy).toEqual({ Condition: 'on-failure', MaxAttempts: 3 });
    const no = specOf(yaml('services:', '  web:', '    image: x', '    restart: "no"')).spec;
    expect(no.TaskTemplate.RestartPolicy).toEqual({ Condition: 'none' });
    const global = specOf(yaml('services:', '  web:', '    image: x', '    deploy: {mode: global}')).spec;
    expect(global.Mode).toEqual({ Global: {} });
  });

  it('publishes ports in ingress and host mode, and attaches networks by stack name with the service alias', () => {
    const { spec } = specOf(
      yaml(
        'services:',
        '  web:',
        '    image: x',
        '    ports: ["8080:80", {target: 443, published: "8443", mode: host}]',
        '    networks: {back: {aliases: [api]}, front: null}',
        'networks: {back: {}, front: {}}',
      ),
    );
    expect(spec.EndpointSpec?.Ports).toEqual([
      { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'ingress' },
      { Protocol: 'tcp', TargetPort: 443, PublishedPort: 8443, PublishMode: 'host' },
    ]);
    expect(spec.TaskTemplate.Networks).toEqual([
      { Target: 'shop_back', Aliases: ['web', 'api'] },
      { Target: 'shop_front', Aliases: ['web'] },
    ]);
  });

  it('names secrets and configs by their versioned swarm names, with Compose default targets and modes', () => {
    const { spec } = specOf(
      yaml(
        'services:',
        '  web:',
        '    image: x',
        '    secrets: [db_pw]',
        '    configs: [{source: site, target: /etc/site.conf, mode: 0o440}]',
        'secrets: {db_pw: {file: ./pw}}',
        'configs: {site: {file: ./site}}',
      ),
    );
    const c = spec.TaskTemplate.ContainerSpec;
    expect(c.Secrets).toEqual([
      { File: { Name: 'db_pw', UID: '0', GID: '0', Mode: 0o444 }, SecretName: 'shop_db_pw-0123456789ab' },
    ]);
    expect(c.Configs).toEqual([
      { File: { Name: '/etc/site.conf', UID: '0', GID: '0', Mode: 0o440 }, ConfigName: 'shop_site-ba9876543210' },
    ]);
  });

  it('mounts named volumes by their stack name with the namespace label, and converts healthchecks to ns', () => {
    const { spec } = specOf(
      yaml(
        'services:',
        '  web:',
        '    image: x',
        '    volumes: [data:/var/lib/data:ro]',
        '    healthcheck: {test: [CMD, "true"], interval: 5s, retries: 2}',
        'volumes: {data: {}}',
      ),
    );
    const c = spec.TaskTemplate.ContainerSpec;
    expect(c.Mounts).toEqual([
      {
        Type: 'volume',
        Source: 'shop_data',
        Target: '/var/lib/data',
        ReadOnly: true,
        VolumeOptions: { Labels: { [NS]: 'shop' } },
      },
    ]);
    expect(c.Healthcheck).toEqual({ Test: ['CMD', 'true'], Interval: 5e9, Retries: 2 });
  });

  it('refuses a job mode with a PLAN_ error and a hint', () => {
    expect(() => specOf(yaml('services:', '  web:', '    image: x', '    deploy: {mode: replicated-job}'))).toThrow(
      expect.objectContaining({ code: 'PLAN_SWARM_MODE', hint: 'use "replicated" or "global"' }),
    );
  });
});

describe('keys a swarm cannot honour', () => {
  it('are warned about once per key, naming every service that sets it', () => {
    const stack = stackOfText(
      yaml(
        'services:',
        '  a: {image: x, build: ., container_name: the-a, depends_on: [b]}',
        '  b: {image: x, build: .}',
        '  c: {image: x}',
      ),
      { projectName: 'shop' },
    );
    const warnings = unsupportedKeyWarnings(Object.values(stack.services));
    expect(warnings.map((w) => w.message)).toEqual([
      '"build" is ignored by a swarm (services "a", "b")',
      '"container_name" is ignored by a swarm (service "a")',
      '"depends_on" is ignored by a swarm (service "a")',
    ]);
    expect(warnings.every((w) => w.code === 'PLAN_SWARM_IGNORED' && w.severity === 'warning' && w.hint)).toBe(true);
  });
});
