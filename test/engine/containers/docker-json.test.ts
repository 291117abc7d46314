// The container list's Command, as dockerd writes it, so `docker ps` and `berth ps` show what they show on dockerd.
import { describe, expect, it } from 'vitest';
import { summaryCommand } from '../../../src/engine/containers/docker-json.js';

describe('summaryCommand', () => {
  it('quotes the arguments that hold a space, as dockerd does, and nothing else', () => {
    expect(summaryCommand('sh', ['-c', 'while true; do sleep 1; done'])).toBe("sh -c 'while true; do sleep 1; done'");
    expect(summaryCommand('httpd', ['-f', '-p', '80'])).toBe('httpd -f -p 80');
    expect(summaryCommand('sleep', [])).toBe('sleep');
  });
});
