// `docker import --change`: Dockerfile instructions applied to the imported image's config.
import { describe, expect, it } from 'vitest';
import { applyImportChanges } from '../../../src/engine/images/import-changes.js';

describe('applyImportChanges', () => {
  it('takes CMD and ENTRYPOINT in exec form and wraps the shell form in /bin/sh -c', () => {
    expect(applyImportChanges(['CMD ["sh"]', 'ENTRYPOINT echo hi'])).toEqual({
      Cmd: ['sh'],
      Entrypoint: ['/bin/sh', '-c', 'echo hi'],
    });
  });

  it('merges ENV (both forms, later wins), LABEL, EXPOSE, VOLUME, WORKDIR, USER, STOPSIGNAL', () => {
    expect(
      applyImportChanges([
        'ENV A=1 B="two words"',
        'ENV A 3',
        'LABEL team=web',
        'EXPOSE 80 53/udp',
        'VOLUME /data',
        'WORKDIR /srv',
        'USER nobody',
        'STOPSIGNAL SIGINT',
      ]),
    ).toEqual({
      Env: ['A=3', 'B=two words'],
      Labels: { team: 'web' },
      ExposedPorts: { '80/tcp': {}, '53/udp': {} },
      Volumes: { '/data': {} },
      WorkingDir: '/srv',
      User: 'nobody',
      StopSignal: 'SIGINT',
    });
  });

  it('refuses an instruction import does not take, naming it', () => {
    expect(() => applyImportChanges(['RUN rm -rf /'])).toThrow(/RUN is not supported by import --change/);
  });
});
