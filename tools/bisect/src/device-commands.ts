/**
 * The devices layer's operations: link add (dummy, veth — the peer possibly in a named
 * namespace), delete, up/down, rename, move to a named namespace, and sending a frame
 * — each predicted from the model first.
 *
 * @module
 */

import fc from 'fast-check';
import { LinkControl, netdev, type NetDevice } from '@netstage/devices';
import { NAMES, OK, Step, expectOutcome, pick, runQueue, type Cmd, type Outcome } from './commands.js';
import type { Model, ModelDev, Real } from './model.js';

/** Device names commands use; `lo` is among them so lo meets renames and moves. */
const DEV_NAMES = ['lo', 'd0', 'v0', 'v1'] as const;

/** The EtherType of the harness's frames (IEEE local experimental). */
export const HARNESS_ETHERTYPE = 0x88b5;

/** What the rtnetlink fences say to a caller in namespace `ns`, if anything. */
function linkFence(model: Model, ns: number): Outcome | undefined {
  if (ns === 0) return undefined;
  if (!model.stages.rtnlSocket) return { ok: false, code: 'ECONNREFUSED' };
  if (!model.stages.rtnlLink) return { ok: false, code: 'EINVAL' };
  return undefined;
}

/**
 * The prediction every request about an existing device starts from: the fences, then
 * ENODEV for a device the caller's namespace does not have.
 */
function onDevice(model: Model, ns: number, name: string): { d: ModelDev | undefined; want: Outcome } {
  const d = model.dev(ns, name);
  const fenced = linkFence(model, ns);
  if (fenced !== undefined) return { d, want: fenced };
  if (d === undefined) return { d, want: { ok: false, code: 'ENODEV', message: `Cannot find device "${name}"` } };
  return { d, want: OK };
}

/**
 * Open `/run/netns/NAME` in the task for the duration of `fn`, as `ip` does; when the
 * name does not exist, check the ENOENT and return undefined.
 */
function withNetnsFd<T>(model: Model, real: Real, pid: number, name: string, fn: (fd: number) => T): T | undefined {
  const task = real.task(pid);
  if (!model.names.has(name)) {
    expectOutcome('open /run/netns', { ok: false, code: 'ENOENT' }, () => real.kernel.netns.open(name, task));
    return undefined;
  }
  const fd = real.kernel.netns.open(name, task);
  try {
    return fn(fd);
  } finally {
    task.close(fd);
  }
}

function links(real: Real): LinkControl {
  return new LinkControl(real.kernel);
}

function lookup(real: Real, ns: number, name: string): NetDevice {
  const dev = netdev(real.kernel).byName(real.nets[ns] as never, name);
  if (dev === undefined) throw new Error(`harness: no device ${name} in namespace ${ns}`);
  return dev;
}

class LinkAdd extends Step {
  constructor(
    readonly t: number,
    readonly kind: 'veth' | 'dummy',
    readonly name: string,
    readonly peerName: string,
    readonly peerNs: string | undefined,
  ) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const c = mt.ns;
    const add = (netns?: { fd: number }): void => {
      const p = this.peerNs === undefined ? c : (model.names.get(this.peerNs) as number);
      let want = linkFence(model, c) ?? OK;
      if (want.ok && this.kind === 'veth' && p !== c && !model.stages.moveNetlink) want = { ok: false, code: 'EINVAL' };
      if (want.ok) {
        if (this.kind === 'dummy') {
          if (model.dev(c, this.name) !== undefined) want = { ok: false, code: 'EEXIST' };
        } else if (model.dev(p, this.peerName) !== undefined || model.dev(c, this.name) !== undefined || (p === c && this.name === this.peerName)) {
          want = { ok: false, code: 'EEXIST' };
        }
      }
      const req = this.kind === 'dummy'
        ? { kind: 'dummy' as const, name: this.name }
        : { kind: 'veth' as const, name: this.name, peer: { name: this.peerName, ...(netns === undefined ? {} : { netns }) } };
      expectOutcome(`link add ${this.kind}`, want, () => links(real).add(real.task(mt.pid), req));
      if (!want.ok) return;
      const main = model.addDev(this.kind, c, this.name);
      real.devs.set(main.id, lookup(real, c, this.name));
      if (this.kind === 'veth') {
        const peer = model.addDev('veth', p, this.peerName);
        main.peer = peer;
        peer.peer = main;
        real.devs.set(peer.id, lookup(real, p, this.peerName));
      }
    };
    if (this.kind === 'veth' && this.peerNs !== undefined) withNetnsFd(model, real, mt.pid, this.peerNs, (fd) => add({ fd }));
    else add();
  }
  toString(): string {
    const peer = this.kind === 'veth' ? ` peer ${this.peerName}${this.peerNs === undefined ? '' : ` netns ${this.peerNs}`}` : '';
    return `linkAdd(t${this.t}, ${this.kind} ${this.name}${peer})`;
  }
}

class LinkDel extends Step {
  constructor(readonly t: number, readonly name: string) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const start = onDevice(model, mt.ns, this.name);
    const d = start.d;
    let want = start.want;
    if (want.ok && d?.kind === 'loopback') want = { ok: false, code: 'EOPNOTSUPP' };
    expectOutcome('link del', want, () => links(real).del(real.task(mt.pid), this.name));
    if (want.ok && d !== undefined) model.deleteDev(d);
  }
  toString(): string {
    return `linkDel(t${this.t}, ${this.name})`;
  }
}

