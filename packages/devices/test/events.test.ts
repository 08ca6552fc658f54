import { Kernel, type Layer, type Net } from '@netstage/core-net';
import { describe, expect, it } from 'vitest';
import {
  LinkControl,
  NicDevice,
  devicesLayer,
  devicesStages,
  netdev,
  type NetDevice,
  type NetdevEvent,
  type NetdevSubscriber,
  type Netdev,
} from '../src/index.js';
import { netErrorOf, expectNoLeak } from './support.js';

/** Every stage of core-net and devices except `dev-events-ns-safe`. */
// dev-move needs dev-events-ns-safe (a move must be heard), so this kernel cannot move
// devices between namespaces either.
const EVENTS_OFF =
  'net-ns-basic,net-ns-task,net-ns-clone,dev-ns-tag,dev-ns-init,dev-list-per-ns,dev-alloc-name-ns,' +
  'loopback-per-ns,dev-rx-ns-safe';

/** A test layer with a stage that makes one subscriber namespace aware. */
const probeLayer: Layer = {
  name: 'probe',
  stages: [
    {
      id: 'probe-ev',
      layer: 'probe',
      order: 999_000,
      subject: 'test',
      commit: '0123456789abcdef0123456789abcdef01234567',
      release: 'test',
      opens: [],
      whileOff: 'unheard',
      requires: ['dev-events-ns-safe'],
    },
  ],
};

/** Every stage of core-net and devices, but not `probe-ev`. */
const ALL_BUT_PROBE = ['net-ns-basic', 'net-ns-task', 'net-ns-clone', ...devicesStages.map((s) => s.id)].join(',');

const MAC_A = 0x02_0000_000a01;
const MAC_B = 0x02_0000_000b02;


interface Recorder {
  /** `event:devname`, in delivery order. */
  readonly events: string[];
  readonly unsubscribe: () => void;
}

/** Subscribe a recorder of `event:devname` strings (with `@ns` when `where` is given). */
function record(core: Netdev, options: { stage?: string; where?: (net: Net) => string } = {}): Recorder {
  const events: string[] = [];
  const where = options.where;
  const onEvent = (event: NetdevEvent, dev: NetDevice): void => {
    events.push(where === undefined ? `${event}:${dev.name}` : `${event}:${dev.name}@${where(dev.net)}`);
  };
  const subscriber: NetdevSubscriber = options.stage === undefined ? { name: 'rec', onEvent } : { name: 'rec', stage: options.stage, onEvent };
  return { events, unsubscribe: core.chain.subscribe(subscriber) };
}

function boot(stages?: string, layers: readonly Layer[] = [devicesLayer()]): { kernel: Kernel; core: Netdev } {
  const kernel = stages === undefined ? Kernel.boot({ layers }) : Kernel.boot({ stages, layers });
  return { kernel, core: netdev(kernel) };
}

function dummy(core: Netdev, net: Net, name: string, mac = MAC_A): NetDevice {
  const dev = core.newDummy(net, name, mac);
  core.register(dev, net);
  return dev;
}


