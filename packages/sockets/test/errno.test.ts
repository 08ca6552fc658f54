import { describe, expect, it } from 'vitest';
import { ip, netErrorOf, pair, str, text, world } from './support.js';

// Reference §5 (verified on 6.18, transcripts E and F), one test per row about UDP and
// socket namespaces.
describe('errno seen by user space (reference §5)', () => {
  it('EADDRNOTAVAIL: bind to an address local only in another namespace', () => {
    const w = world();
    const { a } = pair(w);
    const { sock } = w.udp(a.sh);
    expect(netErrorOf(() => sock.bind({ address: ip('10.200.0.2'), port: 4000 })).code).toBe('EADDRNOTAVAIL');
    sock.bind({ address: ip('10.200.0.1'), port: 4000 });
    w.end();
  });

  it('EADDRINUSE: the same port twice in one namespace (same wildcard, or a specific address under a wildcard)', () => {
    const w = world();
    const { a } = pair(w);
    const s1 = w.udp(a.sh).sock;
    s1.bind({ address: 0, port: 4000 });
    expect(netErrorOf(() => w.udp(a.sh).sock.bind({ address: 0, port: 4000 })).code).toBe('EADDRINUSE');
    expect(netErrorOf(() => w.udp(a.sh).sock.bind({ address: ip('10.200.0.1'), port: 4000 })).code).toBe('EADDRINUSE');
    w.end();
  });

  it('succeeds: the same address and port in a different namespace', () => {
    const w = world();
    const { a, b } = pair(w);
    w.udp(a.sh).sock.bind({ address: ip('127.0.0.1'), port: 4000 });
    w.udp(b.sh).sock.bind({ address: ip('127.0.0.1'), port: 4000 });
    w.end();
  });

  it('ECONNREFUSED: a connected UDP socket to a closed port, send() then recv() (ICMP port unreachable)', () => {
    const w = world();
    const { a } = pair(w);
    const { sock } = w.udp(a.sh);
    sock.connect({ address: ip('10.200.0.2'), port: 4999 });
    sock.send(text('hello'));
    w.kernel.clock.runUntilIdle();
    const e = netErrorOf(() => sock.recv());
    expect([e.code, e.errno]).toEqual(['ECONNREFUSED', 111]);
    // Reported once: then the queue is simply empty.
    expect(netErrorOf(() => sock.recv()).code).toBe('EAGAIN');
    w.end();
  });

  it('ENETUNREACH: sendto() and connect() to a network with no route, immediately, nothing sent', () => {
    const w = world();
    const { a } = pair(w);
    const { sock } = w.udp(a.sh);
    expect(netErrorOf(() => sock.send(text('x'), { address: ip('10.201.0.1'), port: 4000 })).code).toBe('ENETUNREACH');
    expect(netErrorOf(() => sock.connect({ address: ip('10.201.0.1'), port: 4000 })).code).toBe('ENETUNREACH');
    w.end();
  });

  it('ENETUNREACH: sendto() to 127.0.0.1 in a fresh namespace whose lo is still down', () => {
    const w = world();
    const { sh } = w.ns('fresh');
    const { sock } = w.udp(sh);
    const e = netErrorOf(() => sock.send(text('x'), { address: ip('127.0.0.1'), port: 4000 }));
    expect([e.code, e.errno, e.message]).toEqual(['ENETUNREACH', 101, 'Network is unreachable']);
    w.end();
  });

  it('bind() to 127.0.0.1 or even 10.9.9.9 in a namespace that never had an address succeeds; after lo up, 127.0.0.2 too, 10.9.9.9 not', () => {
    const w = world();
    const { sh } = w.ns('fresh');
    w.udp(sh).sock.bind({ address: ip('127.0.0.1'), port: 1 });
    w.udp(sh).sock.bind({ address: ip('10.9.9.9'), port: 2 });
    w.links.set(sh, 'lo', { up: true });
    w.udp(sh).sock.bind({ address: ip('127.0.0.2'), port: 3 });
    expect(netErrorOf(() => w.udp(sh).sock.bind({ address: ip('10.9.9.8'), port: 4 })).code).toBe('EADDRNOTAVAIL');
    w.end();
  });

  it("a socket created in rsch-a keeps it after setns to rsch-b: binds rsch-a's address; a new one there cannot", () => {
    const w = world();
    const { a, b } = pair(w);
    const task = a.sh.fork();
    const kept = w.udp(task).sock;
    w.withFd(task, 'rsch-b', (fd) => task.setns(fd));
    expect(task.net).toBe(b.net);
    kept.bind({ address: ip('10.200.0.1'), port: 5000 });
    expect(netErrorOf(() => w.udp(task).sock.bind({ address: ip('10.200.0.1'), port: 5001 })).code).toBe('EADDRNOTAVAIL');
    task.exit();
    w.end();
  });

  it('a socket pins its namespace: the name goes, the namespace stays until the socket closes (transcript 4.G)', () => {
    const w = world();
    const { net, sh } = w.ns('rsch-c');
    const task = sh.fork();
    const { fd } = w.udp(task);
    const home = w.kernel.initTask.openNetNs();
    const fdInTask = task.install(w.kernel.initTask.file(home).get());
    task.setns(fdInTask);
    w.kernel.initTask.close(home);
    sh.exit();
    w.kernel.netns.del('rsch-c');
    w.kernel.clock.runUntilIdle();
    expect(net.lifecycle).toBe('alive');
    task.close(fd);
    w.kernel.clock.runUntilIdle();
    expect(net.lifecycle).toBe('dead');
    task.exit();
    w.end();
  });

  it('datagrams cross the veth to the namespace whose socket is bound, and nowhere else', () => {
    const w = world();
    const { a, b } = pair(w);
    const server = w.udp(b.sh).sock;
    server.bind({ address: 0, port: 4000 });
    const decoy = w.udp(a.sh).sock;
    decoy.bind({ address: 0, port: 4000 });
    const client = w.udp(a.sh).sock;
    client.send(text('ping'), { address: ip('10.200.0.2'), port: 4000 });
    w.kernel.clock.runUntilIdle();
    const got = server.recv();
    expect(str(got.data)).toBe('ping');
    expect(got.from.address).toBe(ip('10.200.0.1'));
    expect(got.from.port).toBe(client.local.port);
    expect(netErrorOf(() => decoy.recv()).code).toBe('EAGAIN');
    w.end();
  });
});