export class LinkUp extends Step {
  constructor(readonly t: number, readonly name: string, readonly up: boolean) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const { d, want } = onDevice(model, mt.ns, this.name);
    expectOutcome('link set up/down', want, () => links(real).set(real.task(mt.pid), this.name, { up: this.up }));
    if (want.ok && d !== undefined) {
      d.up = this.up;
      // inetdev_event: lo coming up gets 127.0.0.1/8 (where IPv4 serves its namespace).
      if (this.up && d.kind === 'loopback' && (mt.ns === 0 || model.stages.inetdev)) d.addrs.add('127.0.0.1/8');
    }
  }
  toString(): string {
    return `linkSet(t${this.t}, ${this.name} ${this.up ? 'up' : 'down'})`;
  }
}

class LinkRename extends Step {
  constructor(readonly t: number, readonly name: string, readonly to: string) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const start = onDevice(model, mt.ns, this.name);
    const d = start.d;
    let want = start.want;
    if (want.ok && this.to !== this.name && model.dev(mt.ns, this.to) !== undefined) want = { ok: false, code: 'EEXIST' };
    expectOutcome('link set name', want, () => links(real).set(real.task(mt.pid), this.name, { name: this.to }));
    if (want.ok && d !== undefined) d.name = this.to;
  }
  toString(): string {
    return `linkSet(t${this.t}, ${this.name} name ${this.to})`;
  }
}

class LinkMove extends Step {
  constructor(readonly t: number, readonly name: string, readonly target: string) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    withNetnsFd(model, real, mt.pid, this.target, (fd) => {
      const p = model.names.get(this.target) as number;
      const start = onDevice(model, mt.ns, this.name);
      const d = start.d;
      let want = start.want;
      if (want.ok && p !== mt.ns && !model.stages.moveNetlink) {
        want = { ok: false, code: 'EINVAL' };
      } else if (want.ok && d?.kind === 'loopback') {
        want = { ok: false, code: 'EINVAL', message: 'Error: The interface netns is immutable.' };
      } else if (want.ok && p !== mt.ns && model.dev(p, this.name) !== undefined) {
        want = { ok: false, code: 'EEXIST', message: 'Error: An interface with the same name exists in the target netns.' };
      }
      expectOutcome('link set netns', want, () => links(real).set(real.task(mt.pid), this.name, { netns: { fd } }));
      if (want.ok && d !== undefined && p !== mt.ns) {
        d.ns = p;
        d.up = false;
        d.addrs.clear();
        model.forgetNeighs(d);
      }
    });
  }
  toString(): string {
    return `linkSet(t${this.t}, ${this.name} netns ${this.target})`;
  }
}

class SendFrame extends Step {
  constructor(readonly t: number, readonly name: string) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const d = model.dev(mt.ns, this.name);
    const dev = netdev(real.kernel).byName(real.nets[mt.ns] as never, this.name);
    if ((d === undefined) !== (dev === undefined)) throw new Error(`harness: device ${this.name} visible to the kernel: ${dev !== undefined}, to the model: ${d !== undefined}`);
    if (d === undefined || dev === undefined) return;
    const receiver = receiverOf(d);
    // A dummy takes the frame and drops it; lo and a veth take it only to deliver it.
    const accepted = d.kind === 'dummy' ? d.up : receiver !== undefined;
    const frame = new Uint8Array(60);
    frame[12] = HARNESS_ETHERTYPE >> 8;
    frame[13] = HARNESS_ETHERTYPE & 0xff;
    const sent = dev.transmit(frame);
    if (sent !== accepted) throw new Error(`transmit on ${d.name} returned ${sent}, model says ${accepted}`);
    real.received.length = 0;
    const touched = runQueue(model, real);
    const delivered = receiver !== undefined && receiver.alive && !touched.has(receiver.id) && (receiver.ns === 0 || model.stages.rx);
    const want = delivered ? [`${receiver.ns}:${receiver.name}`] : [];
    if (real.received.join(',') !== want.join(',')) {
      throw new Error(`isolation: a frame sent on ${mt.ns}:${d.name} reached [${real.received.join(',')}], model [${want.join(',')}]`);
    }
  }
  toString(): string {
    return `send(t${this.t}, ${this.name})`;
  }
}

/** Where a frame sent on `d` goes: lo to itself, a veth to its peer if both are up, a dummy nowhere. */
function receiverOf(d: ModelDev): ModelDev | undefined {
  if (!d.up) return undefined;
  if (d.kind === 'loopback') return d;
  if (d.kind === 'veth' && d.peer?.alive === true && d.peer.up) return d.peer;
  return undefined;
}

/** The device commands, as fast-check arbitraries. */
export function deviceCommandArbitraries(): fc.Arbitrary<Cmd>[] {
  const t = fc.nat({ max: 15 });
  const dev = fc.constantFrom(...DEV_NAMES);
  const ns = fc.constantFrom(...NAMES);
  return [
    fc.tuple(t, fc.constantFrom('veth' as const, 'dummy' as const), dev, dev, fc.option(ns, { nil: undefined })).map(
      ([x, kind, name, peer, target]) => new LinkAdd(x, kind, name, peer, target),
    ),
    fc.tuple(t, dev).map(([x, n]) => new LinkDel(x, n)),
    fc.tuple(t, dev, fc.boolean()).map(([x, n, up]) => new LinkUp(x, n, up)),
    t.map((x) => new LinkUp(x, 'lo', true)),
    fc.tuple(t, dev, dev).map(([x, n, to]) => new LinkRename(x, n, to)),
    fc.tuple(t, dev, ns).map(([x, n, target]) => new LinkMove(x, n, target)),
    fc.tuple(t, dev).map(([x, n]) => new SendFrame(x, n)),
  ];
}
