import { describe, expect, it } from 'vitest';
import { Kernel, NetNsFile, Prng, defineKernelKey, defineNetKey, type Layer, type Net, type NetKey } from '../src/index.js';
import { expectNoLeak } from './support.js';


/** A layer with per-namespace state and an exit log, from the start (no stage). */
function stateLayer(log: string[]): { layer: Layer; key: NetKey<{ id: number }> } {
  const key = defineNetKey<{ id: number }>('net-test-state');
  const layer: Layer = {
    name: 'state',
    register(k) {
      k.registerPernetSubsys<{ id: number }>({
        name: 'state',
        key,
        init: (net) => ({ id: net.id }),
        exit: (net, st) => void log.push(`exit ${net.id} ${st.id}`),
      });
    },
  };
  return { layer, key };
}

describe('Kernel at boot', () => {
  it('has initNet (id 0) and pid 1 in it', () => {
    const k = Kernel.boot();
    expect(k.initNet.id).toBe(0);
    expect(k.initNet.isInit).toBe(true);
    expect(k.initNet.kernel).toBe(k);
    expect(k.initNet.lifecycle).toBe('alive');
    expect(k.initNet.refs).toBe(2); // the kernel's own, and pid 1's
    expect(k.nets()).toEqual([k.initNet]);
    expect(k.netById(0)).toBe(k.initNet);
    expect(k.netCount).toBe(1);
    expect(k.dyingCount).toBe(0);
    expect(k.initTask.pid).toBe(1);
    expect(k.initTask.net).toBe(k.initNet);
    expect(k.tasks()).toEqual([k.initTask]);
    expect(k.task(1)).toBe(k.initTask);
    expect(k.task(2)).toBeUndefined();
    expect(k.clock.now).toBe(0);
    expect(k.clock.idle).toBe(true);
  });

  it('seeds its PRNG from the boot seed (default 0)', () => {
    const a = Kernel.boot({ seed: 7 });
    const b = Kernel.boot({ seed: 7 });
    const ref = new Prng(7);
    const xs = [a.random.nextU32(), a.random.nextU32()];
    expect([b.random.nextU32(), b.random.nextU32()]).toEqual(xs);
    expect([ref.nextU32(), ref.nextU32()]).toEqual(xs);
    expect(Kernel.boot().random.nextU32()).toBe(new Prng(0).nextU32());
    expect(Kernel.boot({ seed: 8 }).random.nextU32()).not.toBe(new Prng(7).nextU32());
  });

  it('registers layers in order, after initNet exists', () => {
    const order: string[] = [];
    const layer = (name: string): Layer => ({
      name,
      register(k) {
        order.push(`${name}:${k.initNet.id}:${k.initTask.pid}`);
      },
    });
    const k = Kernel.boot({ layers: [layer('low'), layer('high'), { name: 'no-register' }] });
    expect(order).toEqual(['low:0:1', 'high:0:1']);
    expect(k.layers).toEqual(['core-net', 'low', 'high', 'no-register']);
  });

  it('nets() and tasks() are copies', () => {
    const k = Kernel.boot();
    k.nets().pop();
    k.tasks().pop();
    expect(k.netCount).toBe(1);
    expect(k.tasks()).toHaveLength(1);
  });
});

describe('Net: references', () => {
  it('are counted by tasks and by namespace handles', () => {
    const k = Kernel.boot();
    const net = k.netns.add('a');
    expect(net.isInit).toBe(false);
    expect(net.refs).toBe(1); // the /run/netns/a binding
    const sh = k.netns.exec('a', k.initTask);
    expect(sh.net).toBe(net);
    expect(net.refs).toBe(2); // + the task
    const fd = sh.openNetNs();
    expect(net.refs).toBe(3); // + an open handle
    const child = sh.fork();
    expect(net.refs).toBe(4); // + the child task; the shared handle is not counted again
    expect((sh.file(fd) as NetNsFile).refs).toBe(2);
    child.exit();
    expect(net.refs).toBe(3);
    sh.close(fd);
    expect(net.refs).toBe(2);
    sh.exit();
    expect(net.refs).toBe(1);
    expect(net.lifecycle).toBe('alive');
    k.netns.del('a');
    expect(net.refs).toBe(0);
    expect(net.lifecycle).toBe('dying');
    expectNoLeak(k);
  });

  it('get and maybeGet take a reference on a live namespace', () => {
    const k = Kernel.boot();
    const net = k.netns.add('a');
    net.get();
    expect(net.refs).toBe(2);
    expect(net.maybeGet()).toBe(true);
    expect(net.refs).toBe(3);
    net.put();
    net.put();
    k.netns.del('a');
    expectNoLeak(k);
  });
});

