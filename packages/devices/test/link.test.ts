import { Kernel, stagePrefixes } from '@netstage/core-net';
import { describe, expect, it } from 'vitest';
import { DEVICE_STAGES, devicesLayer, devicesStages, parseMac } from '../src/index.js';
import { listing, netErrorOf, world } from './support.js';

describe('the link control surface: errors (transcript 4.C, reference §5)', () => {
  it('a missing device: ENODEV, Cannot find device "nosuch0"', () => {
    const w = world();
    const { sh } = w.ns('a');
    for (const call of [() => w.links.del(sh, 'nosuch0'), () => w.links.set(sh, 'nosuch0', { up: true }), () => w.links.show(sh, 'nosuch0')]) {
      const e = netErrorOf(call);
      expect([e.code, e.message]).toEqual(['ENODEV', 'Cannot find device "nosuch0"']);
    }
    w.end();
  });

  it('creating a device whose name exists: EEXIST', () => {
    const w = world();
    const { net, sh } = w.ns('a');
    w.links.add(sh, { kind: 'veth', name: 'veth0', peer: { name: 'vethp' } });
    const e = netErrorOf(() => w.links.add(sh, { kind: 'veth', name: 'veth0', peer: { name: 'vethq' } }));
    expect([e.code, e.message]).toEqual(['EEXIST', 'File exists']);
    expect(listing(w, net)).toEqual(['1: lo', '2: vethp', '3: veth0']);
    w.end();
  });

  it('names: at most 15 characters, no "/", ":", spaces, "." or ".."', () => {
    const w = world();
    const { net, sh } = w.ns('a');
    w.links.add(sh, { kind: 'dummy', name: '0123456789abcde' });
    const long = netErrorOf(() => w.links.add(sh, { kind: 'dummy', name: '0123456789abcdef' }));
    expect([long.code, long.message]).toEqual(['EINVAL', 'Error: Attribute failed policy validation.']);
    for (const bad of ['0123456789abcdef', 'a/b', 'a:b', 'a b', '.', '..', '']) {
      expect(netErrorOf(() => w.links.add(sh, { kind: 'dummy', name: bad })).code).toBe('EINVAL');
      expect(netErrorOf(() => w.links.set(sh, '0123456789abcde', { name: bad })).code).toBe('EINVAL');
    }
    expect(listing(w, net)).toEqual(['1: lo', '2: 0123456789abcde']);
    w.end();
  });

  it('MTU out of range: EINVAL with the kernel message; nothing else in the request applies', () => {
    const w = world();
    const { net, sh } = w.ns('a');
    w.links.add(sh, { kind: 'veth', name: 'v0', peer: { name: 'v1' } });
    const low = netErrorOf(() => w.links.set(sh, 'v0', { mtu: 67, up: true, name: 'renamed' }));
    expect([low.code, low.message]).toEqual(['EINVAL', 'Error: mtu less than device minimum.']);
    const high = netErrorOf(() => w.links.set(sh, 'v0', { mtu: 65536 }));
    expect([high.code, high.message]).toEqual(['EINVAL', 'Error: mtu greater than device maximum.']);
    const v0 = w.dev(net, 'v0');
    expect([v0.name, v0.up, v0.mtu]).toEqual(['v0', false, 1500]);
    w.links.set(sh, 'v0', { mtu: 68 });
    w.links.set(sh, 'v0', { mtu: 65535 });
    expect(v0.mtu).toBe(65535);
    w.end();
  });

  it('MAC: a multicast, broadcast or all-zero address is EADDRNOTAVAIL, on lo too (6.18)', () => {
    const w = world();
    const { net, sh } = w.ns('a');
    w.links.add(sh, { kind: 'dummy', name: 'd0' });
    const multicast = parseMac('01:00:00:00:00:01') ?? 0;
    expect(netErrorOf(() => w.links.set(sh, 'd0', { address: multicast })).code).toBe('EADDRNOTAVAIL');
    expect(netErrorOf(() => w.links.set(sh, 'd0', { address: 0 })).code).toBe('EADDRNOTAVAIL');
    expect(netErrorOf(() => w.links.set(sh, 'd0', { address: 0xffff_ffff_ffff })).code).toBe('EADDRNOTAVAIL');
    expect(netErrorOf(() => w.links.set(sh, 'lo', { address: 0 })).code).toBe('EADDRNOTAVAIL');
    w.links.set(sh, 'd0', { address: parseMac('02:00:00:00:00:01') ?? 0 });
    expect(w.dev(net, 'd0').mac).toBe(0x02_00_00_00_00_01);
    w.links.set(sh, 'lo', { address: parseMac('02:00:00:00:00:09') ?? 0 });
    expect(w.dev(net, 'lo').mac).toBe(0x02_00_00_00_00_09);
    w.end();
  });

  it('NICs cannot be deleted (no dellink)', () => {
    const w = world({ devices: { nics: ['eth0'] } });
    expect(netErrorOf(() => w.links.del(w.kernel.initTask, 'eth0')).code).toBe('EOPNOTSUPP');
    w.end();
  });

  it('a namespace handle that is not one: EINVAL; a closed descriptor: EBADF', () => {
    const w = world();
    const { sh } = w.ns('a');
    w.links.add(sh, { kind: 'dummy', name: 'd0' });
    expect(netErrorOf(() => w.links.set(sh, 'd0', { netns: { fd: 7 } })).code).toBe('EBADF');
    w.end();
  });
});

