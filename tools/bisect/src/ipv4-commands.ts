/**
 * The ipv4 layer's operations: /32 addresses added to and deleted from devices, and
 * blackhole routes added and deleted — each predicted from the model first, so an
 * address or a route showing up in the wrong namespace fails the run.
 *
 * @module
 */

import fc from 'fast-check';
import { InetControl, parseIpv4 } from '@netstage/ipv4';
import { OK, Step, expectOutcome, pick, type Cmd, type Outcome } from './commands.js';
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

/** The ipv4 commands, as fast-check arbitraries. */
export function ipv4CommandArbitraries(): fc.Arbitrary<Cmd>[] {
  const t = fc.nat({ max: 15 });
  const dev = fc.constantFrom(...DEV_NAMES);
  const k = fc.integer({ min: 1, max: 3 });
  return [
    fc.tuple(t, dev, k).map(([x, d, n]) => new AddrAdd(x, d, n)),
    fc.tuple(t, dev, k).map(([x, d, n]) => new AddrDel(x, d, n)),
    fc.tuple(t, k, fc.boolean()).map(([x, n, add]) => new Blackhole(x, n, add)),
  ];
}
