// The /proc filesystem itself: lookups, errors in Linux's words, open-time binding of the
// namespace (reference §3.6 and transcript 4.J), /proc/PID/net, and the stage fences.
import { NetError, type Task } from '@netstage/core-net';
import { describe, expect, it } from 'vitest';
import { PROCFS_STAGES, ProcFile, type ProcContext } from '../src/index.js';
import { world } from './support.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof NetError) return e.code;
    throw e;
  }
  return 'ok';
}

/** A test file listing the namespace's devices by name, one per line. */
function devNames(ctx: ProcContext): string {
  return `${ctx.kernel.netns.identify(ctx.net)[0] ?? '(init)'}\n`;
}

describe('/proc lookups', () => {
  it('a file opened in rsch-x keeps showing rsch-x after the task moves to rsch-y (4.J)', () => {
    const w = world();
    w.fs.registerNetFile({ name: 'nst-who', stages: [], show: devNames });
    const x = w.ns('rsch-x');
    w.ns('rsch-y');
    const sh = x.sh;
    const fd = w.fs.open(sh, '/proc/net/nst-who');
    const yfd = w.kernel.netns.open('rsch-y', sh);
    sh.setns(yfd);
    sh.close(yfd);
    expect(w.fs.read(sh, fd)).toBe('rsch-x\n');
    expect(w.fs.read(sh, fd)).toBe('');
    expect(w.cat(sh, '/proc/net/nst-who')).toBe('rsch-y\n');
    sh.close(fd);
    w.end();
  });

  it('transcript 4.J: /proc/net/dev and ip_forward opened in rsch-x still show rsch-x from rsch-y', () => {
    const w = world();
    const x = w.ns('rsch-x');
    w.ns('rsch-y');
    w.links.add(x.sh, { kind: 'veth', name: 'onlyinx', peer: { name: 'peerx' } });
    w.fs.writeFile(x.sh, '/proc/sys/net/ipv4/ip_forward', '1\n');
    const f = w.fs.open(x.sh, '/proc/net/dev');
    const g = w.fs.open(x.sh, '/proc/sys/net/ipv4/ip_forward');
    const yfd = w.kernel.netns.open('rsch-y', x.sh);
    x.sh.setns(yfd);
    x.sh.close(yfd);
    const names = (text: string): string[] => text.split('\n').slice(2, -1).map((l) => (l.split(':')[0] ?? '').trim());
    expect(names(w.fs.read(x.sh, f))).toEqual(['lo', 'peerx', 'onlyinx']);
    expect(names(w.cat(x.sh, '/proc/net/dev'))).toEqual(['lo']);
    expect(w.fs.read(x.sh, g)).toBe('1\n');
    expect(w.cat(x.sh, '/proc/sys/net/ipv4/ip_forward')).toBe('0\n');
    x.sh.close(f);
    x.sh.close(g);
    w.end();
  });

  it('an open /proc/net file holds its namespace alive until it is closed', () => {
    const w = world();
    const { sh } = w.ns('nst-a');
    const fd = w.fs.open(sh, '/proc/net/dev');
    const file = sh.file(fd) as ProcFile;
    const child = w.kernel.initTask.fork();
    const held = child.install(file.get());
    sh.exit();
    w.kernel.netns.del('nst-a');
    w.kernel.clock.runUntilIdle();
    expect(file.net.lifecycle).toBe('alive');
    expect(w.fs.read(child, held).split('\n')[2]).toMatch(/^ {4}lo:/);
    child.exit();
    w.kernel.clock.runUntilIdle();
    expect(file.closed).toBe(true);
    w.end();
  });

  it('reports ENOENT, ENOTDIR, EISDIR, EACCES and EINVAL as Linux does', () => {
    const w = world();
    const t: Task = w.kernel.initTask;
    expect(code(() => w.fs.open(t, '/proc/net/nosuch'))).toBe('ENOENT');
    expect(code(() => w.fs.open(t, '/proc/sys/net/nosuch'))).toBe('ENOENT');
    expect(code(() => w.fs.open(t, '/etc/passwd'))).toBe('ENOENT');
    expect(code(() => w.fs.open(t, 'proc/net/dev'))).toBe('ENOENT');
    expect(code(() => w.fs.open(t, '/proc/net/dev/x'))).toBe('ENOTDIR');
    expect(code(() => w.fs.readdir(t, '/proc/net/dev'))).toBe('ENOTDIR');
    expect(code(() => w.fs.open(t, '/proc/net', 'w'))).toBe('EISDIR');
    expect(code(() => w.fs.readFile(t, '/proc/sys/net/ipv4'))).toBe('EISDIR');
    expect(code(() => w.fs.open(t, '/proc/net/dev', 'w'))).toBe('EACCES');
    expect(code(() => w.fs.readlink(t, '/proc/net/dev'))).toBe('EINVAL');
    expect(t.fds()).toEqual([]);
    w.end();
  });

  it('resolves /proc/net through self/net, and /proc/PID/net to that process', () => {
    const w = world();
    w.fs.registerNetFile({ name: 'nst-who', stages: [], show: devNames });
    const { sh } = w.ns('nst-b');
    const init = w.kernel.initTask;
    expect(w.fs.readlink(init, '/proc/net')).toBe('self/net');
    expect(w.fs.readlink(sh, '/proc/self')).toBe(String(sh.pid));
    expect(w.fs.stat(init, '/proc/net')).toEqual({ type: 'dir', mode: 0o555 });
    expect(w.cat(init, `/proc/${sh.pid}/net/nst-who`)).toBe('nst-b\n');
    expect(w.cat(sh, `/proc/${init.pid}/net/nst-who`)).toBe('(init)\n');
    expect(w.cat(sh, '/proc/self/net/../net/./nst-who')).toBe('nst-b\n');
    expect(code(() => w.cat(init, '/proc/99999/net/nst-who'))).toBe('ENOENT');
    expect(w.fs.readdir(init, '/proc')).toEqual(expect.arrayContaining(['net', 'self', 'sys', String(sh.pid)]));
    w.end();
  });
});

