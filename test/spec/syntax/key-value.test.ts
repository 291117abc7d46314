import { describe, expect, it } from 'vitest';
import { parseKeyValueList } from '../../../src/spec/syntax/key-value.js';

describe('parseKeyValueList', () => {
  it.each<[string[], [string, string | null][]]>([
    [['RACK_ENV=development'], [['RACK_ENV', 'development']]],
    [
      ['SHOW=true', 'USER_INPUT'],
      [
        ['SHOW', 'true'],
        ['USER_INPUT', null],
      ],
    ],
    [['EMPTY='], [['EMPTY', '']]],
    [['URL=postgres://u:p@db/x?sslmode=disable'], [['URL', 'postgres://u:p@db/x?sslmode=disable']]],
    [['A=b=c'], [['A', 'b=c']]],
    [['com.example.description=Accounting webapp'], [['com.example.description', 'Accounting webapp']]],
    [
      ['net.core.somaxconn=1024', 'net.ipv4.tcp_syncookies=0'],
      [
        ['net.core.somaxconn', '1024'],
        ['net.ipv4.tcp_syncookies', '0'],
      ],
    ],
    [[' A = b '], [[' A ', ' b ']]], // nothing is trimmed
    [
      ['A=1', 'B=2', 'A=3'],
      [
        ['A', '3'],
        ['B', '2'],
      ],
    ], // the later value wins, at the first position
    [['A=1', 'A'], [['A', null]]],
    [['=x'], [['', 'x']]],
    [[], []],
  ])('reads %j', (items, entries) => {
    expect([...parseKeyValueList(items)]).toEqual(entries);
  });

  it('splits on another separator', () => {
    expect([...parseKeyValueList(['a: b', 'c:d:e', 'f'], ':')]).toEqual([
      ['a', ' b'],
      ['c', 'd:e'],
      ['f', null],
    ]);
  });
});
