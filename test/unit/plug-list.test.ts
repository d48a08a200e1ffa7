import { describe, expect, it } from 'vitest';
import { type NamedPlug, resolvePlugList } from '../../emulator/wti/plug-list.js';

/** An 8-plug unit as a site might name it: one plug unnamed, one name on two plugs, one name with a space. */
const plugs: NamedPlug[] = [
  { number: 1, name: 'node1' },
  { number: 2, name: 'node2' },
  { number: 3, name: 'web' },
  { number: 4, name: null },
  { number: 5, name: 'Node2' },
  { number: 6, name: 'srv-a' },
  { number: 7, name: 'srv-b' },
  { number: 8, name: 'rack 1' },
];

const unnamed: NamedPlug[] = Array.from({ length: 8 }, (_, i) => ({ number: i + 1, name: null }));

const resolve = (spec: string, list: readonly NamedPlug[] = plugs) => resolvePlugList(spec, list);

describe('resolvePlugList', () => {
  it.each([
    ['3', [3]],
    ['8', [8]],
    [' 3 ', [3]],
    ['03', [3]],
  ])('takes a plug number: %j', (spec, expected) => {
    expect(resolve(spec)).toEqual({ plugs: expected });
  });

  it.each(['0', '9', '42'])('rejects a plug number the unit does not have: %j', (spec) => {
    expect(resolve(spec)).toEqual({ error: 'unknown', token: spec });
  });

  it.each([
    ['web', [3]],
    ['WEB', [3]],
    ['Web', [3]],
    ['node1', [1]],
  ])('takes a name, case-insensitively: %j', (spec, expected) => {
    expect(resolve(spec)).toEqual({ plugs: expected });
  });

  it('selects every plug that carries a name (wti_nps boots a node on several plugs)', () => {
    expect(resolve('node2')).toEqual({ plugs: [2, 5] });
    expect(resolve('NODE2')).toEqual({ plugs: [2, 5] });
  });

  it('takes a name that itself contains a space as one name', () => {
    expect(resolve('rack 1')).toEqual({ plugs: [8] });
    expect(resolve('RACK 1')).toEqual({ plugs: [8] });
  });

  it.each([
    ['srv*', [6, 7]],
    ['S*', [6, 7]],
    ['*-b', [7]],
    ['n*e2', [2, 5]],
    ['node*', [1, 2, 5]],
  ])('takes a name wildcard: %j', (spec, expected) => {
    expect(resolve(spec)).toEqual({ plugs: expected });
  });

  it('treats other regular-expression characters in a name literally', () => {
    const list: NamedPlug[] = [
      { number: 1, name: 'a.b' },
      { number: 2, name: 'axb' },
      { number: 3, name: 'c(d)' },
    ];
    expect(resolve('a.b', list)).toEqual({ plugs: [1] });
    expect(resolve('a.*', list)).toEqual({ plugs: [1] });
    expect(resolve('c(d)', list)).toEqual({ plugs: [3] });
  });

  it('takes * as every plug, named or not', () => {
    expect(resolve('*', unnamed)).toEqual({ plugs: [1, 2, 3, 4, 5, 6, 7, 8] });
    expect(resolve('*')).toEqual({ plugs: [1, 2, 3, 4, 5, 6, 7, 8] });
  });

  it('takes * as every plug the user may see (plug-password mode passes only those)', () => {
    const own = plugs.filter((p) => p.number === 2 || p.number === 4);
    expect(resolve('*', own)).toEqual({ plugs: [2, 4] });
    expect(resolve('3', own)).toEqual({ error: 'unknown', token: '3' });
    expect(resolve('node2', own)).toEqual({ plugs: [2] });
  });

  it.each([
    ['1+3+4', [1, 3, 4]],
    ['1,3,4', [1, 3, 4]],
    ['1,3', [1, 3]],
    ['1:4', [1, 2, 3, 4]],
    ['4:4', [4]],
    ['1 5', [1, 5]],
    ['  1   5  ', [1, 5]],
    ['1\t5', [1, 5]],
    ['5 1', [1, 5]],
    ['1+1,1 1', [1]],
    ['1+web,7:8', [1, 3, 7, 8]],
    ['node1 node2', [1, 2, 5]],
    ['2:3+srv*', [2, 3, 6, 7]],
    ['1 + 3', [1, 3]],
    ['1, 3', [1, 3]],
  ])('takes lists and ranges: %j', (spec, expected) => {
    expect(resolve(spec)).toEqual({ plugs: expected });
  });

  it.each([
    ['4:1', '4:1'],
    ['7:9', '7:9'],
    ['0:2', '0:2'],
    ['1:', '1:'],
    [':3', ':3'],
    ['1:2:3', '1:2:3'],
    ['1-3', '1-3'],
  ])('rejects a bad range: %j', (spec, token) => {
    expect(resolve(spec)).toEqual({ error: 'unknown', token });
  });

  it('names the unknown token in a list', () => {
    expect(resolve('nosuch')).toEqual({ error: 'unknown', token: 'nosuch' });
    expect(resolve('1+nosuch+3')).toEqual({ error: 'unknown', token: 'nosuch' });
    expect(resolve('1 9')).toEqual({ error: 'unknown', token: '9' });
    expect(resolve('x*')).toEqual({ error: 'unknown', token: 'x*' });
  });

  it('does not select unnamed plugs by the placeholder the screen shows', () => {
    expect(resolve('(undefined)')).toEqual({ error: 'unknown', token: '(undefined)' });
  });

  it('reports an empty list', () => {
    expect(resolve('')).toEqual({ error: 'empty' });
    expect(resolve('   ')).toEqual({ error: 'empty' });
    // Separators alone select nothing: that is an empty list too, not a command on no plugs.
    expect(resolve('+')).toEqual({ error: 'empty' });
    expect(resolve(' , + ')).toEqual({ error: 'empty' });
  });

  it('lets a plug number win over a plug that happens to be named like a number', () => {
    // fence_wti addresses plugs by number only: "/off 2,y" must never switch another plug.
    const list: NamedPlug[] = [
      { number: 1, name: null },
      { number: 2, name: 'db' },
      { number: 3, name: '2' },
      { number: 4, name: '1:2' },
    ];
    expect(resolve('2', list)).toEqual({ plugs: [2] });
    expect(resolve('1:2', list)).toEqual({ plugs: [1, 2] });
  });
});