describe('the link control surface behind its stages (reference §2.1)', () => {
  const prefixes = stagePrefixes(Kernel.boot({ layers: [devicesLayer()] }).manifest);
  const at = (id: string) => {
    const i = prefixes.findIndex((p) => p.ids().includes(id));
    return { before: prefixes[i - 1], on: prefixes[i] };
  };

  it("before 'rtnl-netns-socket' a non-initial namespace gets ECONNREFUSED, initNet works", () => {
    const sel = at(DEVICE_STAGES.rtnlSocket).before;
    if (sel === undefined) throw new Error('no prefix');
    const w = world({ stages: sel });
    const { sh } = w.ns('a');
    expect(netErrorOf(() => w.links.show(sh)).code).toBe('ECONNREFUSED');
    expect(netErrorOf(() => w.links.add(sh, { kind: 'dummy' })).code).toBe('ECONNREFUSED');
    w.links.add(w.kernel.initTask, { kind: 'dummy', name: 'd0' });
    expect(w.links.show(w.kernel.initTask).map((l) => l.name)).toEqual(['lo', 'd0']);
    const refusals = w.kernel.stages.refusals(w.kernel.manifest.stage(DEVICE_STAGES.rtnlSocket), sh.net);
    expect(refusals).toBe(2);
    w.end();
  });

  it("before 'rtnl-link-methods': changes EINVAL, dumps empty", () => {
    const sel = at(DEVICE_STAGES.rtnlLink).before;
    if (sel === undefined) throw new Error('no prefix');
    const w = world({ stages: sel });
    const { sh } = w.ns('a');
    expect(w.links.show(sh)).toEqual([]);
    expect(netErrorOf(() => w.links.show(sh, 'lo')).code).toBe('EINVAL');
    expect(netErrorOf(() => w.links.set(sh, 'lo', { up: true })).code).toBe('EINVAL');
    expect(netErrorOf(() => w.links.add(sh, { kind: 'dummy' })).code).toBe('EINVAL');
    w.end();
  });

  it("with 'rtnl-link-methods' on, a child namespace manages its own links", () => {
    const sel = at(DEVICE_STAGES.rtnlLink).on;
    if (sel === undefined) throw new Error('no prefix');
    const w = world({ stages: sel });
    const { sh } = w.ns('a');
    w.links.add(sh, { kind: 'dummy', name: 'd0' });
    expect(w.links.show(sh).map((l) => l.name)).toEqual(['lo', 'd0']);
    w.end();
  });

  it('the layer contributes its stages in upstream order after core-net', () => {
    const m = Kernel.boot({ layers: [devicesLayer()] }).manifest;
    expect(m.stages.map((s) => s.id)).toEqual([
      'net-ns-basic',
      'net-ns-task',
      'dev-ns-tag',
      'dev-ns-init',
      'dev-rx-ns-safe',
      'dev-events-ns-safe',
      'dev-list-per-ns',
      'dev-alloc-name-ns',
      'dev-move',
      'dev-move-netlink',
      'net-ns-clone',
      'loopback-per-ns',
      'rtnl-netns-socket',
      'rtnl-link-methods',
      'virt-dev-delete-on-exit',
      'ifindex-per-ns',
    ]);
    expect(devicesStages.every((s) => /^[0-9a-f]{40}$/.test(s.commit))).toBe(true);
  });
});
