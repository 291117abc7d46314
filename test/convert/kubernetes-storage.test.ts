// Storage, configs and secrets: a PersistentVolumeClaim per named volume (ReadWriteMany when several services
// share it), emptyDir for anonymous volumes and tmpfs, ConfigMaps and Secrets from content, environment or files.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZE } from '../../src/convert/kubernetes/storage.js';
import type { Doc } from './helpers.js';
import { convertText, find, has, mainContainer, podSpec, untranslatedPaths } from './helpers.js';

describe('kubernetes storage', () => {
  it('a named volume is a claim; shared by two services it is ReadWriteMany', () => {
    const c = convertText(`
services:
  a: { image: x, volumes: [shared:/s, own:/o] }
  b: { image: x, volumes: ["shared:/s:ro"] }
volumes: { shared: {}, own: { driver: nfs, labels: { team: db } } }
`);
    expect(find(c, 'PersistentVolumeClaim', 'shared').spec).toEqual({
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: DEFAULT_SIZE } },
    });
    expect((find(c, 'PersistentVolumeClaim', 'own').spec as Doc).accessModes).toEqual(['ReadWriteOnce']);
    expect(untranslatedPaths(c)).toEqual(['volumes.own.driver', 'volumes.own.labels']);
    expect(mainContainer(find(c, 'StatefulSet', 'b')).volumeMounts).toEqual([
      { name: 'data-shared', mountPath: '/s', readOnly: true },
    ]);
  });

  it('an external volume is claimed by its name and not emitted', () => {
    const c = convertText(`
services:
  a: { image: x, volumes: [ext:/e] }
volumes: { ext: { external: true, name: legacy-data } }
`);
    expect(has(c, 'PersistentVolumeClaim', 'legacy-data')).toBe(false);
    expect(podSpec(find(c, 'StatefulSet', 'a')).volumes).toEqual([
      { name: 'data-ext', persistentVolumeClaim: { claimName: 'legacy-data' } },
    ]);
    expect(untranslatedPaths(c)).toContain('volumes.ext.external');
  });

  it('anonymous volumes and tmpfs are emptyDir; a bind mount is listed, not mounted', () => {
    const c = convertText(`
services:
  a:
    image: x
    volumes: [/cache, ./src:/src, { type: tmpfs, target: /t, tmpfs: { size: 1048576 } }]
    tmpfs: [/run]
`);
    const pod = podSpec(find(c, 'Deployment', 'a'));
    expect(pod.volumes).toEqual([
      { name: 'anon-0', emptyDir: {} },
      { name: 'tmpfs-2', emptyDir: { medium: 'Memory', sizeLimit: '1048576' } },
      { name: 'tmpfs-list-0', emptyDir: { medium: 'Memory' } },
    ]);
    expect(pod.containers[0].volumeMounts.map((m: Doc) => m.mountPath)).toEqual(['/cache', '/t', '/run']);
    expect(c.untranslated).toContainEqual({
      path: 'services.a.volumes[1]',
      reason: expect.stringContaining('host path'),
    });
  });

  it('configs and secrets become a ConfigMap and a Secret, mounted at Compose targets', () => {
    const c = convertText(
      `
services:
  a:
    image: x
    configs: [inline, { source: fromfile, target: /etc/app.conf, mode: 0o440 }]
    secrets: [token, { source: key, target: api-key }]
configs:
  inline: { content: "hello" }
  fromfile: { file: ./app.conf }
secrets:
  token: { environment: TOKEN }
  key: { file: /keys/api }
`,
      { files: { '/p/app.conf': 'x=1\n', '/keys/api': new Uint8Array([0, 255, 1]) }, env: { TOKEN: 's3cret' } },
    );
    expect(find(c, 'ConfigMap', 'inline').data).toEqual({ inline: 'hello' });
    expect(find(c, 'ConfigMap', 'fromfile').data).toEqual({ fromfile: 'x=1\n' });
    expect(find(c, 'Secret', 'token').data).toEqual({ token: Buffer.from('s3cret').toString('base64') });
    expect(find(c, 'Secret', 'key').data).toEqual({ key: 'AP8B' });
    const mounts = mainContainer(find(c, 'Deployment', 'a')).volumeMounts.map((m: Doc) => [m.mountPath, m.subPath]);
    expect(mounts).toEqual([
      ['/run/secrets/token', 'token'],
      ['/run/secrets/api-key', 'key'],
      ['/inline', 'inline'],
      ['/etc/app.conf', 'fromfile'],
    ]);
    const fromfile = podSpec(find(c, 'Deployment', 'a')).volumes.find((v: Doc) => v.configMap?.name === 'fromfile');
    expect(fromfile.configMap.items).toEqual([{ key: 'fromfile', path: 'fromfile', mode: 0o440 }]);
  });

  it('a secret whose file cannot be read is not emitted, and says so by its path', () => {
    const c = convertText(`
services:
  a: { image: x, secrets: [gone] }
secrets:
  gone: { file: ./missing.txt }
`);
    expect(has(c, 'Secret', 'gone')).toBe(false);
    expect(c.untranslated).toContainEqual({ path: 'secrets.gone', reason: expect.stringContaining('/p/missing.txt') });
  });

  it('a config file that is not UTF-8 goes to binaryData', () => {
    const c = convertText('services:\n  a: { image: x, configs: [bin] }\nconfigs:\n  bin: { file: /b }\n', {
      files: { '/b': new Uint8Array([0xff, 0xfe]) },
    });
    expect(find(c, 'ConfigMap', 'bin')).toMatchObject({ binaryData: { bin: '//4=' } });
  });
});
