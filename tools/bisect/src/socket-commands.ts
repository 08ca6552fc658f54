/**
 * The sockets layer's operations: UDP sockets created in an actor's namespace, bound to
 * a harness port, sent a datagram over lo to 127.0.0.1, read from and closed — each
 * predicted from the model first, so a socket created where the fence should refuse, a
 * port clash across namespaces, or a datagram landing in any other namespace's socket
 * fails the run.
 *
 * @module
 */

import fc from 'fast-check';
import { socketLayer, type UdpSocket } from '@netstage/sockets';
import { LinkUp } from './device-commands.js';
import { OK, Step, expectOutcome, openFds, pick, runQueue, type Cmd, type Outcome } from './commands.js';
import type { Model, ModelFile, ModelSock, ModelTask, Real } from './model.js';

/** The ports the harness binds; far below the ephemeral range, so sends never take them. */
const PORTS = [5000, 5001] as const;

/** `127.0.0.1`. */
const LOCALHOST = 0x7f000001;

/** Whether socket() serves a caller in `ns`: initNet always, elsewhere once every sockets stage is on. */
function socketOpen(model: Readonly<Model>, ns: number): boolean {
  return ns === 0 || model.stages.sockets;
}

/** An actor's descriptors that are sockets. */
function sockFds(task: ModelTask): number[] {
  return openFds(task).filter((fd) => task.fds[fd]?.sock !== undefined);
}

function anySock(model: Readonly<Model>): boolean {
  return model.actors().some((t) => sockFds(t).length > 0);
}

/** Pick an actor with a socket open, and one of its socket descriptors. */
function pickSock(model: Readonly<Model>, t: number, s: number): { mt: ModelTask; fd: number; sock: ModelSock } {
  const mt = pick(model.actors().filter((x) => sockFds(x).length > 0), t);
  const fd = pick(sockFds(mt), s);
  return { mt, fd, sock: (mt.fds[fd] as ModelFile).sock as ModelSock };
}

function kernelSock(real: Real, sock: ModelSock): UdpSocket {
  const s = real.socks.get(sock.id);
  if (s === undefined) throw new Error(`harness: model socket ${sock.id} has no kernel socket`);
  return s;
}

class SockCreate extends Step {
  constructor(readonly t: number) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const task = real.task(mt.pid);
    const want: Outcome = socketOpen(model, mt.ns) ? OK : { ok: false, code: 'EAFNOSUPPORT' };
    const fd = expectOutcome('socket(AF_INET, SOCK_DGRAM)', want, () => socketLayer(real.kernel).socket(task, 'inet', 'dgram'));
    if (!want.ok || fd === undefined) return;
    const sock = model.newSock(mt.ns);
    const file: ModelFile = { ns: mt.ns, fds: 0, sock };
    sock.file = file;
    const mfd = model.install(mt, file);
    if (fd !== mfd) throw new Error(`socket gave fd ${fd}, model ${mfd}`);
    real.socks.set(sock.id, socketLayer(real.kernel).fdSocket(task, fd) as UdpSocket);
  }
  toString(): string {
    return `socket(t${this.t})`;
  }
}

class SockBind extends Step {
  constructor(readonly t: number, readonly s: number, readonly port: number) {
    super();
  }
  override check(model: Readonly<Model>): boolean {
    return anySock(model);
  }
  apply(model: Model, real: Real): void {
    const { sock } = pickSock(model, this.t, this.s);
    let want: Outcome = OK;
    if (sock.bound) want = { ok: false, code: 'EINVAL' };
    // Ports are per namespace: only a socket of the same namespace clashes.
    else if (model.sockOnPort(sock.ns, this.port) !== undefined) want = { ok: false, code: 'EADDRINUSE' };
    expectOutcome('bind', want, () => kernelSock(real, sock).bind({ address: 0, port: this.port }));
    if (want.ok) {
      sock.bound = true;
      sock.port = this.port;
    }
  }
  toString(): string {
    return `bind(t${this.t}, s${this.s}, 0.0.0.0:${this.port})`;
  }
}

/**
 * Send a datagram from a socket to 127.0.0.1:port over its namespace's lo, then run the
 * queue: it must land in the socket of that namespace bound on that port — and in no
 * other socket anywhere (checkInvariants compares every socket's queue).
 */
