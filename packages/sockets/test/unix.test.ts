import { Kernel, NetError, stagePrefixes, type Task } from '@netstage/core-net';
import { devicesLayer } from '@netstage/devices';
import { ipv4Layer } from '@netstage/ipv4';
import { describe, expect, it } from 'vitest';
import {
  SOCKET_STAGES,
  UnixDgramSocket,
  UnixStreamSocket,
  socketLayer,
  socketsLayer,
  unixProtocol,
  type SockAddrUn,
  type UnixProtocol,
} from '../src/index.js';
import { netErrorOf, pair, str, text, world, type World } from './support.js';

const abs = (name: string): SockAddrUn => ({ kind: 'abstract', name });
const path = (p: string): SockAddrUn => ({ kind: 'path', path: p });

function stream(w: World, task: Task): UnixStreamSocket {
  const layer = socketLayer(w.kernel);
  const s = layer.fdSocket(task, layer.socket(task, 'unix', 'stream'));
  if (!(s instanceof UnixStreamSocket)) throw new Error('not a stream socket');
  return s;
}

function dgram(w: World, task: Task): UnixDgramSocket {
  const layer = socketLayer(w.kernel);
  const s = layer.fdSocket(task, layer.socket(task, 'unix', 'dgram'));
  if (!(s instanceof UnixDgramSocket)) throw new Error('not a datagram socket');
  return s;
}

function listener(w: World, task: Task, addr: SockAddrUn): UnixStreamSocket {
  const s = stream(w, task);
  s.bind(addr);
  s.listen(5);
  return s;
}

/** Accept and install the server end in `task`, as accept(2) does. */
function accept(task: Task, l: UnixStreamSocket): UnixStreamSocket {
  const s = l.accept();
  task.install(s);
  return s;
}

function familyOf(w: World): UnixProtocol {
  return unixProtocol(w.kernel);
}

function errnoOf(fn: () => unknown): [string, number] {
  const e = netErrorOf(fn);
  return [e.code, e.errno];
}

// Reference §5 (transcript E), the AF_UNIX rows, in the order the script runs them.
describe('AF_UNIX errno seen by user space (reference §5)', () => {
  it('[a] unix bind abstract @rsch-abs -> OK; again -> EADDRINUSE (98)', () => {
    const w = world();
    const { a } = pair(w);
    stream(w, a.sh).bind(abs('rsch-abs'));
    expect(errnoOf(() => stream(w, a.sh).bind(abs('rsch-abs')))).toEqual(['EADDRINUSE', 98]);
    w.end();
  });

  it('[a] unix bind+listen abstract @rsch-only-a -> OK', () => {
    const w = world();
    const { a } = pair(w);
    const l = listener(w, a.sh, abs('rsch-only-a'));
    expect(l.state).toBe('listening');
    expect(l.local).toEqual(abs('rsch-only-a'));
    w.end();
  });

  it('[a] unix bind+listen pathname <tmpdir>/sock -> OK', () => {
    const w = world();
    const { a } = pair(w);
    listener(w, a.sh, path('/tmp/rsch-x/sock'));
    w.end();
  });

  it('[b] unix bind abstract @rsch-abs (bound in rsch-a) -> OK: abstract names are per namespace', () => {
    const w = world();
    const { a, b } = pair(w);
    stream(w, a.sh).bind(abs('rsch-abs'));
    stream(w, b.sh).bind(abs('rsch-abs'));
    expect(errnoOf(() => stream(w, b.sh).bind(abs('rsch-abs')))).toEqual(['EADDRINUSE', 98]);
    w.end();
  });

  it('[b] unix connect abstract @rsch-only-a (bound only in rsch-a) -> ECONNREFUSED (111)', () => {
    const w = world();
    const { a, b } = pair(w);
    listener(w, a.sh, abs('rsch-only-a'));
    const c = stream(w, b.sh);
    expect(errnoOf(() => c.connect(abs('rsch-only-a')))).toEqual(['ECONNREFUSED', 111]);
    expect(c.state).toBe('unconnected');
    // From rsch-a itself the same name is found.
    stream(w, a.sh).connect(abs('rsch-only-a'));
    w.end();
  });

  it('[b] unix connect pathname <tmpdir>/sock (bound in rsch-a) -> OK: paths are filesystem objects', () => {
    const w = world();
    const { a, b } = pair(w);
    const l = listener(w, a.sh, path('/tmp/rsch-x/sock'));
    const c = stream(w, b.sh);
    c.connect(path('/tmp/rsch-x/sock'));
    expect(c.state).toBe('connected');
    expect(c.remote).toEqual(path('/tmp/rsch-x/sock'));
    expect(l.pendingConnections).toBe(1);
    w.end();
  });

  it('[e, lo down] socket(AF_UNIX/STREAM) -> OK in a fresh namespace', () => {
    const w = world();
    const { net, sh } = w.ns('rsch-e');
    expect(stream(w, sh).net).toBe(net);
    expect(dgram(w, sh).net).toBe(net);
    w.end();
  });
});