describe('device events: sequences', () => {
  it('registering a dummy announces register, with the device already listed', () => {
    const { kernel, core } = boot();
    const rec = record(core);
    const listed: boolean[] = [];
    core.chain.subscribe({ name: 'listed', onEvent: (_e, d) => listed.push(core.byName(d.net, d.name) === d && d.ifindex > 0) });
    dummy(core, kernel.initNet, 'd0');
    expect(rec.events).toEqual(['register:d0']);
    expect(listed).toEqual([true]);
  });

  it('delivers to subscribers in subscription order', () => {
    const { kernel, core } = boot();
    const order: string[] = [];
    core.chain.subscribe({ name: 'first', onEvent: (e) => order.push(`first:${e}`) });
    core.chain.subscribe({ name: 'second', onEvent: (e) => order.push(`second:${e}`) });
    dummy(core, kernel.initNet, 'd0');
    expect(order).toEqual(['first:register', 'second:register']);
  });

  it('open announces up; close announces going-down while still up, then down', () => {
    const { kernel, core } = boot();
    const dev = dummy(core, kernel.initNet, 'd0');
    const rec = record(core);
    const upAt: boolean[] = [];
    core.chain.subscribe({ name: 'state', onEvent: (_e, d) => upAt.push(d.up) });
    core.open(dev);
    expect(rec.events.splice(0)).toEqual(['up:d0']);
    core.close(dev);
    expect(rec.events.splice(0)).toEqual(['going-down:d0', 'down:d0']);
    expect(upAt).toEqual([true, true, false]);
  });

  it('announces nothing when nothing changes', () => {
    const { kernel, core } = boot();
    const dev = dummy(core, kernel.initNet, 'd0');
    core.open(dev);
    const rec = record(core);
    core.open(dev);
    core.setMtu(dev, dev.mtu);
    core.setMac(dev, dev.mac);
    core.rename(dev, 'd0');
    core.move(dev, kernel.initNet);
    expect(rec.events).toEqual([]);
    core.close(dev);
    rec.events.length = 0;
    core.close(dev);
    expect(rec.events).toEqual([]);
  });

  it('rename announces change-name with the new name', () => {
    const { kernel, core } = boot();
    const dev = dummy(core, kernel.initNet, 'd0');
    dummy(core, kernel.initNet, 'taken', MAC_B);
    const rec = record(core);
    core.rename(dev, 'd1');
    expect(rec.events).toEqual(['change-name:d1']);
    expect(core.byName(kernel.initNet, 'd0')).toBeUndefined();
    expect(core.byName(kernel.initNet, 'd1')).toBe(dev);
    expect(netErrorOf(() => core.rename(dev, 'taken')).code).toBe('EEXIST');
    expect(netErrorOf(() => core.rename(dev, 'a/b')).code).toBe('EINVAL');
    expect(rec.events).toEqual(['change-name:d1']);
    core.rename(dev, 'x%d');
    expect(rec.events).toEqual(['change-name:d1', 'change-name:x0']);
  });

  it('setMtu announces change-mtu with the new MTU in place; a refused MTU announces nothing', () => {
    const { kernel, core } = boot();
    const dev = dummy(core, kernel.initNet, 'd0');
    const rec = record(core);
    const mtus: number[] = [];
    core.chain.subscribe({ name: 'mtu', onEvent: (_e, d) => mtus.push(d.mtu) });
    core.setMtu(dev, 9000);
    expect(rec.events).toEqual(['change-mtu:d0']);
    expect(mtus).toEqual([9000]);
    expect(netErrorOf(() => core.setMtu(dev, -1)).code).toBe('EINVAL');
    expect(rec.events).toEqual(['change-mtu:d0']);
    expect(dev.mtu).toBe(9000);
  });

  it('setMac announces change-addr; a refused address announces nothing', () => {
    const { kernel, core } = boot();
    const dev = dummy(core, kernel.initNet, 'd0', MAC_A);
    const rec = record(core);
    core.setMac(dev, MAC_B);
    expect(rec.events).toEqual(['change-addr:d0']);
    expect(dev.mac).toBe(MAC_B);
    expect(netErrorOf(() => core.setMac(dev, 0x01_005e_000001)).code).toBe('EADDRNOTAVAIL');
    expect(netErrorOf(() => core.setMac(dev, 0)).code).toBe('EADDRNOTAVAIL');
    expect(rec.events).toEqual(['change-addr:d0']);
  });

  it('unregistering an up device announces going-down, down, unregister', () => {
    const { kernel, core } = boot();
    const dev = dummy(core, kernel.initNet, 'd0');
    core.open(dev);
    const rec = record(core);
    core.unregister(dev);
    expect(rec.events).toEqual(['going-down:d0', 'down:d0', 'unregister:d0']);
    expect(dev.registered).toBe(false);
    expect(core.byName(kernel.initNet, 'd0')).toBeUndefined();
  });

  it('NETDEV_UNREGISTER comes after the device left the list (unregister_netdevice_many)', () => {
    const { kernel, core } = boot();
    const dev = dummy(core, kernel.initNet, 'd0');
    const listed: boolean[] = [];
    core.chain.subscribe({ name: 't', onEvent: (e, d) => e === 'unregister' && listed.push(core.byName(d.net, d.name) !== undefined) });
    core.unregister(dev);
    expect(listed).toEqual([false]);
  });

  it('unregistering a down device announces only unregister', () => {
    const { kernel, core } = boot();
    const dev = dummy(core, kernel.initNet, 'd0');
    const rec = record(core);
    core.unregister(dev);
    expect(rec.events).toEqual(['unregister:d0']);
    core.unregister(dev);
    expect(rec.events).toEqual(['unregister:d0']);
  });

  it('a NIC announces carrier changes while up, with the new operational state', () => {
    const kernel = Kernel.boot({ layers: [devicesLayer({ nics: ['eth0'] })] });
    const core = netdev(kernel);
    const eth0 = core.byName(kernel.initNet, 'eth0');
    if (!(eth0 instanceof NicDevice)) throw new Error('eth0 is not a NIC');
    const seen: string[] = [];
    core.chain.subscribe({ name: 'rec', onEvent: (e, d) => { if (e === 'change') seen.push(`${e}:${d.name}:${d.operstate}`); } });
    eth0.setCarrier(false); // down: nothing to announce
    eth0.setCarrier(true);
    expect(seen).toEqual([]);
    core.open(eth0);
    seen.length = 0;
    eth0.setCarrier(false);
    expect(seen.splice(0)).toEqual(['change:eth0:DOWN']);
    eth0.setCarrier(false);
    expect(seen).toEqual([]);
    eth0.setCarrier(true);
    expect(seen).toEqual(['change:eth0:UP']);
  });
});

