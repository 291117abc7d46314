import { describe, expect, it } from 'vitest';
import { parseDeviceShort } from '../../../src/spec/syntax/devices.js';
import type { DeviceMapping } from '../../../src/spec/syntax/devices.js';

const SYNTAX_HINT = 'use HOST_PATH[:CONTAINER_PATH[:PERMISSIONS]], e.g. "/dev/sda:/dev/xvda:rwm"';

describe('parseDeviceShort', () => {
  it.each<[string, DeviceMapping]>([
    ['/dev/ttyUSB0', { source: '/dev/ttyUSB0', target: '/dev/ttyUSB0', permissions: 'rwm' }],
    ['/dev/ttyUSB0:/dev/ttyUSB0', { source: '/dev/ttyUSB0', target: '/dev/ttyUSB0', permissions: 'rwm' }],
    ['/dev/sda:/dev/xvda:rwm', { source: '/dev/sda', target: '/dev/xvda', permissions: 'rwm' }],
    ['/dev/sda:/dev/xvda:r', { source: '/dev/sda', target: '/dev/xvda', permissions: 'r' }],
    ['/dev/sda:/dev/xvda:mw', { source: '/dev/sda', target: '/dev/xvda', permissions: 'mw' }],
    ['/dev/sda::r', { source: '/dev/sda', target: '/dev/sda', permissions: 'r' }],
    ['/dev/sda:', { source: '/dev/sda', target: '/dev/sda', permissions: 'rwm' }],
    ['nvidia.com/gpu=all', { source: 'nvidia.com/gpu=all', target: 'nvidia.com/gpu=all', permissions: 'rwm' }],
  ])('reads %j', (input, device) => {
    expect(parseDeviceShort(input)).toEqual({ ok: true, value: device });
  });

  it.each<[string, string, string]>([
    [
      '/dev/usb-0:1.3:/dev/usb:rwm',
      '"/dev/usb-0:1.3:/dev/usb:rwm" is not a device mapping',
      'paths with colons need the long syntax: source, target, permissions',
    ],
    ['', '"" has no host path', SYNTAX_HINT],
    [':/dev/xvda', '":/dev/xvda" has no host path', SYNTAX_HINT],
    [
      '/dev/sda:rwm',
      '"/dev/sda:rwm" maps to the relative container path "rwm"',
      'did you mean "/dev/sda:/dev/sda:rwm"?',
    ],
    ['/dev/sda:xvda', '"/dev/sda:xvda" maps to the relative container path "xvda"', SYNTAX_HINT],
    [
      '/dev/sda:/dev/xvda:rwx',
      '"/dev/sda:/dev/xvda:rwx" has invalid permissions "rwx"',
      'use any of r, w and m, e.g. "rwm" or "r"',
    ],
    [
      '/dev/sda:/dev/xvda:rr',
      '"/dev/sda:/dev/xvda:rr" has invalid permissions "rr"',
      'use any of r, w and m, e.g. "rwm" or "r"',
    ],
    [
      '/dev/sda:/dev/xvda:',
      '"/dev/sda:/dev/xvda:" has invalid permissions ""',
      'use any of r, w and m, e.g. "rwm" or "r"',
    ],
  ])('rejects %j', (input, message, hint) => {
    expect(parseDeviceShort(input)).toEqual({ ok: false, message, hint });
  });
});
