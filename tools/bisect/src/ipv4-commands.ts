/**
 * The ipv4 layer's operations: /32 addresses added to and deleted from devices, and
 * blackhole routes added and deleted — each predicted from the model first, so an
 * address or a route showing up in the wrong namespace fails the run.
 *
 * @module
 */

import fc from 'fast-check';
import { InetControl, ipv4Stack, parseIpv4 } from '@netstage/ipv4';
import { NetError } from '@netstage/core-net';
import { OK, Step, expectOutcome, pick, runQueue, type Cmd, type Outcome } from './commands.js';
import type { Model, Real } from './model.js';

const DEV_NAMES = ['lo', 'd0', 'v0', 'v1'] as const;

function inet(real: Real): InetControl {
  return new InetControl(real.kernel);
}

/** What the rtnetlink fences say to a caller in `ns` for a method gated by `methods`. */
function fence(model: Model, ns: number, methods: boolean): Outcome | undefined {
  if (ns === 0) return undefined;
  if (!model.stages.rtnlSocket) return { ok: false, code: 'ECONNREFUSED' };
  if (!methods) return { ok: false, code: 'EINVAL' };
  return undefined;
}

function addr(k: number): number {
  return parseIpv4(`10.77.0.${k}`) as number;
}

class AddrAdd extends Step {
  constructor(readonly t: number, readonly dev: string, readonly k: number) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const d = model.dev(mt.ns, this.dev);
    const key = `10.77.0.${this.k}/32`;
    let want = fence(model, mt.ns, model.stages.addrMethods) ?? OK;
    if (want.ok && d === undefined) want = { ok: false, code: 'ENODEV' };
    else if (want.ok && d?.addrs.has(key) === true) want = { ok: false, code: 'EEXIST', message: 'Error: ipv4: Address already assigned.' };
    expectOutcome('addr add', want, () => inet(real).addAddress(real.task(mt.pid), this.dev, { local: addr(this.k), prefixLen: 32 }));
    if (want.ok) d?.addrs.add(key);
  }
  toString(): string {
    return `addrAdd(t${this.t}, 10.77.0.${this.k}/32 dev ${this.dev})`;
  }
}

class AddrDel extends Step {
  constructor(readonly t: number, readonly dev: string, readonly k: number) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const d = model.dev(mt.ns, this.dev);
    const key = `10.77.0.${this.k}/32`;
    let want = fence(model, mt.ns, model.stages.addrMethods) ?? OK;
    if (want.ok && d === undefined) want = { ok: false, code: 'ENODEV' };
    else if (want.ok && d?.addrs.has(key) !== true) want = { ok: false, code: 'EADDRNOTAVAIL', message: 'Error: ipv4: Address not found.' };
    expectOutcome('addr del', want, () => inet(real).deleteAddress(real.task(mt.pid), this.dev, addr(this.k), 32));
    if (want.ok) d?.addrs.delete(key);
  }
  toString(): string {
    return `addrDel(t${this.t}, 10.77.0.${this.k}/32 dev ${this.dev})`;
  }
}

class Blackhole extends Step {
  constructor(readonly t: number, readonly k: number, readonly add: boolean) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const ns = model.nss[mt.ns];
    if (ns === undefined) throw new Error('harness: no namespace');
    const key = `10.88.${this.k}.0/24`;
    let want = fence(model, mt.ns, model.stages.routeMethods) ?? OK;
    if (want.ok && this.add && ns.blackholes.has(key)) want = { ok: false, code: 'EEXIST' };
    if (want.ok && !this.add && !ns.blackholes.has(key)) want = { ok: false, code: 'ESRCH' };
    const req = { dst: parseIpv4(`10.88.${this.k}.0`) as number, prefixLen: 24, type: 'blackhole' as const };
    const task = real.task(mt.pid);
    expectOutcome(this.add ? 'route add' : 'route del', want, () => (this.add ? inet(real).addRoute(task, req) : inet(real).deleteRoute(task, req)));
    if (want.ok && this.add) ns.blackholes.add(key);
    if (want.ok && !this.add) ns.blackholes.delete(key);
  }
  toString(): string {
    return `route${this.add ? 'Add' : 'Del'}(t${this.t}, blackhole 10.88.${this.k}.0/24)`;
  }
}

/**
 * Ping one of the harness's /32 addresses from an actor: the echo goes out through lo
 * and must come back to the same namespace — and only there — exactly when the
 * address is local there, lo is up, and IPv4 input and ICMP serve that namespace.
 */
