import { describe, expect, it } from 'vitest';
import { parseVolumeShort } from '../../../src/spec/syntax/volumes.js';
import type { VolumeMount } from '../../../src/spec/syntax/volumes.js';

const SYNTAX_HINT = 'use [SOURCE:]TARGET[:OPTIONS], e.g. "db:/var/lib/mysql" or "./src:/app:ro"';
const OPTIONS_HINT =
  'use ro, rw, nocopy, z, Z or a propagation mode (rprivate, private, rshared, shared, rslave, slave)';
const RELATIVE_HINT = 'container paths must be absolute, e.g. "/data"';

const bind = (source: string, target: string, extra: Partial<VolumeMount> = {}): VolumeMount => ({
  type: 'bind',
  source,
  target,
  bind: { create_host_path: true },
  ...extra,
});
const named = (source: string, target: string, extra: Partial<VolumeMount> = {}): VolumeMount => ({
  type: 'volume',
  source,
  target,
  volume: {},
  ...extra,
});

describe('parseVolumeShort', () => {
  it.each<[string, VolumeMount]>([
    // anonymous volumes
    ['/data', { type: 'volume', target: '/data', volume: {} }],
    ['/var/lib/mysql/', { type: 'volume', target: '/var/lib/mysql', volume: {} }],
    ['/a', { type: 'volume', target: '/a' }], // compose-go: specs of 1 or 2 characters get no `volume: {}`
    ['C:\\data', { type: 'volume', target: 'C:\\data', volume: {} }],
    // named volumes
    ['db:/var/lib/mysql', named('db', '/var/lib/mysql')],
    ['datavolume:/var/lib/mysql:ro', named('datavolume', '/var/lib/mysql', { read_only: true })],
    ['db:/data:rw', named('db', '/data')],
    ['db:/data:ro,rw', named('db', '/data')],
    ['db:/data:nocopy', named('db', '/data', { volume: { nocopy: true } })],
    ['db:/data:ro,nocopy', named('db', '/data', { read_only: true, volume: { nocopy: true } })],
    ['db:/data/../x/./y/', named('db', '/x/y')],
    ['my_vol-1.2:/data', named('my_vol-1.2', '/data')],
    // binds
    ['./src:/app', bind('./src', '/app')],
    ['../other:/app', bind('../other', '/app')],
    ['.:/app', bind('.', '/app')],
    ['~/configs:/etc/configs/:ro', bind('~/configs', '/etc/configs', { read_only: true })],
    ['~/x:/y', bind('~/x', '/y')],
    ['/host:/ctr:ro', bind('/host', '/ctr', { read_only: true })],
    ['/host:/ctr:rw', bind('/host', '/ctr')],
    ['/host:/ctr:z', bind('/host', '/ctr', { bind: { selinux: 'z', create_host_path: true } })],
    ['/host:/ctr:Z', bind('/host', '/ctr', { bind: { selinux: 'Z', create_host_path: true } })],
    ['/host:/ctr:ro,Z', bind('/host', '/ctr', { read_only: true, bind: { selinux: 'Z', create_host_path: true } })],
    ['/host:/ctr:rprivate', bind('/host', '/ctr', { bind: { propagation: 'rprivate', create_host_path: true } })],
    ['/host:/ctr:private', bind('/host', '/ctr', { bind: { propagation: 'private', create_host_path: true } })],
    ['/host:/ctr:rshared', bind('/host', '/ctr', { bind: { propagation: 'rshared', create_host_path: true } })],
    ['/host:/ctr:shared', bind('/host', '/ctr', { bind: { propagation: 'shared', create_host_path: true } })],
    ['/host:/ctr:rslave', bind('/host', '/ctr', { bind: { propagation: 'rslave', create_host_path: true } })],
    ['/host:/ctr:slave', bind('/host', '/ctr', { bind: { propagation: 'slave', create_host_path: true } })],
    [
      '/host:/ctr:ro,z,rshared',
      bind('/host', '/ctr', {
        read_only: true,
        bind: { selinux: 'z', propagation: 'rshared', create_host_path: true },
      }),
    ],
    // Docker Desktop consistency flags are accepted and dropped, as compose-go drops them
    ['./src:/app:cached', bind('./src', '/app')],
    ['./src:/app:delegated', bind('./src', '/app')],
    ['./src:/app:consistent', bind('./src', '/app')],
    ['./src:/app:ro,cached', bind('./src', '/app', { read_only: true })],
    // options compose-go applies whatever the type
    ['/host:/ctr:nocopy', bind('/host', '/ctr', { volume: { nocopy: true } })],
    ['db:/data:z', named('db', '/data', { bind: { selinux: 'z' } })],
    // Windows
    ['C:\\data:/data', bind('C:\\data', '/data')],
    ['c:/data:/data:ro', bind('c:/data', '/data', { read_only: true })],
    [
      'C:\\source\\foo:D:\\target:ro,rprivate',
      bind('C:\\source\\foo', 'D:\\target', {
        read_only: true,
        bind: { propagation: 'rprivate', create_host_path: true },
      }),
    ],
    [
      '\\\\.\\pipe\\docker_engine:\\\\.\\pipe\\docker_engine',
      bind('\\\\.\\pipe\\docker_engine', '\\\\.\\pipe\\docker_engine'),
    ],
    // device paths with colons: compose-go splits once at ":/dev"
    ['/dev/usb-0:1.3:1.0-port0:/dev/usb-0:1.3:1.0-port0', bind('/dev/usb-0:1.3:1.0-port0', '/dev/usb-0:1.3:1.0-port0')],
    ['/dev/usb-0:1.3:/dev/usb-0:1.3:ro', bind('/dev/usb-0:1.3', '/dev/usb-0:1.3', { read_only: true })],
    ['/dev/sda:/dev/sda:ro', bind('/dev/sda', '/dev/sda', { read_only: true })],
  ])('reads %j', (input, mount) => {
    expect(parseVolumeShort(input)).toEqual({ ok: true, value: mount });
  });

  it.each<[string, string, string]>([
    ['', '"" is not a volume', SYNTAX_HINT],
    [':/data', '":/data" has an empty section between colons', SYNTAX_HINT],
    ['/data:', '"/data:" has an empty section between colons', SYNTAX_HINT],
    ['/foo::ro', '"/foo::ro" has an empty section between colons', SYNTAX_HINT],
    ['db:/data:', '"db:/data:" has an empty section between colons', SYNTAX_HINT],
    ['/foo:/foo:ro:foo', '"/foo:/foo:ro:foo" has too many colons', SYNTAX_HINT],
    ['80:80:80:80', '"80:80:80:80" has too many colons', SYNTAX_HINT],
    ['db:/data:bogus', '"db:/data:bogus" has an unknown option "bogus"', OPTIONS_HINT],
    ['db:/data:ro,', '"db:/data:ro," has an unknown option ""', OPTIONS_HINT],
    ['db:/data:RO', '"db:/data:RO" has an unknown option "RO"', OPTIONS_HINT],
    ['db:/data:nocopy,subpath=etc', '"db:/data:nocopy,subpath=etc" has an unknown option "subpath=etc"', OPTIONS_HINT],
    ['db:data', '"db:data" mounts at the relative container path "data"', RELATIVE_HINT],
    ['./src:app', '"./src:app" mounts at the relative container path "app"', RELATIVE_HINT],
    ['data', '"data" mounts at the relative container path "data"', RELATIVE_HINT],
    ['.', '"." mounts at the relative container path "."', RELATIVE_HINT],
  ])('rejects %j', (input, message, hint) => {
    expect(parseVolumeShort(input)).toEqual({ ok: false, message, hint });
  });
});
