import { Kernel, NetError } from '@netstage/core-net';
import { describe, expect, it } from 'vitest';
import {
  DEVICES,
  DeviceTable,
  IFINDEX,
  IFNAMSIZ,
  IfindexCursor,
  devicesLayer,
  isValidIfname,
  netdev,
  resolveIfname,
  type NetDevice,
} from '../src/index.js';
import { netErrorOf } from './support.js';


/** A kernel with the devices layer, its device core, and a way to add dummies to initNet. */
function boot(): { kernel: Kernel; table: DeviceTable; dummy: (name: string) => NetDevice } {
  const kernel = Kernel.boot({ layers: [devicesLayer()] });
  const core = netdev(kernel);
  const dummy = (name: string): NetDevice => {
    const dev = core.newDummy(kernel.initNet, name, core.randomMac());
    core.register(dev, kernel.initNet);
    return dev;
  };
  return { kernel, table: kernel.initNet.state(DEVICES), dummy };
}

describe('isValidIfname', () => {
  it('accepts names of 1 to 15 characters', () => {
    expect(IFNAMSIZ).toBe(16);
    expect(isValidIfname('a')).toBe(true);
    expect(isValidIfname('eth0')).toBe(true);
    expect(isValidIfname('veth-a_1.2')).toBe(true);
    expect(isValidIfname('a'.repeat(15))).toBe(true);
    expect(isValidIfname('0123456789abcde')).toBe(true);
  });

  it('rejects the empty name and names of 16 characters or more', () => {
    expect(isValidIfname('')).toBe(false);
    expect(isValidIfname('0123456789abcdef')).toBe(false);
    expect(isValidIfname('a'.repeat(16))).toBe(false);
    expect(isValidIfname('a'.repeat(40))).toBe(false);
  });

  it('rejects . and .. but not other names made of dots', () => {
    expect(isValidIfname('.')).toBe(false);
    expect(isValidIfname('..')).toBe(false);
    expect(isValidIfname('...')).toBe(true);
    expect(isValidIfname('.a')).toBe(true);
  });

  it('rejects /, : and white space anywhere in the name', () => {
    for (const name of ['a/b', '/', 'eth0/', 'a:b', 'eth0:1', ':', 'a b', ' a', 'a ', 'a\tb', 'a\nb', '\t']) {
      expect(isValidIfname(name), JSON.stringify(name)).toBe(false);
    }
  });
});

