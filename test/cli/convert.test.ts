// `berth convert --to kubernetes`: YAML documents on stdout, the untranslated keys as warnings on stderr, one file
// per object with -o (written whole, stale ones of an earlier run removed), and clear errors for bad input.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kubernetesSchemaErrors } from '../convert/kubernetes-schema.js';
import { projectDir, runCli } from './run-cli.js';

const STACK = `services:
  web:
    image: nginx
    ports: ["8080:80"]
    volumes: [./site:/usr/share/nginx/html]
    depends_on: [db]
  db:
    image: postgres
    volumes: [data:/var/lib/postgresql/data]
    secrets: [pw]
volumes:
  data:
secrets:
  pw:
    file: ./pw.txt
`;

describe('berth convert --to kubernetes', () => {
  it('prints valid YAML documents on stdout and the untranslated keys on stderr', async () => {
    using p = projectDir({ 'compose.yaml': STACK, 'pw.txt': 'hunter2' });
    const r = await runCli(['convert', '--to', 'kubernetes'], { cwd: p.dir });
    expect(r.code).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Record<string, unknown>);
    expect(docs.map((d) => `${d.kind}/${(d.metadata as { name: string }).name}`)).toEqual([
      'PersistentVolumeClaim/data',
      'Secret/pw',
      'Service/db',
      'Service/web',
      'Service/web-published',
      'StatefulSet/db',
      'Deployment/web',
      'NetworkPolicy/proj-default-deny',
      'NetworkPolicy/proj-network-default',
      'NetworkPolicy/web-published',
    ]);
    expect(docs.flatMap((d) => kubernetesSchemaErrors(d as never))).toEqual([]);
    expect((docs[1] as { data: Record<string, string> }).data.pw).toBe(Buffer.from('hunter2').toString('base64'));
    expect(r.stderr).toMatch(/^warning: services\.web\.volumes\[0\]: a host path .* \[CONVERT_NOT_TRANSLATED\]$/m);
  });

  it('-o DIR writes one file per object, and removes the files of objects that are gone', async () => {
    using p = projectDir({ 'compose.yaml': STACK, 'pw.txt': 'hunter2' });
    const out = join(p.dir, 'k8s');
    expect((await runCli(['convert', '--to', 'kubernetes', '-o', 'k8s'], { cwd: p.dir })).code).toBe(0);
    const first = readdirSync(out).sort();
    expect(first).toHaveLength(10);
    expect(first).toContain('06-statefulset-db.yaml');
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const r = await runCli(['convert', '--to', 'kubernetes', '-o', 'k8s', 'db'], { cwd: p.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const second = readdirSync(out).sort();
    expect(second.some((f) => f.includes('web'))).toBe(false);
    expect(second).toContain('notes.txt');
    expect(second.some((f) => f.endsWith('.tmp'))).toBe(false);
    for (const f of second.filter((f) => f.endsWith('.yaml'))) {
      const doc = parseAllDocuments(readFileSync(join(out, f), 'utf8'))[0]?.toJS();
      expect(kubernetesSchemaErrors(doc)).toEqual([]);
    }
  });

  it('an unknown service is an error with the services as hint, and nothing is written', async () => {
    using p = projectDir({ 'compose.yaml': STACK, 'pw.txt': 'x' });
    const r = await runCli(['convert', '--to', 'kubernetes', '-o', 'k8s', 'dbb'], { cwd: p.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: no such service: "dbb" (hint: services are: db, web) [CLI_UNKNOWN_SERVICE]');
    expect(existsSync(join(p.dir, 'k8s'))).toBe(false);
  });

  it('--to is required and takes only kubernetes', async () => {
    using p = projectDir({ 'compose.yaml': STACK });
    expect((await runCli(['convert'], { cwd: p.dir })).code).toBe(2);
    const r = await runCli(['convert', '--to', 'nomad'], { cwd: p.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Allowed choices are kubernetes');
  });

  it('-o onto a file is an error that says where', async () => {
    using p = projectDir({ 'compose.yaml': STACK, 'pw.txt': 'x', taken: 'a file' });
    const r = await runCli(['convert', '--to', 'kubernetes', '-o', 'taken'], { cwd: p.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[CLI_CONVERT_OUTPUT]');
    expect(readFileSync(join(p.dir, 'taken'), 'utf8')).toBe('a file');
  });
});
