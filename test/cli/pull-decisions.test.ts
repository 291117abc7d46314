// `berth pull`'s choices on data, with Compose's words: each image once, services that only build have nothing to
// pull, never and build policies are skipped, --policy missing keeps what the engine has.
import { describe, expect, it } from 'vitest';
import { decidePulls } from '../../src/cli/commands/pull.js';
import { stackOfText } from '../spec/load/helpers.js';

const stack = stackOfText(`
name: shop
services:
  api: {image: "reg.example/api:1"}
  worker: {image: "reg.example/api:1"}
  local: {build: .}
  frozen: {image: "reg.example/frozen:1", pull_policy: never}
  there: {image: "reg.example/there:1"}
`);
const services = ['api', 'frozen', 'local', 'there', 'worker'];

describe('decidePulls', () => {
  it('must pull each image once and say why each other service is skipped', () => {
    expect(decidePulls(stack, services, { policy: 'always', images: {} })).toEqual([
      { service: 'api', ref: 'reg.example/api:1', pull: true },
      { service: 'frozen', ref: 'reg.example/frozen:1', pull: false, why: 'Skipped - pull_policy is never' },
      { service: 'local', pull: false, why: 'Skipped - No image to be pulled' },
      { service: 'there', ref: 'reg.example/there:1', pull: true },
      {
        service: 'worker',
        ref: 'reg.example/api:1',
        pull: false,
        why: 'Skipped - Image is already being pulled by api',
      },
    ]);
  });

  it('must skip images the engine has with --policy missing', () => {
    const images = { 'reg.example/there:1': { present: true as const } };
    const there = decidePulls(stack, services, { policy: 'missing', images }).find((d) => d.service === 'there');
    expect(there).toEqual({
      service: 'there',
      ref: 'reg.example/there:1',
      pull: false,
      why: 'Skipped - Image is already present locally',
    });
  });
});