describe('AF_UNIX stream sockets', () => {
  it('echo over a pathname socket from rsch-b to a listener in rsch-a; the server end lives in the client\'s namespace', () => {
    const w = world();
    const { a, b } = pair(w);
    const l = listener(w, a.sh, path('/run/echo.sock'));
    expect(() => l.accept()).toThrow(NetError);
    expect(netErrorOf(() => l.accept()).code).toBe('EAGAIN');
    const c = stream(w, b.sh);
    c.connect(path('/run/echo.sock'));
    // Data may go before accept: it waits in the server end's queue.
    expect(c.send(text('hello '))).toBe(6);
    c.send(text('world'));
    const s = accept(a.sh, l);
    expect(s.net).toBe(b.net);
    expect(s.local).toEqual(path('/run/echo.sock'));
    expect(s.remote).toBeUndefined();
    expect(str(s.recv(5))).toBe('hello');
    expect(str(s.recv())).toBe(' world');
    expect(netErrorOf(() => s.recv()).code).toBe('EAGAIN');
    s.send(text('HELLO WORLD'));
    expect(str(c.recv())).toBe('HELLO WORLD');
    expect(netErrorOf(() => c.recv()).code).toBe('EAGAIN');
    w.end();
  });

  it('abstract isolation: the same name in two namespaces reaches each namespace\'s own listener', () => {
    const w = world();
    const { a, b } = pair(w);
    const la = listener(w, a.sh, abs('svc'));
    const lb = listener(w, b.sh, abs('svc'));
    stream(w, a.sh).connect(abs('svc'));
    stream(w, b.sh).connect(abs('svc'));
    stream(w, b.sh).connect(abs('svc'));
    expect([la.pendingConnections, lb.pendingConnections]).toEqual([1, 2]);
    w.end();
  });

  it('a socket looks names up in its own namespace, not the one its task moved to', () => {
    const w = world();
    const { a, b } = pair(w);
    listener(w, a.sh, abs('home'));
    const task = a.sh.fork();
    const kept = stream(w, task);
    const kept2 = stream(w, task);
    w.withFd(task, 'rsch-b', (fd) => task.setns(fd));
    expect(task.net).toBe(b.net);
    kept.connect(abs('home'));
    expect(netErrorOf(() => stream(w, task).connect(abs('home'))).code).toBe('ECONNREFUSED');
    // Binding too: the kept socket's abstract name is rsch-a's.
    kept2.bind(abs('moved'));
    expect(netErrorOf(() => stream(w, a.sh).bind(abs('moved'))).code).toBe('EADDRINUSE');
    stream(w, task).bind(abs('moved'));
    task.exit();
    w.end();
  });

  it('EOF: after the peer closes, the queued bytes, then an empty read; send then fails with EPIPE (32)', () => {
    const w = world();
    const { a } = pair(w);
    const l = listener(w, a.sh, abs('eof'));
    const task = a.sh.fork();
    const layer = socketLayer(w.kernel);
    const cfd = layer.socket(task, 'unix', 'stream');
    const c = layer.fdSocket(task, cfd) as UnixStreamSocket;
    c.connect(abs('eof'));
    const s = accept(a.sh, l);
    c.send(text('last words'));
    task.close(cfd);
    expect(str(s.recv())).toBe('last words');
    expect(s.recv()).toEqual(new Uint8Array(0));
    expect(s.recv().length).toBe(0);
    expect(errnoOf(() => s.send(text('anyone?')))).toEqual(['EPIPE', 32]);
    task.exit();
    w.end();
  });

  it('ECONNRESET (104): the peer closed with data unread, reported once, then EOF', () => {
    const w = world();
    const { a } = pair(w);
    const l = listener(w, a.sh, abs('rst'));
    const c = stream(w, a.sh);
    c.connect(abs('rst'));
    const task = a.sh.fork();
    const sfd = task.install(l.accept());
    const s = task.file(sfd) as UnixStreamSocket;
    c.send(text('unread'));
    expect(s.queuedBytes).toBe(6);
    task.close(sfd);
    expect(errnoOf(() => c.recv())).toEqual(['ECONNRESET', 104]);
    expect(c.recv().length).toBe(0);
    task.exit();
    w.end();
  });

  it('a listener closed with connections never accepted resets them: ECONNRESET, then EOF and EPIPE', () => {
    const w = world();
    const { a } = pair(w);
    const layer = socketLayer(w.kernel);
    const lfd = layer.socket(a.sh, 'unix', 'stream');
    const l = layer.fdSocket(a.sh, lfd) as UnixStreamSocket;
    l.bind(abs('gone'));
    l.listen(1);
    const c = stream(w, a.sh);
    c.connect(abs('gone'));
    a.sh.close(lfd);
    expect(netErrorOf(() => c.recv()).code).toBe('ECONNRESET');
    expect(c.recv().length).toBe(0);
    expect(netErrorOf(() => c.send(text('x'))).code).toBe('EPIPE');
    // The abstract name went with the listener.
    expect(netErrorOf(() => stream(w, a.sh).connect(abs('gone'))).code).toBe('ECONNREFUSED');
    stream(w, a.sh).bind(abs('gone'));
    w.end();
  });

  it('backlog: listen(n) queues n + 1 connections, then EAGAIN (non-blocking)', () => {
    const w = world();
    const { a } = pair(w);
    const l = stream(w, a.sh);
    l.bind(abs('busy'));
    l.listen(1);
    stream(w, a.sh).connect(abs('busy'));
    stream(w, a.sh).connect(abs('busy'));
    expect(netErrorOf(() => stream(w, a.sh).connect(abs('busy'))).code).toBe('EAGAIN');
    accept(a.sh, l);
    stream(w, a.sh).connect(abs('busy'));
    w.end();
  });

  it('state errors: EINVAL bind twice, listen unbound, accept not listening, recv unconnected; ENOTCONN send; EISCONN; ECONNREFUSED not listening', () => {
    const w = world();
    const { a } = pair(w);
    const s = stream(w, a.sh);
    expect(netErrorOf(() => s.listen()).code).toBe('EINVAL');
    expect(netErrorOf(() => s.accept()).code).toBe('EINVAL');
    expect(netErrorOf(() => s.recv()).code).toBe('EINVAL');
    expect(errnoOf(() => s.send(text('x')))).toEqual(['ENOTCONN', 107]);
    s.bind(abs('one'));
    expect(errnoOf(() => s.bind(abs('two')))).toEqual(['EINVAL', 22]);
    // Bound but not listening: refused.
    expect(netErrorOf(() => stream(w, a.sh).connect(abs('one'))).code).toBe('ECONNREFUSED');
    s.listen();
    const c = stream(w, a.sh);
    c.connect(abs('one'));
    expect(errnoOf(() => c.connect(abs('one')))).toEqual(['EISCONN', 106]);
    expect(netErrorOf(() => c.listen()).code).toBe('EINVAL');
    expect(netErrorOf(() => s.connect(abs('one'))).code).toBe('EINVAL');
    w.end();
  });

  it('autobind: bind() without a name takes a five-hex-digit abstract name', () => {
    const w = world();
    const { a } = pair(w);
    const s = stream(w, a.sh);
    s.bind();
    const name = s.local?.kind === 'abstract' ? s.local.name : '';
    expect(name).toMatch(/^[0-9a-f]{5}$/);
    s.listen();
    stream(w, a.sh).connect(abs(name));
    w.end();
  });
});

