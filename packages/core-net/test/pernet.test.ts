import { describe, expect, it } from 'vitest';
import {
  Kernel,
  ManifestError,
  NetError,
  defineNetKey,
  isNetError,
  type Layer,
  type Net,
  type NetKey,
  type PernetOperations,
  type StageDef,
} from '../src/index.js';
import { expectNoLeak } from './support.js';

const PROBE_STAGE: StageDef = {
  id: 'probe-per-ns',
  layer: 'probe',
  order: 90_000,
  subject: '[PROBE]: make the probe state per namespace',
  commit: '0123456789abcdef0123456789abcdef01234567',
  release: 'v9.9',
  opens: [],
  whileOff: 'x',
  requires: ['net-ns-clone'],
};

/** A layer owning 'probe-per-ns' that registers the given ops at boot. */
function probeLayer(register: (k: Kernel) => void): Layer {
  return { name: 'probe', stages: [PROBE_STAGE], register };
}

/** Ops that log `init <name> <net id>` / `exit <name> <net id>` into `log`. */
function logging(name: string, log: string[], extra: Partial<PernetOperations> = {}): PernetOperations {
  return {
    name,
    init: (net: Net) => {
      log.push(`init ${name} ${net.id}`);
    },
    exit: (net: Net) => {
      log.push(`exit ${name} ${net.id}`);
    },
    ...extra,
  };
}


class Boom extends Error {}

describe('pernet: order', () => {
  it('runs subsystems before devices, whatever the registration order, and exits in reverse', () => {
    const log: string[] = [];
    const k = Kernel.boot();
    k.registerPernetDevice(logging('dev1', log));
    k.registerPernetSubsys(logging('sub1', log));
    k.registerPernetDevice(logging('dev2', log));
    k.registerPernetSubsys(logging('sub2', log));
    // At registration, each op runs for the namespaces alive then (initNet only here).
    expect(log).toEqual(['init dev1 0', 'init sub1 0', 'init dev2 0', 'init sub2 0']);
    expect(k.pernetOps).toEqual([
      { name: 'sub1', kind: 'subsys' },
      { name: 'sub2', kind: 'subsys' },
      { name: 'dev1', kind: 'device' },
      { name: 'dev2', kind: 'device' },
    ]);
    log.length = 0;
    const net = k.netns.add('a');
    expect(log).toEqual([`init sub1 ${net.id}`, `init sub2 ${net.id}`, `init dev1 ${net.id}`, `init dev2 ${net.id}`]);
    log.length = 0;
    k.netns.del('a');
    // Teardown is asynchronous: nothing has exited yet.
    expect(log).toEqual([]);
    k.clock.runUntilIdle();
    expect(log).toEqual([`exit dev2 ${net.id}`, `exit dev1 ${net.id}`, `exit sub2 ${net.id}`, `exit sub1 ${net.id}`]);
    expectNoLeak(k);
  });

  it('runs an op registered late for every namespace alive then, in creation order', () => {
    const log: string[] = [];
    const k = Kernel.boot();
    const a = k.netns.add('a');
    const b = k.netns.add('b');
    k.registerPernetSubsys(logging('late', log));
    expect(log).toEqual(['init late 0', `init late ${a.id}`, `init late ${b.id}`]);
    k.netns.del('a');
    k.netns.del('b');
    k.clock.runUntilIdle();
    expect(log.slice(3).sort()).toEqual([`exit late ${a.id}`, `exit late ${b.id}`].sort());
    expectNoLeak(k);
  });

  it('registering the same ops twice throws', () => {
    const k = Kernel.boot();
    const ops = logging('twice', []);
    k.registerPernetSubsys(ops);
    expect(() => k.registerPernetSubsys(ops)).toThrow("pernet op 'twice' is registered twice");
    expect(() => k.registerPernetDevice(ops)).toThrow(/registered twice/);
    expect(k.pernetOps).toEqual([{ name: 'twice', kind: 'subsys' }]);
  });

  it('an op naming an unknown stage is refused', () => {
    const k = Kernel.boot();
    expect(() => k.registerPernetSubsys({ name: 'ghost', stage: 'no-such-stage' })).toThrow(ManifestError);
    expect(k.pernetOps).toEqual([]);
  });
});

