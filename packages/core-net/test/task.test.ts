import { describe, expect, it } from 'vitest';
import { Kernel, NetError, NetNsFile, OpenFile, isNetError, type Task } from '../src/index.js';
import { expectNoLeak, netErrorOf } from './support.js';

/** A file that is not a namespace handle (a socket, say), counting its releases. */
class Sock extends OpenFile {
  releases = 0;
  protected release(): void {
    this.releases++;
  }
}


/** The NetError a call throws (fails the test if it throws something else or nothing). */

/** Exit every task but pid 1. */
function reapAll(k: Kernel): void {
  for (const t of k.tasks()) if (t !== k.initTask) t.exit();
}

describe('Task.fork', () => {
  it('makes a child in the same namespace, with a new pid', () => {
    const k = Kernel.boot();
    const child = k.initTask.fork();
    expect(child.pid).toBe(2);
    expect(child.net).toBe(k.initNet);
    expect(child.alive).toBe(true);
    expect(child.kernel).toBe(k);
    expect(k.initNet.refs).toBe(3);
    expect(k.tasks()).toEqual([k.initTask, child]);
    expect(k.task(2)).toBe(child);
    const grandchild = child.fork();
    expect(grandchild.pid).toBe(3);
  });

  it('duplicates the descriptor table: same numbers, same open files, one more reference each', () => {
    const k = Kernel.boot();
    const parent = k.initTask.fork();
    parent.unshare({ net: true });
    const net = parent.net;
    const fd0 = parent.openNetNs();
    const fd1 = parent.openNetNs();
    parent.close(fd0); // leave a hole at 0
    const file = parent.file(fd1) as NetNsFile;
    expect(file).toBeInstanceOf(NetNsFile);
    expect(file.refs).toBe(1);
    const netRefs = net.refs;
    const child = parent.fork();
    expect(child.net).toBe(net);
    expect(child.fdCount).toBe(1);
    expect(child.file(fd1)).toBe(file);
    expect(() => child.file(fd0)).toThrow(NetError);
    expect(file.refs).toBe(2);
    // The child task counts; the shared handle does not count twice.
    expect(net.refs).toBe(netRefs + 1);
    // Tables are independent after the fork.
    child.close(fd1);
    expect(parent.file(fd1)).toBe(file);
    expect(file.refs).toBe(1);
    expect(child.openNetNs()).toBe(0);
    expect(parent.openNetNs()).toBe(0);
    child.exit();
    parent.exit();
    expectNoLeak(k);
  });
});

describe('Task.exit', () => {
  it('closes every descriptor, drops the namespace reference, and leaves the task list', () => {
    const k = Kernel.boot();
    const t = k.initTask.fork();
    const fd = t.openNetNs();
    const handle = t.file(fd) as NetNsFile;
    expect(k.initNet.refs).toBe(4); // kernel, pid 1, t, t's handle
    t.exit();
    expect(t.alive).toBe(false);
    expect(t.fdCount).toBe(0);
    expect(handle.closed).toBe(true);
    expect(k.initNet.refs).toBe(2);
    expect(k.tasks()).toEqual([k.initTask]);
    expect(k.task(t.pid)).toBeUndefined();
  });

  it('exiting twice is a no-op', () => {
    const k = Kernel.boot();
    const t = k.initTask.fork();
    t.openNetNs();
    t.exit();
    const refs = k.initNet.refs;
    expect(() => t.exit()).not.toThrow();
    expect(k.initNet.refs).toBe(refs);
    expect(k.tasks()).toEqual([k.initTask]);
  });

  it('the last task in an anonymous namespace takes it down when it exits (transcript 4.H)', () => {
    const k = Kernel.boot();
    const t = k.initTask.fork();
    t.unshare({ net: true });
    const net = t.net;
    expect(k.netCount).toBe(2);
    t.exit();
    expect(net.lifecycle).toBe('dying');
    expect(k.netCount).toBe(1);
    k.clock.runUntilIdle();
    expect(net.lifecycle).toBe('dead');
    expectNoLeak(k);
  });

  it('a namespace handle held open keeps the namespace alive after the task left it', () => {
    const k = Kernel.boot();
    const t = k.initTask.fork();
    t.unshare({ net: true });
    const net = t.net;
    const fd = t.openNetNs();
    const keeper = k.initTask.fork();
    const kfd = keeper.install(t.file(fd).get());
    t.exit();
    k.clock.runUntilIdle();
    expect(net.lifecycle).toBe('alive');
    expect(k.netById(net.id)).toBe(net);
    keeper.close(kfd);
    expect(net.lifecycle).toBe('dying');
    keeper.exit();
    expectNoLeak(k);
  });

  it('every call that needs a live task throws ESRCH after exit', () => {
    const k = Kernel.boot();
    const other = k.initTask.fork();
    const otherFd = other.openNetNs();
    const t = k.initTask.fork();
    t.exit();
    const tasks = k.tasks().length;
    const calls: [string, () => unknown][] = [
      ['fork', () => t.fork()],
      ['unshare', () => t.unshare({ net: true })],
      ['setns', () => t.setns(0)],
      ['open', () => t.openNetNs()],
      ['install', () => t.install(other.file(otherFd))], // fails before taking over a reference
    ];
    for (const [syscall, call] of calls) {
      const e = netErrorOf(call);
      expect(e.code).toBe('ESRCH');
      expect(e.errno).toBe(3);
      expect(e.syscall).toBe(syscall);
    }
    // Nothing changed: no task, no namespace, no extra reference on the shared file.
    expect(k.tasks()).toHaveLength(tasks);
    expect(k.netCount).toBe(1);
    expect(other.file(otherFd).refs).toBe(1);
    expect(t.net).toBe(k.initNet);
    other.exit();
  });
});