describe('AF_UNIX pathnames', () => {
  it('closing leaves the file: rebind EADDRINUSE, connect ECONNREFUSED; after unlink, ENOENT, then the path binds again', () => {
    const w = world();
    const { a, b } = pair(w);
    const layer = socketLayer(w.kernel);
    const fd = layer.socket(a.sh, 'unix', 'stream');
    const l = layer.fdSocket(a.sh, fd) as UnixStreamSocket;
    l.bind(path('/run/p.sock'));
    l.listen();
    a.sh.close(fd);
    // The file is kernel-wide: taken in rsch-b too.
    expect(errnoOf(() => stream(w, b.sh).bind(path('/run/p.sock')))).toEqual(['EADDRINUSE', 98]);
    expect(errnoOf(() => stream(w, b.sh).connect(path('/run/p.sock')))).toEqual(['ECONNREFUSED', 111]);
    expect(familyOf(w).pathExists('/run/p.sock')).toBe(true);
    w.end();
  });

  it('unlink on the registered family frees the path; a missing path is ENOENT (2), as Linux reports', () => {
    const w = world();
    const { a, b } = pair(w);
    const layer = socketLayer(w.kernel);
    const fd = layer.socket(a.sh, 'unix', 'dgram');
    const d = layer.fdSocket(a.sh, fd) as UnixDgramSocket;
    d.bind(path('/run/d.sock'));
    a.sh.close(fd);
    const unix = familyOf(w);
    expect(unix.pathExists('/run/d.sock')).toBe(true);
    unix.unlink('/run/d.sock');
    expect(unix.pathExists('/run/d.sock')).toBe(false);
    expect(errnoOf(() => unix.unlink('/run/d.sock'))).toEqual(['ENOENT', 2]);
    expect(errnoOf(() => dgram(w, b.sh).send(text('x'), path('/run/d.sock')))).toEqual(['ENOENT', 2]);
    expect(errnoOf(() => stream(w, b.sh).connect(path('/run/nowhere')))).toEqual(['ENOENT', 2]);
    const again = dgram(w, b.sh);
    again.bind(path('/run/d.sock'));
    dgram(w, a.sh).send(text('across'), path('/run/d.sock'));
    expect(str(again.recv().data)).toBe('across');
    w.end();
  });

  it('unlink while bound: the socket keeps its address but cannot be reached by it', () => {
    const w = world();
    const { a } = pair(w);
    const l = listener(w, a.sh, path('/run/u.sock'));
    familyOf(w).unlink('/run/u.sock');
    expect(l.local).toEqual(path('/run/u.sock'));
    expect(netErrorOf(() => stream(w, a.sh).connect(path('/run/u.sock'))).code).toBe('ENOENT');
    const l2 = listener(w, a.sh, path('/run/u.sock'));
    stream(w, a.sh).connect(path('/run/u.sock'));
    expect([l.pendingConnections, l2.pendingConnections]).toEqual([0, 1]);
    w.end();
  });

  it('EPROTOTYPE (91): a path bound by a socket of the other type; abstract names are per type', () => {
    const w = world();
    const { a } = pair(w);
    dgram(w, a.sh).bind(path('/run/t.sock'));
    expect(errnoOf(() => stream(w, a.sh).connect(path('/run/t.sock')))).toEqual(['EPROTOTYPE', 91]);
    listener(w, a.sh, path('/run/s.sock'));
    expect(netErrorOf(() => dgram(w, a.sh).send(text('x'), path('/run/s.sock'))).code).toBe('EPROTOTYPE');
    // The same abstract name once per type (the lookup hashes the type in).
    dgram(w, a.sh).bind(abs('both'));
    listener(w, a.sh, abs('both'));
    w.end();
  });

  it('EINVAL for names over 107 bytes', () => {
    const w = world();
    const { a } = pair(w);
    expect(netErrorOf(() => stream(w, a.sh).bind(path(`/${'x'.repeat(107)}`))).code).toBe('EINVAL');
    stream(w, a.sh).bind(path(`/${'x'.repeat(106)}`));
    expect(netErrorOf(() => stream(w, a.sh).bind(abs('y'.repeat(107)))).code).toBe('EINVAL');
    stream(w, a.sh).bind(abs('y'.repeat(106)));
    w.end();
  });
});

