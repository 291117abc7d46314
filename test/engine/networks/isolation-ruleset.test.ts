// The nftables isolation table as data: the script written for a list of bridges, and the bridges read back from
// nft's JSON and from the iptables chains of older berth versions.
import { describe, expect, it } from 'vitest';
import { isolationScript, parseBridgeSet, parseLegacyBridges } from '../../../src/engine/networks/isolation-ruleset.js';

describe('isolationScript', () => {
  it('drops what enters one bridge and leaves by another, for each bridge, in a chain ahead of the filter priority', () => {
    expect(isolationScript(['br-b', 'br-a', 'br-b'])).toMatchInlineSnapshot(`
      "add table inet berth
      delete table inet berth
      table inet berth {
        set bridges {
          type ifname
          elements = { "br-a", "br-b" }
        }
        chain forward {
          type filter hook forward priority filter - 10; policy accept;
          iifname "br-a" oifname != "br-a" oifname @bridges counter drop
          iifname "br-b" oifname != "br-b" oifname @bridges counter drop
        }
      }
      "
    `);
  });

  it('with no bridge left only deletes the table, from any state', () => {
    expect(isolationScript([])).toBe('add table inet berth\ndelete table inet berth\n');
  });

  it('leaves out a name that is not an interface name, so nothing can be injected into the script', () => {
    const script = isolationScript(['br-a', 'x" accept; #', 'much-too-long-bridge-name']);
    expect(script).toContain('"br-a"');
    expect(script).not.toContain('accept; #');
    expect(script).not.toContain('much-too-long');
  });
});

describe('parseBridgeSet', () => {
  it('reads the elements of nft -j list set', () => {
    const json = JSON.stringify({
      nftables: [
        { metainfo: { version: '1.0.6' } },
        { set: { family: 'inet', name: 'bridges', table: 'berth', type: 'ifname', elem: ['br-a', 'br-b'] } },
      ],
    });
    expect(parseBridgeSet(json)).toEqual(['br-a', 'br-b']);
  });

  it('reads an empty set (nft leaves elem out) as no bridge', () => {
    expect(parseBridgeSet('{"nftables": [{"set": {"name": "bridges", "type": "ifname"}}]}')).toEqual([]);
  });
});

describe('parseLegacyBridges', () => {
  it('finds the bridges of BERTH-ISOLATION-1 by their same-bridge ACCEPT', () => {
    const rules = [
      '-N BERTH-ISOLATION-1',
      '-A BERTH-ISOLATION-1 -i br-a -o br-a -j ACCEPT',
      '-A BERTH-ISOLATION-1 -i br-a ! -o br-a -j BERTH-ISOLATION-2',
      '-A BERTH-ISOLATION-1 -i br-b -o br-b -j ACCEPT',
      '-A BERTH-ISOLATION-1 -i br-c -o br-d -j ACCEPT',
    ].join('\n');
    expect(parseLegacyBridges(rules)).toEqual(['br-a', 'br-b']);
  });
});