describe('Task.unshare', () => {
  it('without the net flag does nothing', () => {
    const k = Kernel.boot();
    const t = k.initTask.fork();
    t.unshare({});
    t.unshare({ net: false });
    expect(t.net).toBe(k.initNet);
    expect(k.netCount).toBe(1);
    expect(k.initNet.refs).toBe(3);
  });

  it('{ net: true } moves the task into a new namespace', () => {
    const k = Kernel.boot();
    const t = k.initTask.fork();
    t.unshare({ net: true });
    const net = t.net;
    expect(net.isInit).toBe(false);
    expect(net.refs).toBe(1);
    expect(net.lifecycle).toBe('alive');
    expect(k.netCount).toBe(2);
    expect(k.nets()).toEqual([k.initNet, net]);
    expect(k.initNet.refs).toBe(2); // t no longer holds initNet
    // Another unshare: a fresh one again; the old one, now unreferenced, dies.
    t.unshare({ net: true });
    expect(t.net).not.toBe(net);
    expect(t.net.isInit).toBe(false);
    expect(net.lifecycle).toBe('dying');
    expect(k.netCount).toBe(2);
    expect(k.dyingCount).toBe(1);
    t.exit();
    expectNoLeak(k);
    expect(net.lifecycle).toBe('dead');
  });

  it('the old namespace survives when something else still holds it', () => {
    const k = Kernel.boot();
    const t = k.initTask.fork();
    t.unshare({ net: true });
    const first = t.net;
    const sibling = t.fork();
    t.unshare({ net: true });
    expect(first.lifecycle).toBe('alive');
    expect(sibling.net).toBe(first);
    expect(k.netCount).toBe(3);
    reapAll(k);
    expectNoLeak(k);
  });

  it.each(['net-ns-task', 'none', '1'])("is refused with EINVAL while 'net-ns-clone' is off (stages %s)", (stages) => {
    const k = Kernel.boot({ stages });
    const clone = k.manifest.stage('net-ns-clone');
    const t = k.initTask.fork();
    const refs = k.initNet.refs;
    const e = netErrorOf(() => t.unshare({ net: true }));
    expect(e.code).toBe('EINVAL');
    expect(e.message).toBe('Invalid argument');
    expect(e.syscall).toBe('unshare');
    expect(t.net).toBe(k.initNet);
    expect(k.initNet.refs).toBe(refs);
    expect(k.netCount).toBe(1);
    expect(k.dyingCount).toBe(0);
    // Counted against the caller's namespace.
    expect(k.stages.refusals(clone, k.initNet)).toBe(1);
    expect(() => t.unshare({ net: true })).toThrow(NetError);
    expect(k.stages.refusals(clone, k.initNet)).toBe(2);
    // A no-op unshare is not refused.
    t.unshare({});
    expect(k.stages.refusals(clone, k.initNet)).toBe(2);
  });

  it('a child may unshare again from inside a namespace', () => {
    const k = Kernel.boot();
    const t = k.initTask.fork();
    t.unshare({ net: true });
    const parentNet = t.net;
    const c = t.fork();
    c.unshare({ net: true });
    expect(c.net).not.toBe(parentNet);
    expect(c.net.isInit).toBe(false);
    expect(k.netCount).toBe(3);
    reapAll(k);
    expectNoLeak(k);
  });
});

