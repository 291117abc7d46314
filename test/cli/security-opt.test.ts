// Compose `security_opt` through berth to berthd: the default seccomp filter, `seccomp:unconfined`, and
// `seccomp=./FILE`, which berth sends as the file's JSON as Compose does; a missing profile file is an error.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackEngine } from './stack-engine.js';
import { startStackEngine } from './stack-engine.js';

const hasRunc = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

const STACK = `
services:
  confined:
    image: \${IMAGE}
    command: ['sleep', '3600']
  unconfined:
    image: \${IMAGE}
    command: ['sleep', '3600']
    security_opt: ['seccomp:unconfined']
  profiled:
    image: \${IMAGE}
    command: ['sleep', '3600']
    security_opt: ['seccomp=./no-mkdir.json', 'no-new-privileges:true']
`;

describe.runIf(hasRunc)('Compose security_opt on berthd', () => {
  let e: StackEngine;
  const mode = async (service: string): Promise<string> => {
    const r = await e.berth('exec', '-T', service, 'grep', 'Seccomp:', '/proc/self/status');
    expect(r.code, r.stderr).toBe(0);
    return r.stdout.replace(/\s+/g, ' ').trim();
  };

  beforeAll(async () => {
    e = await startStackEngine('secopt', STACK);
    const profile = {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }],
    };
    writeFileSync(join(e.dir, 'no-mkdir.json'), JSON.stringify(profile, null, 2));
    const up = await e.berth('up', '-d');
    expect(up.code, up.stderr).toBe(0);
  }, 90_000);

  afterAll(async () => e?.close(), 60_000);

  it('a service without security_opt must run under the default filter', async () => {
    expect(await mode('confined')).toBe('Seccomp: 2');
  });

  it('seccomp:unconfined must run the service without a filter', async () => {
    expect(await mode('unconfined')).toBe('Seccomp: 0');
  });

  it("seccomp=./FILE must send the file's JSON and apply that profile, with no-new-privileges", async () => {
    const [c] = await e.client.call<Array<{ Id: string }>>('GET', '/containers/json', {
      query: { filters: JSON.stringify({ label: [`com.docker.compose.service=profiled`] }) },
    });
    const inspect = await e.client.call<{ HostConfig: { SecurityOpt: string[] } }>('GET', `/containers/${c?.Id}/json`);
    expect(inspect.HostConfig.SecurityOpt).toEqual([
      'seccomp={"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}',
      'no-new-privileges:true',
    ]);
    const r = await e.berth('exec', '-T', 'profiled', 'mkdir', '/made');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Operation not permitted');
    expect(await mode('profiled')).toBe('Seccomp: 2');
    expect((await e.berth('exec', '-T', 'profiled', 'grep', 'NoNewPrivs:', '/proc/self/status')).stdout).toMatch(/1/);
  });

  it('a profile file that does not exist must stop `run` with PLAN_SECCOMP_PROFILE', async () => {
    writeFileSync(
      join(e.dir, 'missing.yaml'),
      `services:\n  ghost:\n    image: \${IMAGE}\n    security_opt: ['seccomp=./nope.json']\n`,
    );
    const r = await e.berth('-f', 'missing.yaml', 'run', '--rm', 'ghost', 'true');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('opening seccomp profile');
    expect(r.stderr).toContain('nope.json');
  });
});