describe('device events: veth carrier', () => {
  function vethPair(kernel: Kernel): { va: NetDevice; vb: NetDevice } {
    const core = netdev(kernel);
    new LinkControl(kernel).add(kernel.initTask, { kind: 'veth', name: 'va', address: MAC_A, peer: { name: 'vb', address: MAC_B } });
    const va = core.byName(kernel.initNet, 'va');
    const vb = core.byName(kernel.initNet, 'vb');
    if (va === undefined || vb === undefined) throw new Error('veth pair not created');
    return { va, vb };
  }

  it('registers the peer first', () => {
    const { kernel, core } = boot();
    const rec = record(core);
    const { va, vb } = vethPair(kernel);
    expect(rec.events).toEqual(['register:vb', 'register:va']);
    expect(vb.ifindex).toBe(va.ifindex - 1);
  });

  it('opening one end announces up for it only; opening the other brings carrier to both', () => {
    const { kernel, core } = boot();
    const { va, vb } = vethPair(kernel);
    const seen: string[] = [];
    core.chain.subscribe({
      name: 'rec',
      // The operational state is link-watch's, so only meaningful from a 'change' on.
      onEvent: (e, d) => seen.push(`${e}:${d.name}:${d.carrier ? 'carrier' : 'no-carrier'}${e === 'change' ? `:${d.operstate}` : ''}`),
    });

    core.open(va);
    expect(seen.splice(0)).toEqual(['up:va:no-carrier']);
    expect(va.operstate).toBe('LOWERLAYERDOWN');

    core.open(vb);
    // NETDEV_UP for vb first; then link-watch's NETDEV_CHANGE for the ends whose carrier
    // came on (veth_open turns on its own carrier, then the peer's).
    expect(seen.splice(0)).toEqual(['up:vb:carrier', 'change:vb:carrier:UP', 'change:va:carrier:UP']);
    expect(va.operstate).toBe('UP');
    expect(vb.operstate).toBe('UP');
  });

  it('closing one end announces its going down, then the carrier loss of the other', () => {
    const { kernel, core } = boot();
    const { va, vb } = vethPair(kernel);
    core.open(va);
    core.open(vb);
    const seen: string[] = [];
    core.chain.subscribe({ name: 'rec', onEvent: (e, d) => seen.push(`${e}:${d.name}:${d.carrier ? 'carrier' : 'no-carrier'}`) });
    core.close(vb);
    expect(seen).toEqual(['going-down:vb:carrier', 'down:vb:no-carrier', 'change:va:no-carrier']);
    expect(va.operstate).toBe('LOWERLAYERDOWN');
    expect(vb.operstate).toBe('DOWN');
  });

  it('deleting an up pair announces both going, and no late carrier change', () => {
    const { kernel, core } = boot();
    const { va, vb } = vethPair(kernel);
    core.open(va);
    core.open(vb);
    const rec = record(core);
    core.unregister(va);
    kernel.clock.runUntilIdle();
    expect(rec.events).toEqual(['going-down:va', 'down:va', 'unregister:va', 'going-down:vb', 'down:vb', 'unregister:vb']);
    expect(vb.registered).toBe(false);
  });
});