describe('AF_UNIX datagram sockets', () => {
  it('sendto a name, recv with the sender\'s name (or none for an unnamed sender); connect + send', () => {
    const w = world();
    const { a } = pair(w);
    const srv = dgram(w, a.sh);
    srv.bind(abs('dg'));
    const named = dgram(w, a.sh);
    named.bind(path('/run/client.sock'));
    named.send(text('one'), abs('dg'));
    const anon = dgram(w, a.sh);
    anon.connect(abs('dg'));
    expect(anon.remote).toEqual(abs('dg'));
    anon.send(text('two'));
    const d1 = srv.recv();
    expect([str(d1.data), d1.from]).toEqual(['one', path('/run/client.sock')]);
    const d2 = srv.recv();
    expect([str(d2.data), d2.from]).toEqual(['two', undefined]);
    expect(netErrorOf(() => srv.recv()).code).toBe('EAGAIN');
    // Reply to the named sender by its path.
    srv.send(text('back'), path('/run/client.sock'));
    expect(str(named.recv().data)).toBe('back');
    w.end();
  });

  it('ECONNREFUSED (111): sendto or connect to an abstract name not bound in the socket\'s namespace', () => {
    const w = world();
    const { a, b } = pair(w);
    dgram(w, a.sh).bind(abs('only-a'));
    const s = dgram(w, b.sh);
    expect(errnoOf(() => s.send(text('x'), abs('only-a')))).toEqual(['ECONNREFUSED', 111]);
    expect(errnoOf(() => s.connect(abs('only-a')))).toEqual(['ECONNREFUSED', 111]);
    // A stream listener's name is not a datagram socket's.
    listener(w, b.sh, abs('st'));
    expect(netErrorOf(() => s.send(text('x'), abs('st'))).code).toBe('ECONNREFUSED');
    w.end();
  });

  it('ENOTCONN (107) unconnected without a destination; EMSGSIZE over sk_sndbuf - 32', () => {
    const w = world();
    const { a } = pair(w);
    const s = dgram(w, a.sh);
    expect(errnoOf(() => s.send(text('x')))).toEqual(['ENOTCONN', 107]);
    s.bind(abs('big'));
    expect(netErrorOf(() => s.send(new Uint8Array(212_992 - 31), abs('big'))).code).toBe('EMSGSIZE');
    s.send(new Uint8Array(212_992 - 32), abs('big'));
    expect(s.recv().data.length).toBe(212_960);
    w.end();
  });

  it('a connected peer that closed: ECONNREFUSED once (and our queue is dropped), then ENOTCONN', () => {
    const w = world();
    const { a } = pair(w);
    const layer = socketLayer(w.kernel);
    const pfd = layer.socket(a.sh, 'unix', 'dgram');
    const peer = layer.fdSocket(a.sh, pfd) as UnixDgramSocket;
    peer.bind(abs('peer'));
    const s = dgram(w, a.sh);
    s.bind(abs('me'));
    s.connect(abs('peer'));
    peer.send(text('queued'), abs('me'));
    expect(s.queueLength).toBe(1);
    a.sh.close(pfd);
    expect(errnoOf(() => s.send(text('x')))).toEqual(['ECONNREFUSED', 111]);
    expect(s.queueLength).toBe(0);
    expect(netErrorOf(() => s.send(text('x'))).code).toBe('ENOTCONN');
    w.end();
  });

  it('EPERM (1): sending to a socket connected to another; its own peer may', () => {
    const w = world();
    const { a } = pair(w);
    const x = dgram(w, a.sh);
    x.bind(abs('x'));
    const y = dgram(w, a.sh);
    y.bind(abs('y'));
    x.connect(abs('y'));
    const z = dgram(w, a.sh);
    expect(errnoOf(() => z.send(text('no'), abs('x')))).toEqual(['EPERM', 1]);
    expect(netErrorOf(() => z.connect(abs('x'))).code).toBe('EPERM');
    y.send(text('ok'), abs('x'));
    expect(str(x.recv().data)).toBe('ok');
    w.end();
  });

  it('a full receive queue (net.unix.max_dgram_qlen = 10): EAGAIN (11) once 11 wait, unless the receiver is connected to the sender', () => {
    const w = world();
    const { a } = pair(w);
    const r = dgram(w, a.sh);
    r.bind(abs('r'));
    const s = dgram(w, a.sh);
    s.bind(abs('s'));
    for (let i = 0; i < 11; i++) s.send(text(`${i}`), abs('r'));
    expect(errnoOf(() => s.send(text('x'), abs('r')))).toEqual(['EAGAIN', 11]);
    expect(r.queueLength).toBe(11);
    r.connect(abs('s'));
    s.send(text('from the peer'), abs('r'));
    expect(r.queueLength).toBe(12);
    expect(str(r.recv().data)).toBe('0');
    w.end();
  });
});

