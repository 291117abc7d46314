// The rotation plan of a container log (pure), as Docker's json-file keeps its files: <log>.1 is the newest
// rotated file, <log>.<max-file - 1> the oldest.
import { describe, expect, it } from 'vitest';
import { rotationRenames } from '../../../src/engine/runtime/log-files.js';
import { logRotation } from '../../../src/engine/runtime/log-options.js';

describe('rotationRenames', () => {
  it('must move each file one along, oldest first, and the log to .1', () => {
    expect(rotationRenames('/c/log', 3)).toEqual([
      { from: '/c/log.1', to: '/c/log.2' },
      { from: '/c/log', to: '/c/log.1' },
    ]);
    expect(rotationRenames('/c/log', 2)).toEqual([{ from: '/c/log', to: '/c/log.1' }]);
  });

  it('with compress, must move the gzipped files along and leave .1 plain (gzipped once conmon has left it)', () => {
    expect(rotationRenames('/c/log', 4, true)).toEqual([
      { from: '/c/log.2.gz', to: '/c/log.3.gz' },
      { from: '/c/log.1.gz', to: '/c/log.2.gz' },
      { from: '/c/log', to: '/c/log.1' },
    ]);
  });

  it('must plan nothing for one file (conmon starts it afresh)', () => {
    expect(rotationRenames('/c/log', 1)).toEqual([]);
  });
});

describe('logRotation', () => {
  const hc = (config: Record<string, string>): Record<string, unknown> => ({
    LogConfig: { Type: 'json-file', Config: config },
  });

  it('must default to no rotation, and to one file with max-size alone, as json-file does', () => {
    expect(logRotation({})).toBeUndefined();
    expect(logRotation(hc({ 'max-file': '3' }))).toBeUndefined();
    expect(logRotation(hc({ 'max-size': '1k' }))).toEqual({ maxSize: 1024, maxFile: 1, compress: false });
    expect(logRotation(hc({ 'max-size': '10m', 'max-file': '3' }))).toEqual({
      maxSize: 10 * 1024 ** 2,
      maxFile: 3,
      compress: false,
    });
    expect(logRotation(hc({ 'max-size': '1k', 'max-file': '2', compress: 'true' }))?.compress).toBe(true);
    expect(logRotation(hc({ 'max-size': '1k', 'max-file': '2', compress: 'F' }))?.compress).toBe(false);
  });

  it('must refuse a max-file that is not a whole number of at least 1', () => {
    for (const bad of ['0', '-1', 'three', '1.5']) {
      expect(() => logRotation(hc({ 'max-size': '1k', 'max-file': bad }))).toThrow(
        expect.objectContaining({ code: 'ENGINE_BAD_LOG_OPT' }),
      );
    }
    expect(() => logRotation(hc({ 'max-size': '1k', 'max-file': '0' }))).toThrow(/max-file cannot be less than 1/);
  });

  it('must refuse compress without rotated files to compress, or that is not a boolean, as dockerd does', () => {
    const configs: Array<Record<string, string>> = [
      { 'max-size': '1k', compress: 'true' },
      { 'max-file': '3', compress: 'true' },
    ];
    for (const config of configs) {
      expect(() => logRotation(hc(config))).toThrow(/compress cannot be true when max-file is less than 2/);
    }
    expect(() => logRotation(hc({ 'max-size': '1k', 'max-file': '2', compress: 'yes' }))).toThrow(
      expect.objectContaining({ code: 'ENGINE_BAD_LOG_OPT' }),
    );
  });
});