describe('Task.setns', () => {
  /** A task in a fresh namespace, and a second task in initNet holding a handle to it. */
  function setup(k: Kernel): { inside: Task; outside: Task; fd: number } {
    const inside = k.initTask.fork();
    inside.unshare({ net: true });
    const own = inside.openNetNs();
    const outside = k.initTask.fork();
    const fd = outside.install(inside.file(own).get());
    inside.close(own);
    return { inside, outside, fd };
  }

  it('joins the namespace of a handle, moving the reference', () => {
    const k = Kernel.boot();
    const { inside, outside, fd } = setup(k);
    const target = inside.net;
    expect(target.refs).toBe(2); // inside, and the handle
    const initRefs = k.initNet.refs;
    outside.setns(fd);
    expect(outside.net).toBe(target);
    expect(target.refs).toBe(3);
    expect(k.initNet.refs).toBe(initRefs - 1);
    // The handle stays open after setns.
    expect(outside.fdCount).toBe(1);
    // Joining the namespace one is already in changes nothing.
    outside.setns(fd);
    expect(target.refs).toBe(3);
    // And back to initNet through a handle on it.
    const back = outside.install(k.initTask.file(k.initTask.openNetNs()).get());
    outside.setns(back);
    expect(outside.net).toBe(k.initNet);
    expect(target.refs).toBe(2);
    for (const t of [inside, outside]) t.exit();
    k.initTask.close(0);
    expectNoLeak(k);
  });

  it('leaving a namespace as its last holder lets it die', () => {
    const k = Kernel.boot();
    const t = k.initTask.fork();
    t.unshare({ net: true });
    const net = t.net;
    const home = t.install(k.initTask.file(k.initTask.openNetNs()).get());
    t.setns(home);
    expect(net.lifecycle).toBe('dying');
    k.initTask.close(0);
    t.exit();
    expectNoLeak(k);
  });

  it('EBADF for a closed or never-opened descriptor', () => {
    const k = Kernel.boot();
    const t = k.initTask.fork();
    const fd = t.openNetNs();
    t.close(fd);
    expect(netErrorOf(() => t.setns(fd)).code).toBe('EBADF');
    expect(netErrorOf(() => t.setns(42)).code).toBe('EBADF');
    expect(netErrorOf(() => t.setns(-1)).code).toBe('EBADF');
    expect(t.net).toBe(k.initNet);
  });

  it('EINVAL for an open file that is not a network namespace', () => {
    const k = Kernel.boot();
    const { inside, outside } = setup(k);
    const sock = new Sock();
    const fd = inside.install(sock);
    const net = inside.net;
    const refs = net.refs;
    const e = netErrorOf(() => inside.setns(fd));
    expect(e.code).toBe('EINVAL');
    expect(e.syscall).toBe('setns');
    expect(inside.net).toBe(net);
    expect(net.refs).toBe(refs);
    expect(sock.releases).toBe(0);
    for (const t of [inside, outside]) t.exit();
    expectNoLeak(k);
  });

  it("into a non-initial namespace is refused with EINVAL while 'net-ns-task' is off (clone gate removed)", () => {
    // Only with the test switch can a namespace exist while net-ns-task is off.
    const k = Kernel.boot({ stages: 'net-ns-basic', unsafeRemoveGates: ['net-ns-clone'] });
    const taskStage = k.manifest.stage('net-ns-task');
    const { inside, outside, fd } = setup(k);
    const target = inside.net;
    expect(target.isInit).toBe(false);
    const refs = target.refs;
    const e = netErrorOf(() => outside.setns(fd));
    expect(e.code).toBe('EINVAL');
    expect(e.syscall).toBe('setns');
    expect(outside.net).toBe(k.initNet);
    expect(target.refs).toBe(refs);
    expect(k.stages.refusals(taskStage, target)).toBe(1);
    // Into initNet is always allowed.
    const home = inside.install(k.initTask.file(k.initTask.openNetNs()).get());
    inside.setns(home);
    expect(inside.net).toBe(k.initNet);
    expect(k.stages.refusals(taskStage, k.initNet)).toBe(0);
    k.initTask.close(0);
    for (const t of [inside, outside]) t.exit();
    expectNoLeak(k);
  });
});