describe('AF_UNIX socket()', () => {
  it('EPROTONOSUPPORT (93) for a protocol other than 0 or PF_UNIX; SOCK_RAW makes a datagram socket', () => {
    const w = world();
    const layer = socketLayer(w.kernel);
    const sh = w.kernel.initTask;
    const before = sh.fds();
    expect(errnoOf(() => layer.socket(sh, 'unix', 'stream', 2))).toEqual(['EPROTONOSUPPORT', 93]);
    expect(sh.fds()).toEqual(before);
    const s = layer.fdSocket(sh, layer.socket(sh, 'unix', 'stream', 1));
    expect(s).toBeInstanceOf(UnixStreamSocket);
    const raw = layer.fdSocket(sh, layer.socket(sh, 'unix', 'raw'));
    expect(raw).toBeInstanceOf(UnixDgramSocket);
    expect([raw.family, raw.type, raw.protocol]).toEqual(['unix', 'dgram', 0]);
    w.end();
  });

  it('an accepted socket pins the connecting socket\'s namespace until it closes', () => {
    const w = world();
    const { a } = pair(w);
    const { net, sh } = w.ns('rsch-c');
    const l = listener(w, a.sh, path('/run/pin.sock'));
    const task = sh.fork();
    stream(w, task).connect(path('/run/pin.sock'));
    const s = l.accept();
    const sfd = a.sh.install(s);
    task.exit();
    sh.exit();
    w.kernel.netns.del('rsch-c');
    w.kernel.clock.runUntilIdle();
    expect(net.lifecycle).toBe('alive');
    expect(s.recv().length).toBe(0);
    a.sh.close(sfd);
    w.kernel.clock.runUntilIdle();
    expect(net.lifecycle).toBe('dead');
    w.end();
  });
});