describe('Net: lifecycle', () => {
  it('the last put hides the namespace at once and queues its teardown; the queue kills it', () => {
    const log: string[] = [];
    const { layer, key } = stateLayer(log);
    const k = Kernel.boot({ layers: [layer] });
    const keep = k.netns.add('keep');
    const net = k.netns.add('a');
    expect(k.nets()).toEqual([k.initNet, keep, net]);
    expect(k.netById(net.id)).toBe(net);
    expect(net.filledSlots).toBe(1);

    k.netns.del('a');
    expect(net.lifecycle).toBe('dying');
    expect(k.nets()).toEqual([k.initNet, keep]);
    expect(k.netById(net.id)).toBeUndefined();
    expect(k.netCount).toBe(2);
    expect(k.dyingCount).toBe(1);
    expect(k.clock.queued).toBe(1);
    expect(log).toEqual([]); // exits run later, from the queue
    expect(net.hasOwnState(key)).toBe(true);

    expect(k.clock.runUntilIdle()).toBe(1);
    expect(net.lifecycle).toBe('dead');
    expect(net.filledSlots).toBe(0);
    expect(net.hasOwnState(key)).toBe(false);
    expect(log).toEqual([`exit ${net.id} ${net.id}`]);
    expect(k.dyingCount).toBe(0);
    expect(k.netCount).toBe(2);
    expect(keep.lifecycle).toBe('alive');
    expect(keep.state(key).id).toBe(keep.id);

    k.netns.del('keep');
    expectNoLeak(k);
  });

  it('teardown runs at the instant the last reference went, without moving time', () => {
    const k = Kernel.boot();
    k.clock.advance(1234);
    k.netns.add('a');
    k.netns.del('a');
    k.clock.runPending();
    expect(k.dyingCount).toBe(0);
    expect(k.clock.now).toBe(1234);
  });

  it('several namespaces dying at once are counted and all torn down', () => {
    const k = Kernel.boot();
    const nets = ['a', 'b', 'c'].map((n) => k.netns.add(n));
    for (const n of ['a', 'b', 'c']) k.netns.del(n);
    expect(k.dyingCount).toBe(3);
    expect(k.netCount).toBe(1);
    k.clock.runUntilIdle();
    expect(nets.map((n) => n.lifecycle)).toEqual(['dead', 'dead', 'dead']);
    expectNoLeak(k);
  });

  it('get() on a dying or dead namespace throws; maybeGet() returns false and takes nothing', () => {
    const k = Kernel.boot();
    const net = k.netns.add('a');
    k.netns.del('a');
    expect(net.lifecycle).toBe('dying');
    expect(() => net.get()).toThrow(/dying/);
    expect(net.maybeGet()).toBe(false);
    expect(net.refs).toBe(0);
    k.clock.runUntilIdle();
    expect(net.lifecycle).toBe('dead');
    expect(() => net.get()).toThrow(/dead/);
    expect(net.maybeGet()).toBe(false);
    expect(net.refs).toBe(0);
    expectNoLeak(k);
  });

  it('put() without a reference throws and changes nothing', () => {
    const k = Kernel.boot();
    const net = k.netns.add('a');
    k.netns.del('a');
    k.clock.runUntilIdle();
    expect(() => net.put()).toThrow(/no references/);
    expect(net.refs).toBe(0);
    expect(net.lifecycle).toBe('dead');
    expect(k.dyingCount).toBe(0);
    expect(k.clock.idle).toBe(true);
  });

  it('initNet never dies, even when every reference is dropped', () => {
    const k = Kernel.boot();
    k.initTask.exit();
    expect(k.initNet.refs).toBe(1);
    k.initNet.put();
    expect(k.initNet.refs).toBe(0);
    expect(k.initNet.lifecycle).toBe('alive');
    expect(k.nets()).toEqual([k.initNet]);
    expect(k.dyingCount).toBe(0);
    expect(k.clock.idle).toBe(true);
    k.clock.runUntilIdle();
    expect(k.initNet.lifecycle).toBe('alive');
    // Still usable.
    k.initNet.get();
    expect(k.initNet.refs).toBe(1);
    expect(() => {
      k.initNet.put();
      k.initNet.put();
    }).toThrow(/no references/);
  });

  it('namespace ids are unique for the kernel life and never reused', () => {
    const k = Kernel.boot();
    const a = k.netns.add('a');
    k.netns.del('a');
    k.clock.runUntilIdle();
    const b = k.netns.add('a');
    expect(b).not.toBe(a);
    expect(b.id).toBeGreaterThan(a.id);
    expect(k.netById(a.id)).toBeUndefined();
    expect(k.netById(b.id)).toBe(b);
    k.netns.del('a');
    expectNoLeak(k);
  });
});