class SockSend extends Step {
  static #seq = 0;
  /**
   * `aim`: send to the port of a socket bound in the sender's namespace when there is
   * one (so datagrams are delivered often), else to `port`.
   */
  constructor(readonly t: number, readonly s: number, readonly port: number, readonly aim = false) {
    super();
  }
  #port(model: Readonly<Model>, sock: ModelSock): number {
    if (!this.aim) return this.port;
    const bound = model.openSocks().find((o) => o.ns === sock.ns && o.port !== undefined);
    return bound?.port ?? this.port;
  }
  override check(model: Readonly<Model>): boolean {
    if (!anySock(model)) return false;
    const { sock } = pickSock(model, this.t, this.s);
    const lo = model.devsOf(sock.ns).find((d) => d.kind === 'loopback');
    return lo !== undefined && lo.up && lo.addrs.has('127.0.0.1/8');
  }
  apply(model: Model, real: Real): void {
    const { sock } = pickSock(model, this.t, this.s);
    const port = this.#port(model, sock);
    const payload = `d${SockSend.#seq++}`;
    expectOutcome('sendto 127.0.0.1', OK, () => kernelSock(real, sock).send(new TextEncoder().encode(payload), { address: LOCALHOST, port }));
    // An unbound sender takes an ephemeral port (never a harness one).
    sock.bound = true;
    const target = model.sockOnPort(sock.ns, port);
    const served = sock.ns === 0 || (model.stages.rx && model.stages.sockets);
    if (target !== undefined && served) target.queue.push(payload);
    runQueue(model, real);
  }
  toString(): string {
    return `sendto(t${this.t}, s${this.s}, 127.0.0.1:${this.aim ? `bound|${this.port}` : this.port})`;
  }
}

class SockRecv extends Step {
  constructor(readonly t: number, readonly s: number) {
    super();
  }
  override check(model: Readonly<Model>): boolean {
    return anySock(model);
  }
  apply(model: Model, real: Real): void {
    const { sock } = pickSock(model, this.t, this.s);
    const want: Outcome = sock.queue.length > 0 ? OK : { ok: false, code: 'EAGAIN' };
    const got = expectOutcome('recvfrom', want, () => kernelSock(real, sock).recv());
    if (!want.ok) return;
    const expected = sock.queue.shift();
    const data = got === undefined ? undefined : new TextDecoder().decode(got.data);
    if (data !== expected) throw new Error(`isolation: socket ${sock.id} received "${data}", model "${expected}"`);
    if (got?.from.address !== LOCALHOST) throw new Error(`socket ${sock.id} received a datagram from ${got?.from.address}, not 127.0.0.1`);
  }
  toString(): string {
    return `recvfrom(t${this.t}, s${this.s})`;
  }
}

/** Close a socket descriptor (the socket goes when its last descriptor does). */
class SockClose extends Step {
  constructor(readonly t: number, readonly s: number) {
    super();
  }
  override check(model: Readonly<Model>): boolean {
    return anySock(model);
  }
  apply(model: Model, real: Real): void {
    const { mt, fd } = pickSock(model, this.t, this.s);
    expectOutcome('close socket', OK, () => real.task(mt.pid).close(fd));
    model.close(mt, fd);
  }
  toString(): string {
    return `closeSocket(t${this.t}, s${this.s})`;
  }
}

/** The socket commands, as fast-check arbitraries. */
export function socketCommandArbitraries(): fc.Arbitrary<Cmd>[] {
  const t = fc.nat({ max: 15 });
  const s = fc.nat({ max: 7 });
  const port = fc.constantFrom(...PORTS);
  return [
    t.map((x) => new SockCreate(x)),
    fc.tuple(t, s, port).map(([x, y, p]) => new SockBind(x, y, p)),
    fc.tuple(t, s, port).map(([x, y, p]) => new SockSend(x, y, p)),
    fc.tuple(t, s).map(([x, y]) => new SockRecv(x, y)),
    fc.tuple(t, s).map(([x, y]) => new SockClose(x, y)),
    // Traffic needs a socket in a namespace whose lo is up: offer those, and sends, more often.
    t.map((x) => new SockCreate(x)),
    t.map((x) => new LinkUp(x, 'lo', true)),
    fc.tuple(t, s, port).map(([x, y, p]) => new SockBind(x, y, p)),
    fc.tuple(t, s, port).map(([x, y, p]) => new SockSend(x, y, p, true)),
    fc.tuple(t, s, port).map(([x, y, p]) => new SockSend(x, y, p, true)),
    fc.tuple(t, s).map(([x, y]) => new SockRecv(x, y)),
  ];
}