describe('resolveIfname', () => {
  it('returns a free plain name unchanged and changes nothing', () => {
    const { table } = boot();
    const size = table.size;
    expect(resolveIfname(table, 'veth0')).toBe('veth0');
    expect(table.size).toBe(size);
    expect(table.byName('veth0')).toBeUndefined();
  });

  it('refuses a plain name that is taken with EEXIST', () => {
    const { table, dummy } = boot();
    dummy('d0');
    expect(netErrorOf(() => resolveIfname(table, 'd0')).code).toBe('EEXIST');
    expect(netErrorOf(() => resolveIfname(table, 'lo')).code).toBe('EEXIST');
    expect(resolveIfname(table, 'd1')).toBe('d1');
  });

  it('refuses an invalid plain name with EINVAL, even one that is taken nowhere', () => {
    const { table } = boot();
    for (const name of ['', '.', '..', 'a/b', 'a:b', 'a b', '0123456789abcdef']) {
      expect(netErrorOf(() => resolveIfname(table, name)).code, JSON.stringify(name)).toBe('EINVAL');
    }
  });

  it('expands eth%d to eth0 in a table without eth devices', () => {
    const { table } = boot();
    expect(resolveIfname(table, 'eth%d')).toBe('eth0');
  });

  it('expands eth%d to the first free number', () => {
    const { table, dummy } = boot();
    dummy('eth0');
    expect(resolveIfname(table, 'eth%d')).toBe('eth1');
    dummy('eth2');
    expect(resolveIfname(table, 'eth%d')).toBe('eth1');
    dummy('eth1');
    expect(resolveIfname(table, 'eth%d')).toBe('eth3');
  });

  it('keeps the text around %d', () => {
    const { table, dummy } = boot();
    dummy('v0x');
    expect(resolveIfname(table, 'v%dx')).toBe('v1x');
    expect(resolveIfname(table, '%d')).toBe('0');
  });

  it('names a device registered under a pattern with the first free number', () => {
    const kernel = Kernel.boot({ layers: [devicesLayer()] });
    const core = netdev(kernel);
    for (const name of ['eth0', 'eth2']) core.register(core.newDummy(kernel.initNet, name, core.randomMac()), kernel.initNet);
    const dev = core.newDummy(kernel.initNet, 'eth%d', core.randomMac());
    core.register(dev, kernel.initNet, 'eth%d');
    expect(dev.name).toBe('eth1');
    expect(core.byName(kernel.initNet, 'eth1')).toBe(dev);
  });

  it('refuses a pattern with two % or a conversion other than %d with EINVAL', () => {
    const { table } = boot();
    for (const pattern of ['eth%d%d', 'a%db%d', 'eth%s', 'eth%', '%%d', 'eth%dx%']) {
      expect(netErrorOf(() => resolveIfname(table, pattern)).code, pattern).toBe('EINVAL');
    }
  });

  it('refuses a pattern whose expansion cannot fit 15 characters with EINVAL', () => {
    const { table } = boot();
    expect(netErrorOf(() => resolveIfname(table, `${'a'.repeat(15)}%d`)).code).toBe('EINVAL');
    expect(netErrorOf(() => resolveIfname(table, `${'a'.repeat(20)}%d`)).code).toBe('EINVAL');
    expect(netErrorOf(() => resolveIfname(table, 'a/b%d')).code).toBe('EINVAL');
    expect(netErrorOf(() => resolveIfname(table, 'a b%d')).code).toBe('EINVAL');
  });

  it('stops at the numbers whose name still fits, then fails with ENFILE', () => {
    const { table, dummy } = boot();
    const head = 'abcdefghijklm'; // 13 characters: numbers 0..99 fit, 100 would make 16
    expect(resolveIfname(table, `${head}%d`)).toBe(`${head}0`);
    for (let i = 0; i < 10; i++) dummy(`${head}${i}`);
    expect(resolveIfname(table, `${head}%d`)).toBe(`${head}10`);
    for (let i = 10; i < 100; i++) dummy(`${head}${i}`);
    expect(netErrorOf(() => resolveIfname(table, `${head}%d`)).code).toBe('ENFILE');
  });

  it('counts the reserved name as taken', () => {
    const { table, dummy } = boot();
    expect(netErrorOf(() => resolveIfname(table, 'veth0', 'veth0')).code).toBe('EEXIST');
    expect(resolveIfname(table, 'veth0', 'veth1')).toBe('veth0');
    expect(resolveIfname(table, 'veth%d', 'veth0')).toBe('veth1');
    dummy('veth1');
    expect(resolveIfname(table, 'veth%d', 'veth0')).toBe('veth2');
    expect(resolveIfname(table, 'veth%d')).toBe('veth0');
  });
});

describe('name limits count bytes, and patterns are names too', () => {
  it('IFNAMSIZ counts UTF-8 bytes', () => {
    expect(isValidIfname('é'.repeat(7))).toBe(true); // 14 bytes
    expect(isValidIfname('é'.repeat(8))).toBe(false); // 16 bytes
  });

  it('a pattern longer than 15 bytes is refused before it is expanded (dev_valid_name)', () => {
    const kernel = Kernel.boot({ layers: [devicesLayer()] });
    const table = netdev(kernel).table(kernel.initNet);
    if (table === undefined) throw new Error('no table');
    let code: string | undefined;
    try {
      resolveIfname(table, 'abcdefghijklmn%d');
    } catch (err) {
      code = err instanceof NetError ? err.code : undefined;
    }
    expect(code).toBe('EINVAL');
    expect(resolveIfname(table, 'abcdefghijkl%d')).toBe('abcdefghijkl0');
  });
});