describe('pernet: failure while creating a namespace', () => {
  /** sub-a, sub-b, dev-c (fails for non-initial namespaces while `fail.on`), dev-d. */
  function faulty(log: string[], error: () => Error): { k: Kernel; fail: { on: boolean } } {
    const fail = { on: true };
    const k = Kernel.boot();
    k.registerPernetSubsys(logging('sub-a', log));
    k.registerPernetDevice(
      logging('dev-c', log, {
        init: (net: Net) => {
          if (!net.isInit && fail.on) {
            log.push(`fail dev-c ${net.id}`);
            throw error();
          }
          log.push(`init dev-c ${net.id}`);
        },
      }),
    );
    k.registerPernetDevice(logging('dev-d', log));
    k.registerPernetSubsys(logging('sub-b', log));
    log.length = 0;
    return { k, fail };
  }

  it('task.unshare: the ops that finished exit in reverse, the error propagates, nothing is left', () => {
    const log: string[] = [];
    const boom = new Boom('no memory for dev-c');
    const { k, fail } = faulty(log, () => boom);
    const task = k.initTask.fork();
    const before = k.nets();
    let caught: unknown;
    try {
      task.unshare({ net: true });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBe(boom);
    // Which id the half-built namespace had does not matter; read it from the log.
    const id = /^init sub-a (\d+)$/.exec(log[0] ?? '')?.[1];
    expect(id).toBeDefined();
    expect(log).toEqual([`init sub-a ${id}`, `init sub-b ${id}`, `fail dev-c ${id}`, `exit sub-b ${id}`, `exit sub-a ${id}`]);
    expect(task.net).toBe(k.initNet);
    expect(k.netCount).toBe(1);
    expect(k.nets()).toEqual(before);
    expect(k.dyingCount).toBe(0);
    expect(k.initNet.refs).toBe(3); // the kernel's, initTask's and task's
    // Nothing was queued for a namespace that never existed.
    log.length = 0;
    expect(k.clock.runUntilIdle()).toBe(0);
    expect(log).toEqual([]);

    // Once the fault is gone, creation works and tears down completely.
    fail.on = false;
    task.unshare({ net: true });
    expect(task.net.isInit).toBe(false);
    expect(k.netCount).toBe(2);
    task.exit();
    expectNoLeak(k);
  });

  it('netns add: a NetError from an init is reported as iproute2 does, and the name is not created', () => {
    const log: string[] = [];
    const { k } = faulty(log, () => new NetError('ENOMEM'));
    const tasks = k.tasks().length;
    let caught: unknown;
    try {
      k.netns.add('a');
    } catch (err) {
      caught = err;
    }
    expect(isNetError(caught, 'ENOMEM')).toBe(true);
    expect((caught as NetError).message).toBe('Failed to create a new network namespace "a": Cannot allocate memory');
    expect(log.filter((l) => l.startsWith('exit'))).toHaveLength(2);
    expect(k.netns.list()).toEqual([]);
    expect(k.netns.get('a')).toBeUndefined();
    expect(k.netCount).toBe(1);
    expect(k.tasks()).toHaveLength(tasks);
    expectNoLeak(k);
  });

  it('netns add: another error propagates as it is', () => {
    const log: string[] = [];
    const boom = new Boom('boom');
    const { k, fail } = faulty(log, () => boom);
    expect(() => k.netns.add('a')).toThrow(boom);
    expect(k.netns.list()).toEqual([]);
    expect(k.netCount).toBe(1);
    // The name is free for a later attempt.
    fail.on = false;
    k.netns.add('a');
    expect(k.netns.list()).toEqual(['a']);
    k.netns.del('a');
    expectNoLeak(k);
  });

  it('a keyed op that finished has its slot emptied by the undo', () => {
    const KEY = defineNetKey<{ owner: number }>('undo-slot');
    const seen: Net[] = [];
    const k = Kernel.boot();
    k.registerPernetSubsys({
      name: 'slot',
      key: KEY,
      init: (net) => {
        seen.push(net);
        return { owner: net.id };
      },
    });
    k.registerPernetDevice({
      name: 'fails',
      init: (net) => {
        if (!net.isInit) throw new Boom('late failure');
      },
    });
    expect(() => k.initTask.fork().unshare({ net: true })).toThrow(Boom);
    const halfBuilt = seen.at(-1) as Net;
    expect(halfBuilt.isInit).toBe(false);
    expect(halfBuilt.hasOwnState(KEY)).toBe(false);
    expect(halfBuilt.filledSlots).toBe(0);
    expect(halfBuilt.lifecycle).toBe('dead');
    expect(halfBuilt.maybeGet()).toBe(false);
    expect(k.netById(halfBuilt.id)).toBeUndefined();
    // The forked task stays behind in initNet; clean it up.
    for (const t of k.tasks()) if (t !== k.initTask) t.exit();
    expectNoLeak(k);
  });
});

describe('pernet: registering while a namespace is dying', () => {
  it('finishes the teardown first, so the new op never sees the dying namespace (cleanup_net holds pernet_ops_rwsem)', () => {
    const k = Kernel.boot();
    const log: string[] = [];
    k.registerPernetSubsys(logging('old', log));
    const t = k.initTask.fork();
    t.unshare({ net: true });
    const net = t.net;
    t.exit();
    expect(net.lifecycle).toBe('dying');
    log.length = 0;
    k.registerPernetSubsys(logging('new', log));
    expect(net.lifecycle).toBe('dead');
    expect(k.dyingCount).toBe(0);
    expect(log).toEqual([`exit old ${net.id}`, 'init new 0']);
    log.length = 0;
    k.clock.runUntilIdle(); // the queued cleanup finds nothing left to do
    expect(log).toEqual([]);
    expectNoLeak(k);
  });
});

describe('pernet: failure while registering', () => {
  it('undoes the namespaces that finished, in reverse, and rethrows; the op is not registered', () => {
    const log: string[] = [];
    const KEY = defineNetKey<{ id: number }>('reg-fail');
    const k = Kernel.boot();
    const a = k.netns.add('a');
    const b = k.netns.add('b');
    const c = k.netns.add('c');
    const boom = new Boom('init failed for c');
    const ops: PernetOperations<{ id: number }> = {
      name: 'reg-fail',
      key: KEY,
      init: (net) => {
        if (net === c) throw boom;
        log.push(`init ${net.id}`);
        return { id: net.id };
      },
      exit: (net, state) => {
        log.push(`exit ${net.id} state ${state.id}`);
      },
    };
    expect(() => k.registerPernetSubsys(ops)).toThrow(boom);
    expect(log).toEqual([
      'init 0',
      `init ${a.id}`,
      `init ${b.id}`,
      `exit ${b.id} state ${b.id}`,
      `exit ${a.id} state ${a.id}`,
      'exit 0 state 0',
    ]);
    for (const net of [k.initNet, a, b, c]) expect(net.hasOwnState(KEY)).toBe(false);
    expect(k.pernetOps).toEqual([]);
    // Not registered: a new namespace does not run it, and teardown does not exit it.
    log.length = 0;
    k.netns.add('d');
    for (const name of ['a', 'b', 'c', 'd']) k.netns.del(name);
    expectNoLeak(k);
    expect(log).toEqual([]);
  });
});

describe('pernet: state slots', () => {
  it('an op with a key fills the slot; its exit receives the state and the slot empties', () => {
    interface Counters {
      net: number;
      packets: number;
    }
    const KEY = defineNetKey<Counters>('counters');
    const exits: [Net, Counters][] = [];
    const k = Kernel.boot();
    k.registerPernetSubsys<Counters>({
      name: 'counters',
      key: KEY,
      init: (net) => ({ net: net.id, packets: 0 }),
      exit: (net, state) => void exits.push([net, state]),
    });
    expect(KEY.name).toBe('counters');
    expect(k.initNet.state(KEY)).toEqual({ net: 0, packets: 0 });
    const a = k.netns.add('a');
    const state = a.state(KEY);
    expect(state.net).toBe(a.id);
    expect(a.hasOwnState(KEY)).toBe(true);
    expect(a.filledSlots).toBe(1);
    // The state is this namespace's own object, and stable.
    state.packets = 5;
    expect(a.state(KEY).packets).toBe(5);
    expect(k.initNet.state(KEY).packets).toBe(0);
    k.netns.del('a');
    expect(a.hasOwnState(KEY)).toBe(true); // still there until the queue runs
    k.clock.runUntilIdle();
    expect(exits).toHaveLength(1);
    expect(exits[0]?.[0]).toBe(a);
    expect(exits[0]?.[1]).toBe(state);
    expect(a.hasOwnState(KEY)).toBe(false);
    expect(a.filledSlots).toBe(0);
    expectNoLeak(k);
  });

  it('an op with a key whose init returns nothing is refused', () => {
    const KEY = defineNetKey<{ x: number }>('nothing');
    const k = Kernel.boot();
    const ops = { name: 'nothing', key: KEY, init: () => undefined } as unknown as PernetOperations<{ x: number }>;
    expect(() => k.registerPernetSubsys(ops)).toThrow("pernet op 'nothing' returned no state for its key");
    expect(k.pernetOps).toEqual([]);
    expect(k.initNet.hasOwnState(KEY)).toBe(false);
  });

  it('state() of a key no layer registered throws', () => {
    const KEY = defineNetKey<{ x: number }>('unregistered');
    const k = Kernel.boot();
    expect(() => k.initNet.state(KEY)).toThrow("namespace 0 has no 'unregistered' state: is its layer registered?");
    const a = k.netns.add('a');
    expect(() => a.state(KEY)).toThrow(/has no 'unregistered' state/);
    k.netns.del('a');
    expectNoLeak(k);
  });

  it('keys get distinct slots', () => {
    const K1 = defineNetKey<{ v: string }>('one');
    const K2 = defineNetKey<{ v: string }>('two', { stage: 'net-ns-basic' });
    expect(K1.index).not.toBe(K2.index);
    expect(K1.stage).toBeUndefined();
    expect(K2.stage).toBe('net-ns-basic');
    const k = Kernel.boot();
    k.registerPernetSubsys({ name: 'one', key: K1, init: () => ({ v: 'one' }) });
    k.registerPernetDevice({ name: 'two', key: K2, init: () => ({ v: 'two' }) });
    expect(k.initNet.state(K1).v).toBe('one');
    expect(k.initNet.state(K2).v).toBe('two');
    expect(k.initNet.filledSlots).toBe(2);
  });
});

describe('pernet: stages', () => {
  interface Probe {
    owner: number;
  }

  function bootWith(stages: string, ops: (log: string[]) => PernetOperations<Probe>): { k: Kernel; log: string[] } {
    const log: string[] = [];
    const k = Kernel.boot({
      stages,
      layers: [probeLayer((kernel) => kernel.registerPernetSubsys(ops(log)))],
    });
    return { k, log };
  }

  const viaKeyStage = (key: NetKey<Probe>) => (log: string[]): PernetOperations<Probe> => ({
    name: 'probe',
    key,
    init: (net) => {
      log.push(`init ${net.id}`);
      return { owner: net.id };
    },
    exit: (net, st) => void log.push(`exit ${net.id} owner ${st.owner}`),
  });

  it("while the key's stage is off the op runs for initNet only and every namespace sees initNet's state", () => {
    const KEY = defineNetKey<Probe>('probe-key-off', { stage: 'probe-per-ns' });
    const { k, log } = bootWith('net-ns-clone', viaKeyStage(KEY));
    expect(k.stages.isOn(k.manifest.stage('probe-per-ns'))).toBe(false);
    expect(log).toEqual(['init 0']);
    const a = k.netns.add('a');
    const b = k.netns.add('b');
    expect(log).toEqual(['init 0']);
    expect(a.hasOwnState(KEY)).toBe(false);
    // The old global: one object for everybody.
    expect(a.state(KEY)).toBe(k.initNet.state(KEY));
    expect(b.state(KEY)).toBe(k.initNet.state(KEY));
    expect(a.state(KEY).owner).toBe(0);
    k.netns.del('a');
    k.netns.del('b');
    expectNoLeak(k);
    expect(log).toEqual(['init 0']); // no exit for namespaces it never ran in
    expect(k.initNet.state(KEY).owner).toBe(0); // initNet's state survives their teardown
  });

  it("with the key's stage on each namespace has its own state", () => {
    const KEY = defineNetKey<Probe>('probe-key-on', { stage: 'probe-per-ns' });
    const { k, log } = bootWith('all', viaKeyStage(KEY));
    const a = k.netns.add('a');
    const b = k.netns.add('b');
    expect(log).toEqual(['init 0', `init ${a.id}`, `init ${b.id}`]);
    expect(a.hasOwnState(KEY)).toBe(true);
    expect(a.state(KEY).owner).toBe(a.id);
    expect(b.state(KEY).owner).toBe(b.id);
    expect(a.state(KEY)).not.toBe(k.initNet.state(KEY));
    expect(a.state(KEY)).not.toBe(b.state(KEY));
    k.netns.del('a');
    k.clock.runUntilIdle();
    expect(log.at(-1)).toBe(`exit ${a.id} owner ${a.id}`);
    k.netns.del('b');
    expectNoLeak(k);
  });

  it("an op's own stage decides too, for a key without a stage", () => {
    for (const [stages, perNs] of [
      ['net-ns-clone', false],
      ['all', true],
    ] as const) {
      const KEY = defineNetKey<Probe>(`probe-op-stage-${stages}`);
      const { k, log } = bootWith(stages, (l) => ({ ...viaKeyStage(KEY)(l), stage: 'probe-per-ns' }));
      const a = k.netns.add('a');
      expect(a.hasOwnState(KEY)).toBe(perNs);
      expect(a.state(KEY) === k.initNet.state(KEY)).toBe(!perNs);
      expect(log).toEqual(perNs ? ['init 0', `init ${a.id}`] : ['init 0']);
      k.netns.del('a');
      expectNoLeak(k);
    }
  });

  it('an op without a key follows its stage as well', () => {
    for (const [stages, perNs] of [
      ['net-ns-clone', false],
      ['all', true],
    ] as const) {
      const log: string[] = [];
      const k = Kernel.boot({
        stages,
        layers: [probeLayer((kernel) => kernel.registerPernetDevice(logging('keyless', log, { stage: 'probe-per-ns' })))],
      });
      const a = k.netns.add('a');
      k.netns.del('a');
      expectNoLeak(k);
      expect(log).toEqual(perNs ? ['init keyless 0', `init keyless ${a.id}`, `exit keyless ${a.id}`] : ['init keyless 0']);
    }
  });

  it('a key without a stage is per namespace from the start', () => {
    const KEY = defineNetKey<Probe>('probe-always');
    const { k } = bootWith('net-ns-clone', viaKeyStage(KEY));
    const a = k.netns.add('a');
    expect(a.hasOwnState(KEY)).toBe(true);
    expect(a.state(KEY).owner).toBe(a.id);
    k.netns.del('a');
    expectNoLeak(k);
  });
});