describe('device events: moves', () => {
  it('a move is down (if up), unregister in the old namespace, register in the new one', () => {
    const { kernel, core } = boot();
    const b = kernel.netns.add('b');
    const where = (net: Net): string => (net === kernel.initNet ? 'init' : net === b ? 'b' : `net${net.id}`);
    const dev = dummy(core, kernel.initNet, 'm0');
    const ifindex = dev.ifindex;
    core.open(dev);
    const rec = record(core, { where });
    core.move(dev, b);
    expect(rec.events.splice(0)).toEqual(['going-down:m0@init', 'down:m0@init', 'unregister:m0@init', 'register:m0@b']);
    expect(dev.up).toBe(false);
    expect(dev.net).toBe(b);
    expect(core.byName(b, 'm0')).toBe(dev);
    expect(core.byName(kernel.initNet, 'm0')).toBeUndefined();
    expect(dev.ifindex).toBe(ifindex); // free in b: kept

    // Back, down this time, under a new name.
    core.move(dev, kernel.initNet, 'm1');
    expect(rec.events.splice(0)).toEqual(['unregister:m0@b', 'register:m1@init']);
    expect(core.byName(kernel.initNet, 'm1')).toBe(dev);
    rec.unsubscribe();
    expectNoLeak(kernel);
  });

  it('a refused move announces nothing', () => {
    const { kernel, core } = boot();
    const b = kernel.netns.add('b');
    dummy(core, b, 'm0', MAC_B);
    const dev = dummy(core, kernel.initNet, 'm0');
    core.open(dev);
    const rec = record(core);
    expect(netErrorOf(() => core.move(dev, b)).code).toBe('EEXIST');
    const lo = core.loopback(kernel.initNet);
    if (lo === undefined) throw new Error('no lo');
    expect(netErrorOf(() => core.move(lo, b)).code).toBe('EINVAL');
    expect(rec.events).toEqual([]);
    expect(dev.up).toBe(true);
    expectNoLeak(kernel);
  });

  it('a namespace exit announces the deletion of its virtual devices there', () => {
    const { kernel, core } = boot();
    const b = kernel.netns.add('b');
    const where = (net: Net): string => (net === b ? 'b' : 'other');
    dummy(core, b, 'd0');
    const rec = record(core, { where });
    kernel.netns.del('b');
    expect(rec.events).toEqual([]); // torn down on the event queue
    kernel.clock.runUntilIdle();
    expect(rec.events).toContain('unregister:d0@b');
    expect(rec.events.every((e) => e.startsWith('unregister:'))).toBe(true);
    expectNoLeak(kernel);
  });
});