describe('IfindexCursor', () => {
  it('hands out 1, 2, 3 ... from a fresh cursor on an empty table', () => {
    const cursor = new IfindexCursor();
    const table = new DeviceTable();
    expect(cursor.last).toBe(0);
    expect([cursor.allocate(table), cursor.allocate(table), cursor.allocate(table)]).toEqual([1, 2, 3]);
    expect(cursor.last).toBe(3);
  });

  it('is cyclic: after 1..4 were handed out and 4 left, the next is 5, not 4', () => {
    const { kernel, dummy } = boot();
    const core = netdev(kernel);
    expect(core.loopback(kernel.initNet)?.ifindex).toBe(1);
    const d2 = dummy('d2');
    const d3 = dummy('d3');
    const d4 = dummy('d4');
    expect([d2.ifindex, d3.ifindex, d4.ifindex]).toEqual([2, 3, 4]);
    core.unregister(d4);
    expect(core.byIndex(kernel.initNet, 4)).toBeUndefined();
    expect(dummy('d5').ifindex).toBe(5);
    core.unregister(d2);
    expect(dummy('d6').ifindex).toBe(6);
  });

  it('continues after the last index it handed out, even when a lower one is free', () => {
    const cursor = new IfindexCursor();
    const table = new DeviceTable();
    for (let i = 1; i <= 4; i++) expect(cursor.allocate(table)).toBe(i);
    // Nothing was ever listed: 1..4 are all free, yet the next is 5.
    expect(cursor.allocate(table)).toBe(5);
  });

  it('skips indices taken in the table it allocates for', () => {
    const { table, dummy } = boot();
    dummy('d2');
    dummy('d3');
    dummy('d4'); // the table holds 1 (lo), 2, 3, 4
    const cursor = new IfindexCursor();
    expect(cursor.allocate(table)).toBe(5);
    expect(cursor.last).toBe(5);
    cursor.last = 1;
    expect(cursor.allocate(table)).toBe(5);
    // Another, empty table: the same cursor just moves on.
    expect(cursor.allocate(new DeviceTable())).toBe(6);
  });

  it('wraps after 0x7fffffff to 1, skipping taken indices', () => {
    const cursor = new IfindexCursor();
    const empty = new DeviceTable();
    cursor.last = 0x7ffffffe;
    expect(cursor.allocate(empty)).toBe(0x7fffffff);
    expect(cursor.allocate(empty)).toBe(1);
    expect(cursor.last).toBe(1);

    const { table, dummy } = boot();
    dummy('d2');
    dummy('d3'); // 1, 2, 3 taken
    cursor.last = 0x7fffffff;
    expect(cursor.allocate(table)).toBe(4);
  });
});

describe('DeviceTable: a small array up to eight devices, two maps above', () => {
  it('finds every device by name and ifindex on both sides of the threshold, and lists in ifindex order', () => {
    const { kernel, table, dummy } = boot();
    const core = netdev(kernel);
    const made = [];
    for (let i = 0; i < 12; i++) {
      made.push(dummy(`d${i}`));
      // lo plus i + 1 dummies: 8 in the array, then 9 and more in the maps.
      expect(table.size).toBe(i + 2);
      for (const d of made) {
        expect(table.byName(d.name)).toBe(d);
        expect(table.byIndex(d.ifindex)).toBe(d);
      }
      expect(table.byName('nope')).toBeUndefined();
      expect(table.byIndex(99)).toBeUndefined();
    }
    expect(table.list().map((d) => d.ifindex)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    // Back down through the threshold, removing from the middle.
    for (const d of [made[5], made[0], made[11], made[7], made[2]]) {
      if (d === undefined) throw new Error('no device');
      core.unregister(d);
      expect(table.byName(d.name)).toBeUndefined();
      expect(table.byIndex(d.ifindex)).toBeUndefined();
    }
    expect(table.size).toBe(8);
    expect(table.list().map((d) => d.name)).toEqual(['lo', 'd1', 'd3', 'd4', 'd6', 'd8', 'd9', 'd10']);
    for (const d of table.list()) expect(table.byName(d.name)).toBe(d);
  });

  it('a rename is seen by name lookups in both forms, and the old name is free again', () => {
    const { kernel, table, dummy } = boot();
    const core = netdev(kernel);
    const first = dummy('a0');
    core.rename(first, 'b0');
    expect(table.byName('a0')).toBeUndefined();
    expect(table.byName('b0')).toBe(first);
    for (let i = 1; i < 10; i++) dummy(`a${i}`);
    expect(table.size).toBe(11);
    core.rename(first, 'c0');
    expect(table.byName('b0')).toBeUndefined();
    expect(table.byName('c0')).toBe(first);
    expect(resolveIfname(table, 'b0')).toBe('b0');
    for (let i = 1; i < 10; i++) {
      const d = table.byName(`a${i}`);
      if (d !== undefined) core.unregister(d);
    }
    expect(table.list().map((d) => d.name)).toEqual(['lo', 'c0']);
    core.rename(first, 'a0');
    expect(table.byName('c0')).toBeUndefined();
    expect(table.byName('a0')).toBe(first);
  });

  it("is its namespace's ifindex cursor with 'ifindex-per-ns' on; before it, every namespace uses initNet's", () => {
    const kernel = Kernel.boot({ layers: [devicesLayer()] });
    const b = kernel.netns.add('b');
    expect(b.state(IFINDEX)).toBe(b.state(DEVICES));
    expect(b.state(DEVICES).last).toBe(1); // lo
    const old = Kernel.boot({ layers: [devicesLayer()], stages: 'virt-dev-delete-on-exit' });
    const c = old.netns.add('c');
    expect(c.state(IFINDEX)).toBe(old.initNet.state(DEVICES));
    expect(old.initNet.state(DEVICES).last).toBe(2); // initNet's lo, then c's
  });
});