describe('stages', () => {
  it('while proc-net-per-ns is off a new namespace finds /proc/net empty: ENOENT, counted', () => {
    const w0 = world({ stages: 'net-ns-basic,net-ns-task,net-ns-clone' });
    w0.fs.registerNetFile({ name: 'nst-who', stages: [], show: devNames });
    const child = w0.kernel.initTask.fork();
    child.unshare({ net: true });
    expect(w0.fs.readdir(child, '/proc/net')).toEqual([]);
    expect(code(() => w0.cat(child, '/proc/net/nst-who'))).toBe('ENOENT');
    const stage = w0.kernel.manifest.stage(PROCFS_STAGES.procNet);
    expect(w0.kernel.stages.refusals(stage, child.net)).toBe(1);
    // proc-net-self is off as well: /proc/net is a plain directory, /proc/PID has no net.
    expect(code(() => w0.fs.readlink(child, '/proc/net'))).toBe('EINVAL');
    expect(code(() => w0.cat(child, `/proc/${child.pid}/net/nst-who`))).toBe('ENOENT');
    // initNet is never fenced.
    expect(w0.cat(w0.kernel.initTask, '/proc/net/nst-who')).toBe('(init)\n');
    child.exit();
    w0.end();
  });

  it('while net-sysctl-per-ns is off a new namespace has no /proc/sys/net keys', () => {
    const w = world({ stages: 'net-ns-basic,net-ns-task,net-ns-clone,proc-net-per-ns' });
    const child = w.kernel.initTask.fork();
    child.unshare({ net: true });
    expect(w.fs.readdir(child, '/proc/sys/net')).toEqual([]);
    expect(code(() => w.cat(child, '/proc/sys/net/ipv4/ip_forward'))).toBe('ENOENT');
    expect(w.cat(w.kernel.initTask, '/proc/sys/net/ipv4/ip_forward')).toBe('0\n');
    child.exit();
    w.end();
  });
});