describe('device events: subscriptions and stage gates', () => {
  it('unsubscribing stops delivery to that subscriber only', () => {
    const { kernel, core } = boot();
    const size = core.chain.size;
    const one = record(core);
    const two = record(core);
    expect(core.chain.size).toBe(size + 2);
    dummy(core, kernel.initNet, 'd0');
    one.unsubscribe();
    expect(core.chain.size).toBe(size + 1);
    dummy(core, kernel.initNet, 'd1', MAC_B);
    expect(one.events).toEqual(['register:d0']);
    expect(two.events).toEqual(['register:d0', 'register:d1']);
    one.unsubscribe();
    expect(core.chain.size).toBe(size + 1);
  });

  it('subscribing with a stage the kernel does not have throws and subscribes nothing', () => {
    const { core } = boot();
    const size = core.chain.size;
    expect(() => core.chain.subscribe({ name: 'x', stage: 'no-such-stage', onEvent: () => undefined })).toThrow(/no-such-stage/);
    expect(core.chain.size).toBe(size);
  });

  it('with every stage on, subscribers hear every namespace', () => {
    const { kernel, core } = boot();
    const rec = record(core, { where: (net) => (net.isInit ? 'init' : 'b') });
    kernel.netns.add('b');
    expect(rec.events).toEqual(['register:lo@b']);
    expectNoLeak(kernel);
  });

  it('a subscriber whose stage is off hears initNet only; the others hear everything', () => {
    const { kernel, core } = boot(ALL_BUT_PROBE, [devicesLayer(), probeLayer]);
    const probe = kernel.manifest.stage('probe-ev');
    expect(kernel.stages.isOn(probe)).toBe(false);
    expect(kernel.stages.isOn(kernel.manifest.stage('dev-events-ns-safe'))).toBe(true);
    const where = (net: Net): string => (net.isInit ? 'init' : 'b');
    const gated = record(core, { stage: 'probe-ev', where });
    const aware = record(core, { where });
    const b = kernel.netns.add('b');
    const inB = dummy(core, b, 'd0');
    core.open(inB);
    dummy(core, kernel.initNet, 'd0');
    expect(gated.events).toEqual(['register:d0@init']);
    expect(aware.events).toEqual(['register:lo@b', 'register:d0@b', 'up:d0@b', 'register:d0@init']);
    expect(kernel.stages.refusals(probe, b)).toBe(3);
    expect(kernel.stages.refusals(kernel.manifest.stage('dev-events-ns-safe'), b)).toBe(0);
    expectNoLeak(kernel);
  });

  it('a subscriber whose stage is on hears every namespace', () => {
    const { kernel, core } = boot(undefined, [devicesLayer(), probeLayer]);
    const gated = record(core, { stage: 'probe-ev', where: (net) => (net.isInit ? 'init' : 'b') });
    const b = kernel.netns.add('b');
    dummy(core, b, 'd0');
    expect(gated.events).toEqual(['register:lo@b', 'register:d0@b']);
    expectNoLeak(kernel);
  });

  it('while dev-events-ns-safe is off, nobody hears a non-initial namespace, and the gate counts it', () => {
    const { kernel, core } = boot(EVENTS_OFF);
    const stage = kernel.manifest.stage('dev-events-ns-safe');
    expect(kernel.stages.isOn(stage)).toBe(false);
    const where = (net: Net): string => (net.isInit ? 'init' : 'b');
    const rec = record(core, { where });
    const b = kernel.netns.add('b');
    expect(core.loopback(b)?.registered).toBe(true); // lo was registered, unheard
    expect(rec.events).toEqual([]);
    const before = kernel.stages.refusals(stage, b);
    expect(before).toBeGreaterThan(0);

    const inB = dummy(core, b, 'd0');
    core.open(inB);
    core.close(inB);
    expect(rec.events).toEqual([]);
    expect(kernel.stages.refusals(stage, b)).toBe(before + 4); // register, up, going-down, down

    // initNet is still heard; a move out of it is refused outright.
    const inInit = dummy(core, kernel.initNet, 'm0');
    expect(rec.events).toEqual(['register:m0@init']);
    expect(() => core.move(inInit, b)).toThrow(/Invalid argument/);
    expect(kernel.stages.refusals(stage, kernel.initNet)).toBe(0);
    expectNoLeak(kernel);
  });
});
