import { describe, expect, it } from 'vitest';
import { Kernel, NetError, NetNsFile, type ErrnoCode } from '../src/index.js';
import { expectNoLeak } from './support.js';


/** Everything a failing call must leave as it was. */
function snapshot(k: Kernel): unknown {
  return {
    nets: k.nets().map((n) => [n.id, n.refs, n.lifecycle]),
    dying: k.dyingCount,
    names: k.netns.list(),
    tasks: k.tasks().map((t) => [t.pid, t.net.id, t.fdCount]),
    queued: k.clock.queued,
  };
}

/** Run a call that must fail with a NetError; check code and message, and that no state changed. */
function expectRefused(k: Kernel, call: () => unknown, code: ErrnoCode, message: string): NetError {
  const before = snapshot(k);
  let caught: unknown;
  try {
    call();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(NetError);
  const e = caught as NetError;
  expect(e.code).toBe(code);
  expect(e.message).toBe(message);
  expect(snapshot(k)).toEqual(before);
  return e;
}

describe('ip netns add', () => {
  it('creates a namespace bound to the name, held by the name alone', () => {
    const k = Kernel.boot();
    const net = k.netns.add('red');
    expect(net.isInit).toBe(false);
    expect(net.lifecycle).toBe('alive');
    expect(net.refs).toBe(1);
    expect(k.netns.get('red')).toBe(net);
    expect(k.netns.list()).toEqual(['red']);
    expect(k.nets()).toEqual([k.initNet, net]);
    expect(k.tasks()).toEqual([k.initTask]);
    expect(k.initTask.net).toBe(k.initNet);
    k.netns.del('red');
    expectNoLeak(k);
  });

  it('twice: EEXIST, as iproute2 prints it, and nothing changes', () => {
    const k = Kernel.boot();
    const net = k.netns.add('a');
    const e = expectRefused(k, () => k.netns.add('a'), 'EEXIST', 'Cannot create namespace file "/run/netns/a": File exists');
    expect(e.errno).toBe(17);
    expect(e.strerror).toBe('File exists');
    expect(k.netns.get('a')).toBe(net);
    k.netns.del('a');
    expectNoLeak(k);
  });

  it("while 'net-ns-clone' is off: EINVAL as iproute2 prints it, and the name is not left behind", () => {
    const k = Kernel.boot({ stages: 'net-ns-task' });
    const e = expectRefused(
      k,
      () => k.netns.add('a'),
      'EINVAL',
      'Failed to create a new network namespace "a": Invalid argument',
    );
    expect(e.syscall).toBe('unshare');
    expect(k.netns.list()).toEqual([]);
    expect(k.netns.get('a')).toBeUndefined();
    expect(k.netCount).toBe(1);
    // The refusal is counted against the namespace of the task running ip.
    expect(k.stages.refusals(k.manifest.stage('net-ns-clone'), k.initNet)).toBe(1);
    expectNoLeak(k);
  });

  it('takes the parent namespace from the task running ip, and works from inside a namespace', () => {
    const k = Kernel.boot();
    const sh = k.initTask.fork();
    sh.unshare({ net: true });
    const net = k.netns.add('b', sh);
    expect(net).not.toBe(sh.net);
    expect(net.isInit).toBe(false);
    expect(k.netCount).toBe(3);
    sh.exit();
    k.netns.del('b');
    expectNoLeak(k);
  });
});

describe('ip netns: names', () => {
  const invalid: [string, string][] = [
    ['empty', ''],
    ['with a slash', 'a/b'],
    ['a lone slash', '/'],
    ['dot', '.'],
    ['dot-dot', '..'],
    ['256 bytes of ASCII', 'x'.repeat(256)],
    ['128 two-byte characters (256 bytes)', '\u00e9'.repeat(128)],
    ['64 four-byte characters (256 bytes)', '\u{1F600}'.repeat(64)],
  ];

  it.each(invalid)('%s is an invalid name for every subcommand, and nothing changes', (_what, name) => {
    const k = Kernel.boot();
    k.netns.add('keep');
    const message = `Invalid netns name "${name}"`;
    expectRefused(k, () => k.netns.add(name), 'EINVAL', message);
    expectRefused(k, () => k.netns.del(name), 'EINVAL', message);
    expectRefused(k, () => k.netns.open(name, k.initTask), 'EINVAL', message);
    expectRefused(k, () => k.netns.exec(name, k.initTask), 'EINVAL', message);
    expectRefused(k, () => k.netns.pids(name), 'EINVAL', message);
    k.netns.del('keep');
    expectNoLeak(k);
  });

  it.each([
    ['255 bytes of ASCII', 'x'.repeat(255)],
    ['127 two-byte characters (254 bytes)', '\u00e9'.repeat(127)],
    ['63 four-byte characters and 3 ASCII (255 bytes)', `${'\u{1F600}'.repeat(63)}abc`],
    ['dots that are not . or ..', '...'],
    ['a leading dot', '.hidden'],
    ['spaces and punctuation', 'a b-c_d:e'],
  ])('%s is a valid name', (_what, name) => {
    const k = Kernel.boot();
    const net = k.netns.add(name);
    expect(k.netns.list()).toEqual([name]);
    expect(k.netns.get(name)).toBe(net);
    expect(k.netns.pids(name)).toEqual([]);
    k.netns.del(name);
    expect(k.netns.list()).toEqual([]);
    expectNoLeak(k);
  });
});

describe('ip netns del', () => {
  it('of a missing name: ENOENT, as iproute2 prints it, and nothing changes', () => {
    const k = Kernel.boot();
    k.netns.add('a');
    const e = expectRefused(
      k,
      () => k.netns.del('zz'),
      'ENOENT',
      'Cannot remove namespace file "/run/netns/zz": No such file or directory',
    );
    expect(e.errno).toBe(2);
    expect(e.syscall).toBe('unlink');
    k.netns.del('a');
    // Deleting twice is ENOENT the second time.
    expectRefused(k, () => k.netns.del('a'), 'ENOENT', 'Cannot remove namespace file "/run/netns/a": No such file or directory');
    expectNoLeak(k);
  });

  it('removes only the name: a task exec\'d into the namespace keeps it alive (transcript 4.H)', () => {
    const k = Kernel.boot();
    const net = k.netns.add('a');
    const sh = k.netns.exec('a', k.initTask);
    k.netns.del('a');
    expect(k.netns.list()).toEqual([]);
    expect(k.netns.get('a')).toBeUndefined();
    k.clock.runUntilIdle();
    expect(net.lifecycle).toBe('alive');
    expect(k.netCount).toBe(2);
    expect(sh.net).toBe(net);
    expect(k.netns.identify(net)).toEqual([]);
    // The name is free again, for a different namespace.
    const other = k.netns.add('a');
    expect(other).not.toBe(net);
    k.netns.del('a');
    // The last task leaves: the namespace dies, on the queue.
    sh.exit();
    expect(net.lifecycle).toBe('dying');
    k.clock.runUntilIdle();
    expect(net.lifecycle).toBe('dead');
    expectNoLeak(k);
  });

  it('an open handle on /run/netns/NAME keeps the namespace alive after del', () => {
    const k = Kernel.boot();
    const net = k.netns.add('a');
    const t = k.initTask.fork();
    const fd = t.openNetNs();
    const nsfd = k.netns.open('a', t);
    expect(nsfd).toBe(fd + 1);
    const file = t.file(nsfd);
    expect(file).toBeInstanceOf(NetNsFile);
    expect((file as NetNsFile).net).toBe(net);
    k.netns.del('a');
    k.clock.runUntilIdle();
    expect(net.lifecycle).toBe('alive');
    // It can still be joined.
    t.setns(nsfd);
    expect(t.net).toBe(net);
    t.close(nsfd);
    expect(net.lifecycle).toBe('alive'); // t is in it
    t.setns(fd);
    expect(net.lifecycle).toBe('dying');
    t.exit();
    expectNoLeak(k);
  });
});

describe('ip netns exec / open / pids of a missing name', () => {
  it('exec: ENOENT, as iproute2 prints it, and no task is left behind', () => {
    const k = Kernel.boot();
    k.netns.add('a');
    const tasks = k.tasks().length;
    expectRefused(k, () => k.netns.exec('zz', k.initTask), 'ENOENT', 'Cannot open network namespace "zz": No such file or directory');
    expect(k.tasks()).toHaveLength(tasks);
    k.netns.del('a');
    expectNoLeak(k);
  });

  it('open: ENOENT, and no descriptor is taken', () => {
    const k = Kernel.boot();
    const t = k.initTask.fork();
    const e = expectRefused(
      k,
      () => k.netns.open('zz', t),
      'ENOENT',
      'Cannot open network namespace "zz": No such file or directory',
    );
    expect(e.syscall).toBe('open');
    expect(t.fdCount).toBe(0);
  });

  it('pids: ENOENT, with the message iproute2 6.1 prints (no name)', () => {
    const k = Kernel.boot();
    expectRefused(k, () => k.netns.pids('zz'), 'ENOENT', 'Cannot open network namespace: No such file or directory');
  });
});

describe('ip netns exec', () => {
  it('returns a child of the caller that has joined the namespace, holding no extra descriptor', () => {
    const k = Kernel.boot();
    const net = k.netns.add('a');
    const sh = k.netns.exec('a', k.initTask);
    expect(sh.net).toBe(net);
    expect(sh.alive).toBe(true);
    expect(sh.fdCount).toBe(0);
    expect(net.refs).toBe(2); // the name and the task
    expect(k.tasks()).toEqual([k.initTask, sh]);
    expect(k.initTask.fdCount).toBe(0);
    expect(k.initTask.net).toBe(k.initNet);
    sh.exit();
    k.netns.del('a');
    expectNoLeak(k);
  });

  it('the child inherits the caller descriptors', () => {
    const k = Kernel.boot();
    k.netns.add('a');
    const fd = k.initTask.openNetNs();
    const sh = k.netns.exec('a', k.initTask);
    expect(sh.fdCount).toBe(1);
    expect(sh.file(fd)).toBe(k.initTask.file(fd));
    sh.exit();
    k.initTask.close(fd);
    k.netns.del('a');
    expectNoLeak(k);
  });

  it('from an exited task: ESRCH, nothing created', () => {
    const k = Kernel.boot();
    k.netns.add('a');
    const t = k.initTask.fork();
    t.exit();
    expectRefused(k, () => k.netns.exec('a', t), 'ESRCH', 'No such process');
    k.netns.del('a');
    expectNoLeak(k);
  });

  it("refused by setns (net-ns-task off, clone gate removed): EINVAL, no task left behind", () => {
    const k = Kernel.boot({ stages: 'net-ns-basic', unsafeRemoveGates: ['net-ns-clone'] });
    const net = k.netns.add('a');
    const e = expectRefused(k, () => k.netns.exec('a', k.initTask), 'EINVAL', 'setting the network namespace "a" failed: Invalid argument');
    expect(e.syscall).toBe('setns');
    expect(net.refs).toBe(1);
    expect(k.stages.refusals(k.manifest.stage('net-ns-task'), net)).toBe(1);
    k.netns.del('a');
    expectNoLeak(k);
  });
});

describe('ip netns list / identify / pids', () => {
  it('list: newest first', () => {
    const k = Kernel.boot();
    expect(k.netns.list()).toEqual([]);
    for (const n of ['a', 'b', 'c']) k.netns.add(n);
    expect(k.netns.list()).toEqual(['c', 'b', 'a']);
    k.netns.del('b');
    expect(k.netns.list()).toEqual(['c', 'a']);
    k.netns.add('b');
    expect(k.netns.list()).toEqual(['b', 'c', 'a']);
    // list() is a copy.
    k.netns.list().pop();
    expect(k.netns.list()).toHaveLength(3);
    for (const n of ['a', 'b', 'c']) k.netns.del(n);
    expectNoLeak(k);
  });

  it('identify: the names bound to a namespace', () => {
    const k = Kernel.boot();
    const a = k.netns.add('a');
    const b = k.netns.add('b');
    const sh = k.netns.exec('b', k.initTask);
    expect(k.netns.identify(a)).toEqual(['a']);
    expect(k.netns.identify(sh.net)).toEqual(['b']);
    expect(k.netns.identify(b)).toEqual(['b']);
    expect(k.netns.identify(k.initNet)).toEqual([]);
    const anon = k.initTask.fork();
    anon.unshare({ net: true });
    expect(k.netns.identify(anon.net)).toEqual([]);
    for (const t of [sh, anon]) t.exit();
    for (const n of ['a', 'b']) k.netns.del(n);
    expectNoLeak(k);
  });

  it('pids: the live tasks in the namespace, ascending', () => {
    const k = Kernel.boot();
    const other = k.netns.add('other');
    k.netns.add('a');
    expect(k.netns.pids('a')).toEqual([]);
    const t1 = k.netns.exec('a', k.initTask);
    const outsider = k.netns.exec('other', k.initTask);
    const t2 = k.netns.exec('a', k.initTask);
    const t3 = t1.fork(); // a child inherits the namespace
    const leaver = t2.fork();
    leaver.unshare({ net: true });
    expect(k.netns.pids('a')).toEqual([t1.pid, t2.pid, t3.pid]);
    expect([...k.netns.pids('a')].sort((x, y) => x - y)).toEqual(k.netns.pids('a'));
    expect(k.netns.pids('other')).toEqual([outsider.pid]);
    expect(outsider.net).toBe(other);
    t2.exit();
    expect(k.netns.pids('a')).toEqual([t1.pid, t3.pid]);
    for (const t of [t1, t3, outsider, leaver]) t.exit();
    expect(k.netns.pids('a')).toEqual([]);
    for (const n of ['a', 'other']) k.netns.del(n);
    expectNoLeak(k);
  });
});

describe('ip netns: a session as a user would type it', () => {
  it('add, exec, del, exit: everything torn down', () => {
    const k = Kernel.boot({ stages: 'all', seed: 1 });
    k.netns.add('red');
    k.netns.add('blue');
    expect(k.netns.list()).toEqual(['blue', 'red']);
    const sh = k.netns.exec('red', k.initTask);
    expect(sh.net.isInit).toBe(false);
    expect(k.netns.identify(sh.net)).toEqual(['red']);
    expect(k.netns.pids('red')).toEqual([sh.pid]);
    k.netns.del('red');
    k.netns.del('blue');
    expect(k.netCount).toBe(2); // red lives on in sh
    expect(k.dyingCount).toBe(1); // blue
    sh.exit();
    expectNoLeak(k);
    expect(k.tasks()).toEqual([k.initTask]);
  });
});