describe('Task: descriptors', () => {
  it('a new descriptor takes the lowest free number', () => {
    const k = Kernel.boot();
    const t = k.initTask.fork();
    expect([t.openNetNs(), t.openNetNs(), t.openNetNs()]).toEqual([0, 1, 2]);
    t.close(1);
    expect(t.fdCount).toBe(2);
    expect(t.openNetNs()).toBe(1);
    expect(t.install(t.file(0).get())).toBe(3);
    t.close(0);
    t.close(2);
    expect(t.install(t.file(3).get())).toBe(0);
    expect(t.openNetNs()).toBe(2);
    expect(t.fdCount).toBe(4);
  });

  it('closing a descriptor twice is EBADF the second time', () => {
    const k = Kernel.boot();
    const t = k.initTask.fork();
    const fd = t.openNetNs();
    const refs = k.initNet.refs;
    t.close(fd);
    expect(k.initNet.refs).toBe(refs - 1);
    const e = netErrorOf(() => t.close(fd));
    expect(e.code).toBe('EBADF');
    expect(e.syscall).toBe('close');
    expect(k.initNet.refs).toBe(refs - 1);
    expect(isNetError(netErrorOf(() => t.file(fd)), 'EBADF')).toBe(true);
  });

  it("openNetNs opens the task's current namespace", () => {
    const k = Kernel.boot();
    const t = k.initTask.fork();
    const before = t.openNetNs();
    t.unshare({ net: true });
    const after = t.openNetNs();
    expect((t.file(before) as NetNsFile).net).toBe(k.initNet);
    expect((t.file(after) as NetNsFile).net).toBe(t.net);
    expect(t.net.refs).toBe(2);
    t.exit();
    expectNoLeak(k);
  });

  it("a socket-like file is released once, when its last descriptor closes", () => {
    const k = Kernel.boot();
    const a = k.initTask.fork();
    const sock = new Sock();
    // install takes over the creator's reference, as socket() hands its file to the table.
    const fd = a.install(sock);
    expect(sock.refs).toBe(1);
    const b = a.fork();
    const again = a.install(sock.get());
    expect(sock.refs).toBe(3);
    a.close(fd);
    a.close(again);
    expect(sock.releases).toBe(0);
    expect(sock.closed).toBe(false);
    b.exit();
    expect(sock.releases).toBe(1);
    expect(sock.closed).toBe(true);
    a.exit();
    expect(sock.releases).toBe(1);
    // A released file cannot get a descriptor again.
    const c = k.initTask.fork();
    const e = netErrorOf(() => c.install(sock));
    expect(e.code).toBe('EBADF');
    expect(c.fdCount).toBe(0);
  });

  it('install of a namespace handle shares the file and the namespace reference', () => {
    const k = Kernel.boot();
    const t = k.initTask.fork();
    const fd = t.openNetNs();
    const file = t.file(fd);
    const refs = k.initNet.refs;
    const u = k.initTask.fork();
    const ufd = u.install(file.get());
    expect(u.file(ufd)).toBe(file);
    expect(file.refs).toBe(2);
    expect(k.initNet.refs).toBe(refs + 1); // u itself, not the shared handle
    t.exit();
    expect(file.closed).toBe(false);
    u.exit();
    expect(file.closed).toBe(true);
  });
});