const manifest = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] }).manifest;
const prefixes = stagePrefixes(manifest);

describe('the unix-per-ns stage (097e66c5, v2.6.25)', () => {
  it('composes after the socket-creation fence and before UDP\'s lookups', () => {
    const ids = manifest.stages.map((s) => s.id);
    expect(ids.indexOf(SOCKET_STAGES.unixPerNs)).toBeGreaterThan(ids.indexOf(SOCKET_STAGES.createSafe));
    expect(ids.indexOf(SOCKET_STAGES.unixPerNs)).toBeGreaterThan(ids.indexOf('net-ns-clone'));
    expect(ids.indexOf(SOCKET_STAGES.unixPerNs)).toBeLessThan(ids.indexOf(SOCKET_STAGES.udpLookup));
    expect(manifest.stage(SOCKET_STAGES.unixPerNs).commit).toBe('097e66c578459f79e3a2128c54e9df5194e1419a');
  });

  it.each(prefixes.map((p, i) => [i, p.ids().at(-1) ?? '(none)', p] as const))(
    'prefix %i (through %s): AF_UNIX works in initNet; elsewhere EAFNOSUPPORT until unix-per-ns',
    (_i, _last, stages) => {
      const w = world({ stages });
      const init = w.kernel.initTask;
      const l = listener(w, init, abs('init-svc'));
      const c = stream(w, init);
      c.connect(abs('init-svc'));
      const s = accept(init, l);
      c.send(text('ping'));
      expect(str(s.recv())).toBe('ping');

      if (stages.ids().includes('net-ns-clone')) {
        const { sh } = w.ns('nst-unix');
        if (stages.ids().includes(SOCKET_STAGES.unixPerNs)) {
          // Its own abstract names: initNet's listener is not there, and the name binds again.
          expect(netErrorOf(() => stream(w, sh).connect(abs('init-svc'))).code).toBe('ECONNREFUSED');
          listener(w, sh, abs('init-svc'));
        } else {
          const before = sh.fds();
          for (const type of ['stream', 'dgram'] as const) {
            const err = netErrorOf(() => socketLayer(w.kernel).socket(sh, 'unix', type));
            expect([err.code, err.errno]).toEqual(['EAFNOSUPPORT', 97]);
          }
          expect(sh.fds()).toEqual(before);
          expect(w.kernel.stages.refusals(w.kernel.manifest.stage(SOCKET_STAGES.unixPerNs), sh.net)).toBe(2);
        }
      }
      for (const fd of init.fds()) init.close(fd);
      w.end();
    },
  );
});