class Ping extends Step {
  constructor(readonly t: number, readonly k: number) {
    super();
  }
  override check(model: Readonly<Model>): boolean {
    const mt = pick(model.actors(), this.t);
    return model.dev(mt.ns, 'lo')?.kind === 'loopback';
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const key = `10.77.0.${this.k}/32`;
    const local = model.devsOf(mt.ns).some((d) => d.addrs.has(key));
    const lo = model.devsOf(mt.ns).find((d) => d.kind === 'loopback');
    const served = mt.ns === 0 || (model.stages.rx && model.stages.ipRcv && model.stages.icmp);
    const want: Outcome = local ? OK : { ok: false, code: 'ENETUNREACH' };
    real.echoReplies.length = 0;
    expectOutcome('ping', want, () => {
      try {
        ipv4Stack(real.kernel).sendEcho(real.nets[mt.ns] as never, addr(this.k), 7, this.k, new Uint8Array(8));
      } catch (err) {
        // Only "no route" is a prediction; anything else is a failure of its own.
        if (err instanceof NetError && err.code !== 'ENETUNREACH') throw new Error(`ping: ${err.code}`, { cause: err });
        throw err;
      }
    });
    const touched = runQueue(model, real);
    // Teardowns queued before the ping run first: the address must still be local after them.
    const stillLocal = model.devsOf(mt.ns).some((d) => d.addrs.has(key));
    const back = local && stillLocal && lo !== undefined && lo.up && lo.alive && !touched.has(lo.id) && served;
    const wantReplies = back ? [`${mt.ns}:10.77.0.${this.k}`] : [];
    if (real.echoReplies.join(',') !== wantReplies.join(',')) {
      throw new Error(`isolation: ping of 10.77.0.${this.k} from namespace ${mt.ns} got replies [${real.echoReplies.join(',')}], model [${wantReplies.join(',')}]`);
    }
  }
  toString(): string {
    return `ping(t${this.t}, 10.77.0.${this.k})`;
  }
}

/** A permanent neighbour 10.66.0.k on a device, added or deleted. */
class Neigh extends Step {
  constructor(readonly t: number, readonly dev: string, readonly k: number, readonly add: boolean) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const d = model.dev(mt.ns, this.dev);
    const existing = model.neighs.find((n) => n.dev === d && n.k === this.k);
    let want = fence(model, mt.ns, model.stages.neigh) ?? OK;
    if (want.ok && d === undefined) want = { ok: false, code: 'ENODEV' };
    else if (want.ok && this.add && existing !== undefined) want = { ok: false, code: 'EEXIST' };
    else if (want.ok && !this.add && existing === undefined) want = { ok: false, code: 'ENOENT' };
    const ip = parseIpv4(`10.66.0.${this.k}`) as number;
    const task = real.task(mt.pid);
    expectOutcome(this.add ? 'neigh add' : 'neigh del', want, () =>
      this.add ? inet(real).addNeighbour(task, this.dev, ip, 0x02_0000_0066_00 + this.k) : inet(real).deleteNeighbour(task, this.dev, ip),
    );
    if (!want.ok || d === undefined) return;
    if (this.add) model.neighs.push({ dev: d, k: this.k });
    else model.neighs = model.neighs.filter((n) => n !== existing);
  }
  toString(): string {
    return `neigh${this.add ? 'Add' : 'Del'}(t${this.t}, 10.66.0.${this.k} dev ${this.dev})`;
  }
}

/** The ipv4 commands, as fast-check arbitraries. */
export function ipv4CommandArbitraries(): fc.Arbitrary<Cmd>[] {
  const t = fc.nat({ max: 15 });
  const dev = fc.constantFrom(...DEV_NAMES);
  const k = fc.integer({ min: 1, max: 2 });
  return [
    fc.tuple(t, dev, k).map(([x, d, n]) => new AddrAdd(x, d, n)),
    fc.tuple(t, dev, k).map(([x, d, n]) => new AddrDel(x, d, n)),
    fc.tuple(t, k, fc.boolean()).map(([x, n, add]) => new Blackhole(x, n, add)),
    fc.tuple(t, k).map(([x, n]) => new Ping(x, n)),
    // Traffic needs an address on lo: offer that, and pings, more often.
    fc.tuple(t, k).map(([x, n]) => new AddrAdd(x, 'lo', n)),
    fc.tuple(t, k).map(([x, n]) => new Ping(x, n)),
    fc.tuple(t, dev, k, fc.boolean()).map(([x, d, n, add]) => new Neigh(x, d, n, add)),
  ];
}