describe('Net: state slots and stage resolution', () => {
  const PROBE = {
    id: 'probe-per-ns',
    layer: 'probe',
    order: 90_000,
    subject: '[PROBE]: per-namespace probe state',
    commit: '0123456789abcdef0123456789abcdef01234567',
    release: 'v9.9',
    opens: [],
    whileOff: 'x',
    requires: ['net-ns-clone'],
  } as const;

  function boot(stages: string): { k: Kernel; key: NetKey<{ hits: number }> } {
    const key = defineNetKey<{ hits: number }>('hits', { stage: 'probe-per-ns' });
    const k = Kernel.boot({
      stages,
      layers: [
        {
          name: 'probe',
          stages: [PROBE],
          register(kernel) {
            kernel.registerPernetSubsys({ name: 'hits', key, init: () => ({ hits: 0 }) });
          },
        },
      ],
    });
    return { k, key };
  }

  function hit(net: Net, key: NetKey<{ hits: number }>): void {
    net.state(key).hits++;
  }

  it("stage off: state written from another namespace lands in initNet's (the old global)", () => {
    const { k, key } = boot('net-ns-clone');
    const a = k.netns.add('a');
    hit(a, key);
    hit(a, key);
    hit(k.initNet, key);
    expect(k.initNet.state(key).hits).toBe(3);
    expect(a.state(key)).toBe(k.initNet.state(key));
    expect(a.hasOwnState(key)).toBe(false);
    expect(a.filledSlots).toBe(0);
    k.netns.del('a');
    expectNoLeak(k);
    expect(k.initNet.state(key).hits).toBe(3);
  });

  it('stage on: each namespace counts on its own', () => {
    const { k, key } = boot('all');
    const a = k.netns.add('a');
    const b = k.netns.add('b');
    hit(a, key);
    hit(a, key);
    hit(b, key);
    expect(a.state(key).hits).toBe(2);
    expect(b.state(key).hits).toBe(1);
    expect(k.initNet.state(key).hits).toBe(0);
    expect(a.filledSlots).toBe(1);
    k.netns.del('a');
    k.netns.del('b');
    expectNoLeak(k);
  });
});

describe('kernel-wide state slots', () => {
  it('are per kernel, set once, and name themselves when missing', () => {
    const KEY = defineKernelKey<{ n: number }>('test-kernel-slot');
    const a = Kernel.boot();
    const b = Kernel.boot();
    expect(a.hasState(KEY)).toBe(false);
    expect(() => a.state(KEY)).toThrow(/no kernel state 'test-kernel-slot'/);
    a.setState(KEY, { n: 1 });
    b.setState(KEY, { n: 2 });
    expect(a.state(KEY).n).toBe(1);
    expect(b.state(KEY).n).toBe(2);
    expect(() => a.setState(KEY, { n: 3 })).toThrow(/set twice/);
  });
});

describe('peer namespace ids (net->netns_ids)', () => {
  it('allocates the lowest free id per observer and frees ids of dead namespaces', () => {
    const kernel = Kernel.boot();
    const a = kernel.netns.add('a');
    const b = kernel.netns.add('b');
    const c = kernel.netns.add('c');
    expect(a.peerId(b)).toBe(-1);
    expect(a.peerIdAlloc(b)).toBe(0);
    expect(a.peerIdAlloc(b)).toBe(0);
    expect(a.peerIdAlloc(c)).toBe(1);
    expect(b.peerIds()).toEqual([]);
    expect(b.peerIdAlloc(a)).toBe(0);
    kernel.netns.del('b');
    kernel.clock.runUntilIdle();
    expect(a.peerId(b)).toBe(-1);
    expect(a.peerIds()).toEqual([{ id: 1, net: c }]);
    expect(a.peerIdAlloc(kernel.initNet)).toBe(0);
    kernel.netns.del('a');
    kernel.netns.del('c');
    kernel.clock.runUntilIdle();
  });
});
