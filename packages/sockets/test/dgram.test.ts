import { describe, expect, it } from 'vitest';
import { DgramError, DgramSystemError, dgram, type DgramSocket, type RemoteInfo } from '../src/index.js';
import { pair, str, text, world } from './support.js';

// Code written as for node:dgram, run in namespaces on the virtual clock.

function errorsOf(s: DgramSocket): Error[] {
  const errors: Error[] = [];
  s.on('error', (e) => errors.push(e));
  return errors;
}

function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof Error) return err;
    throw err;
  }
  throw new Error('expected a throw');
}

describe('dgram facade', () => {
  it('echo: a server in rsch-b, a client in rsch-a, rinfo on both sides', () => {
    const w = world();
    const { a, b } = pair(w);
    const server = dgram(w.kernel, b.sh).createSocket('udp4');
    const seen: [string, RemoteInfo][] = [];
    server.on('message', (msg, rinfo) => {
      seen.push([str(msg), rinfo]);
      server.send(msg, rinfo.port, rinfo.address);
    });
    let listening = 0;
    server.on('listening', () => listening++);
    server.bind(4000);
    // Binding is asynchronous, as in Node: nothing yet.
    expect(listening).toBe(0);
    expect(thrown(() => server.address())).toMatchObject({ code: 'EBADF', errno: -9, syscall: 'getsockname', message: 'getsockname EBADF' });
    w.kernel.clock.runUntilIdle();
    expect(listening).toBe(1);
    expect(server.address()).toEqual({ address: '0.0.0.0', family: 'IPv4', port: 4000 });

    const client = dgram(w.kernel, a.sh).createSocket({ type: 'udp4' });
    const replies: [string, RemoteInfo][] = [];
    client.on('message', (msg, rinfo) => replies.push([str(msg), rinfo]));
    const sent: (number | undefined)[] = [];
    client.send('ping', 4000, '10.200.0.2', (err, bytes) => {
      expect(err).toBeNull();
      sent.push(bytes);
    });
    w.kernel.clock.runUntilIdle();
    expect(sent).toEqual([4]);
    const port = client.address().port;
    expect(port).toBeGreaterThanOrEqual(32768);
    expect(client.address().address).toBe('0.0.0.0');
    expect(seen).toEqual([['ping', { address: '10.200.0.1', family: 'IPv4', port, size: 4 }]]);
    expect(replies).toEqual([['ping', { address: '10.200.0.2', family: 'IPv4', port: 4000, size: 4 }]]);
    // Each socket lives in its task's namespace.
    expect(server.socket.net).toBe(b.net);
    expect(client.socket.net).toBe(a.net);
    client.close();
    server.close();
    w.end();
  });

  it("EADDRINUSE: the second bind of a port emits 'error' shaped as Node's, and the socket may bind again", () => {
    const w = world();
    const { a } = pair(w);
    const { createSocket } = dgram(w.kernel, a.sh);
    const first = createSocket('udp4');
    const second = createSocket('udp4');
    const errors = errorsOf(second);
    let listened = false;
    first.bind(5000);
    second.bind(5000, () => {
      listened = true;
    });
    w.kernel.clock.runUntilIdle();
    expect(listened).toBe(false);
    expect(errors).toHaveLength(1);
    const e = errors[0];
    expect(e).toBeInstanceOf(DgramSystemError);
    expect(e).toMatchObject({ code: 'EADDRINUSE', errno: -98, syscall: 'bind', address: '0.0.0.0', port: 5000, message: 'bind EADDRINUSE 0.0.0.0:5000' });
    // Unbound again: another port works, and the first listener was left by the error.
    second.bind({ port: 5001, address: 'localhost' });
    w.kernel.clock.runUntilIdle();
    expect(second.address()).toEqual({ address: '127.0.0.1', family: 'IPv4', port: 5001 });
    expect(listened).toBe(true);
    // A bound socket refuses bind at once.
    expect(thrown(() => first.bind(5002))).toMatchObject({ code: 'ERR_SOCKET_ALREADY_BOUND' });
    first.close();
    second.close();
    w.end();
  });

  it('the same port binds in two namespaces', () => {
    const w = world();
    const { a, b } = pair(w);
    const sa = dgram(w.kernel, a.sh).createSocket('udp4');
    const sb = dgram(w.kernel, b.sh).createSocket('udp4');
    const errors = [...errorsOf(sa), ...errorsOf(sb)];
    let listening = 0;
    sa.bind(4000, '127.0.0.1', () => listening++);
    sb.bind(4000, '127.0.0.1', () => listening++);
    w.kernel.clock.runUntilIdle();
    expect(errors).toEqual([]);
    expect(listening).toBe(2);
    expect([sa.address().port, sb.address().port]).toEqual([4000, 4000]);
    sa.close();
    sb.close();
    w.end();
  });

  it("ECONNREFUSED: a connected socket to a closed port gets an 'error' from its next recvmsg", () => {
    const w = world();
    const { a } = pair(w);
    const s = dgram(w.kernel, a.sh).createSocket('udp4');
    const errors = errorsOf(s);
    let connected = 0;
    s.connect(4999, '10.200.0.2', () => connected++);
    w.kernel.clock.runUntilIdle();
    expect(connected).toBe(1);
    expect(s.remoteAddress()).toEqual({ address: '10.200.0.2', family: 'IPv4', port: 4999 });
    // The local address is the route's source once connected.
    expect(s.address().address).toBe('10.200.0.1');
    expect(thrown(() => s.send('x', 4999, '10.200.0.2'))).toMatchObject({ code: 'ERR_SOCKET_DGRAM_IS_CONNECTED' });
    s.send(text('hello'));
    w.kernel.clock.runUntilIdle();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'ECONNREFUSED', errno: -111, syscall: 'recvmsg', message: 'recvmsg ECONNREFUSED' });
    // Reported once.
    w.kernel.clock.runUntilIdle();
    expect(errors).toHaveLength(1);
    s.disconnect();
    expect(thrown(() => s.remoteAddress())).toMatchObject({ code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED' });
    expect(s.address().address).toBe('0.0.0.0');
    expect(thrown(() => s.disconnect())).toMatchObject({ code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED' });
    s.close();
    w.end();
  });

  it("ENETUNREACH: to send's callback when given, else as 'error'; connect's likewise", () => {
    const w = world();
    const { a } = pair(w);
    const s = dgram(w.kernel, a.sh).createSocket('udp4');
    const errors = errorsOf(s);
    const results: unknown[] = [];
    s.send('x', 4000, '10.201.0.1', (err) => results.push(err));
    w.kernel.clock.runUntilIdle();
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      code: 'ENETUNREACH',
      errno: -101,
      syscall: 'send',
      address: '10.201.0.1',
      port: 4000,
      message: 'send ENETUNREACH 10.201.0.1:4000',
    });
    expect(errors).toEqual([]);
    s.send('x', 4000, '10.201.0.1');
    w.kernel.clock.runUntilIdle();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'ENETUNREACH', syscall: 'send' });
    s.connect(4000, '10.201.0.1', (err) => results.push(err));
    w.kernel.clock.runUntilIdle();
    expect(results[1]).toMatchObject({ code: 'ENETUNREACH', errno: -101, syscall: 'connect', message: 'connect ENETUNREACH 10.201.0.1:4000' });
    expect(thrown(() => s.remoteAddress())).toMatchObject({ code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED' });
    // A name netstage cannot resolve fails as Node's lookup does.
    s.send('x', 4000, 'nowhere.invalid', (err) => results.push(err));
    w.kernel.clock.runUntilIdle();
    expect(results[2]).toMatchObject({ code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: 'nowhere.invalid' });
    s.close();
    w.end();
  });

  it('misuse throws at once: address() unbound, calls after close, bad ports and types', () => {
    const w = world();
    const { a } = pair(w);
    const d = dgram(w.kernel, a.sh);
    const s = d.createSocket('udp4');
    expect(thrown(() => s.address())).toBeInstanceOf(DgramSystemError);
    expect(thrown(() => s.send('x'))).toMatchObject({ code: 'ERR_SOCKET_BAD_PORT' });
    expect(thrown(() => s.bind(70000))).toMatchObject({ code: 'ERR_SOCKET_BAD_PORT' });
    expect(thrown(() => s.getRecvBufferSize())).toMatchObject({ code: 'ERR_SOCKET_BUFFER_SIZE' });
    expect(thrown(() => d.createSocket('udp6' as 'udp4'))).toMatchObject({ code: 'ERR_SOCKET_BAD_TYPE' });
    expect(s.ref()).toBe(s);
    expect(s.unref()).toBe(s);
    s.close();
    for (const call of [() => s.address(), () => s.bind(1), () => s.send('x', 1), () => s.close()]) {
      const e = thrown(call);
      expect(e).toBeInstanceOf(DgramError);
      expect([e.code, e.message]).toEqual(['ERR_SOCKET_DGRAM_NOT_RUNNING', 'Not running']);
    }
    w.kernel.clock.runUntilIdle();
    w.end();
  });

  it('SO_RCVBUF: doubled, capped at rmem_max, floored at SOCK_MIN_RCVBUF; createSocket option applies at bind', () => {
    const w = world();
    const { a } = pair(w);
    const { createSocket } = dgram(w.kernel, a.sh);
    const s = createSocket({ type: 'udp4', recvBufferSize: 4096 });
    s.bind();
    w.kernel.clock.runUntilIdle();
    expect(s.getRecvBufferSize()).toBe(8192);
    s.setRecvBufferSize(1);
    expect(s.getRecvBufferSize()).toBe(2304);
    s.setRecvBufferSize(10_000_000);
    expect(s.getRecvBufferSize()).toBe(425_984);
    expect(thrown(() => s.setRecvBufferSize(-1))).toMatchObject({ code: 'ERR_SOCKET_BAD_BUFFER_SIZE' });
    s.close();
    w.end();
  });

  it('reuseAddr lets two sockets share a port', () => {
    const w = world();
    const { a } = pair(w);
    const { createSocket } = dgram(w.kernel, a.sh);
    const s1 = createSocket({ type: 'udp4', reuseAddr: true });
    const s2 = createSocket({ type: 'udp4', reuseAddr: true });
    const errors = [...errorsOf(s1), ...errorsOf(s2)];
    s1.bind(6000);
    s2.bind(6000);
    w.kernel.clock.runUntilIdle();
    expect(errors).toEqual([]);
    s1.close();
    s2.close();
    w.end();
  });

  it("a socket keeps its creation namespace after the task's setns", () => {
    const w = world();
    const { a, b } = pair(w);
    const task = a.sh.fork();
    const s = dgram(w.kernel, task).createSocket('udp4');
    w.withFd(task, 'rsch-b', (fd) => task.setns(fd));
    expect(task.net).toBe(b.net);
    const errors = errorsOf(s);
    s.bind(5000, '10.200.0.1');
    w.kernel.clock.runUntilIdle();
    expect(errors).toEqual([]);
    expect(s.socket.net).toBe(a.net);
    s.close();
    task.exit();
    w.end();
  });

  it("close emits 'close' on the next turn and releases the namespace it pinned", () => {
    const w = world();
    const { net, sh } = w.ns('rsch-c');
    w.links.set(sh, 'lo', { up: true });
    const task = sh.fork();
    const s = dgram(w.kernel, task).createSocket('udp4');
    s.bind(4000);
    w.kernel.clock.runUntilIdle();
    // The task leaves for initNet; the name and the shell go: the socket alone holds rsch-c.
    const home = w.kernel.initTask.openNetNs();
    const fdInTask = task.install(w.kernel.initTask.file(home).get());
    task.setns(fdInTask);
    w.kernel.initTask.close(home);
    sh.exit();
    w.kernel.netns.del('rsch-c');
    w.kernel.clock.runUntilIdle();
    expect(net.lifecycle).toBe('alive');
    const closes: string[] = [];
    s.on('close', () => closes.push('event'));
    s.close(() => closes.push('callback'));
    expect(task.fds()).not.toContain(s.fd);
    expect(closes).toEqual([]);
    w.kernel.clock.runUntilIdle();
    expect(closes).toEqual(['event', 'callback']);
    expect(net.lifecycle).toBe('dead');
    task.exit();
    w.end();
  });

  it("an 'error' nobody listens to is thrown out of the clock's run, as EventEmitter throws it", () => {
    const w = world();
    const { a } = pair(w);
    const { createSocket } = dgram(w.kernel, a.sh);
    const first = createSocket('udp4');
    const second = createSocket('udp4');
    first.bind(7000);
    second.bind(7000);
    expect(thrown(() => w.kernel.clock.runUntilIdle())).toMatchObject({ code: 'EADDRINUSE' });
    first.close();
    second.close();
    w.end();
  });
});
