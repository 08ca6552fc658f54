// The shapes that keep an idle namespace small (DESIGN.md §6) answer exactly as the
// plain structures they stand for: a routing table as one array or as maps per prefix
// length, the shared empty main table, copy-on-write settings, the device list with
// its first device apart, reassemblers sharing their settings.
import { VirtualClock } from '@netstage/core-net';
import type { NetDevice } from '@netstage/devices';
import { describe, expect, it } from 'vitest';
import {
  Fib,
  FibTable,
  IPV4_SYSCTLS,
  InDevice,
  InetDevices,
  KernelRoute,
  RT_SCOPE,
  RT_TABLE,
  Reassembler,
  emitIpv4Header,
  ipv4,
  type Route,
  type RouteType,
} from '../src/index.js';
import { ip, routeLine, world } from './support.js';

/** Deterministic numbers in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function mask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/**
 * The reference: every route with its age, searched in full. Preference within a key
 * is higher TOS, then lower metric, then older; lookup is the longest covering prefix
 * whose first preferred route has TOS 0 and a scope no wider than asked.
 */
class Reference {
  readonly #routes: { r: Route; age: number }[] = [];
  #age = 0;
  #cache: Route[] | undefined;
  insert(r: Route): void {
    this.#routes.push({ r, age: this.#age++ });
    this.#cache = undefined;
  }
  remove(r: Route): void {
    this.#routes.splice(
      this.#routes.findIndex((x) => x.r === r),
      1,
    );
    this.#cache = undefined;
  }
  get size(): number {
    return this.#routes.length;
  }
  #sorted(): Route[] {
    this.#cache ??= [...this.#routes]
      .sort((a, b) => a.r.dst - b.r.dst || b.r.prefixLen - a.r.prefixLen || b.r.tos - a.r.tos || a.r.metric - b.r.metric || a.age - b.age)
      .map((x) => x.r);
    return this.#cache;
  }
  routes(): Route[] {
    return [...this.#sorted()];
  }
  at(dst: number, len: number): Route[] {
    return this.#sorted().filter((r) => r.dst === dst && r.prefixLen === len);
  }
  lookup(dst: number, minScope: number): Route | undefined {
    let best: Route | undefined;
    for (const r of this.#sorted()) {
      if (((dst & mask(r.prefixLen)) >>> 0) !== r.dst || r.tos !== 0 || r.scope < minScope) continue;
      if (best === undefined || r.prefixLen > best.prefixLen) best = r;
    }
    return best;
  }
}

function randomRoute(next: () => number): Route {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const prefixLen = pick([0, 8, 16, 24, 24, 24, 32, 32]);
  // Few distinct networks, so that keys repeat and lookups hit.
  const dst = (((10 << 24) | (pick([0, 1, 2]) << 16) | (pick([0, 1]) << 8) | pick([0, 1, 255])) & mask(prefixLen)) >>> 0;
  return {
    table: RT_TABLE.MAIN,
    dst,
    prefixLen,
    type: pick<RouteType>(['unicast', 'unicast', 'blackhole', 'local']),
    tos: pick([0, 0, 0, 8]),
    metric: pick([0, 0, 100, 200]),
    protocol: 'boot',
    scope: pick([RT_SCOPE.UNIVERSE, RT_SCOPE.LINK, RT_SCOPE.HOST]),
    dev: undefined,
    gateway: 0,
    prefsrc: 0,
  };
}

describe('a routing table answers alike as one array and as maps per prefix length', () => {
  const probes = [0, ip('10.0.0.0'), ip('10.0.0.1'), ip('10.0.1.255'), ip('10.1.0.1'), ip('10.2.1.0'), ip('10.3.0.0'), ip('192.0.2.1')];

  function same(t: FibTable, ref: Reference): void {
    expect(t.size).toBe(ref.size);
    expect(t.routes()).toEqual(ref.routes());
    for (const dst of probes) {
      for (const minScope of [RT_SCOPE.UNIVERSE, RT_SCOPE.LINK]) expect(t.lookup(dst, minScope)).toBe(ref.lookup(dst, minScope));
      for (const len of [0, 8, 16, 24, 32]) expect(t.at((dst & mask(len)) >>> 0, len)).toEqual(ref.at((dst & mask(len)) >>> 0, len));
    }
  }

  it('seeded: 60 routes in, past 16 (maps), then out again below 8 (one array)', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const next = lcg(seed);
      const t = new FibTable(RT_TABLE.MAIN);
      const ref = new Reference();
      const added: Route[] = [];
      let regrown = seed % 2 !== 0;
      for (let i = 0; i < 60; i++) {
        const r = randomRoute(next);
        t.insert(r);
        ref.insert(r);
        added.push(r);
        same(t, ref);
      }
      while (added.length > 0) {
        const r = added.splice(Math.floor(next() * added.length), 1)[0] as Route;
        expect(t.remove(r)).toBe(true);
        expect(t.remove(r)).toBe(false);
        ref.remove(r);
        same(t, ref);
        // Grow back over the threshold once on the way down.
        if (added.length === 5 && !regrown) {
          regrown = true;
          for (let i = 0; i < 20; i++) {
            const again = randomRoute(next);
            t.insert(again);
            ref.insert(again);
            added.push(again);
            same(t, ref);
          }
        }
      }
      expect(t.size).toBe(0);
      expect(t.lookup(ip('10.0.0.1'))).toBeUndefined();
    }
  });
});

describe('kernel routes', () => {
  it('read as the plain routes they replace', () => {
    const dev = { name: 'lo' } as NetDevice;
    const r = new KernelRoute(RT_TABLE.LOCAL, ip('127.0.0.0'), 8, 'local', RT_SCOPE.HOST, dev, ip('127.0.0.1'));
    expect(routeLine(r)).toBe('local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1');
    expect([r.table, r.tos, r.metric, r.gateway, r.protocol]).toEqual([RT_TABLE.LOCAL, 0, 0, 0, 'kernel']);
  });
});

describe('the tables of a namespace (Fib)', () => {
  it('main comes with local, empty, and takes routes only as a table of its own', () => {
    const a = new Fib();
    const b = new Fib();
    expect([a.get(RT_TABLE.LOCAL), a.get(RT_TABLE.MAIN), a.all()]).toEqual([undefined, undefined, []]);
    a.table(RT_TABLE.LOCAL);
    b.table(RT_TABLE.LOCAL);
    const emptyMain = a.get(RT_TABLE.MAIN);
    expect([emptyMain?.id, emptyMain?.size, a.all().map((t) => t.id)]).toEqual([RT_TABLE.MAIN, 0, [254, 255]]);
    const route: Route = { ...randomRoute(lcg(3)), table: RT_TABLE.MAIN };
    expect(() => emptyMain?.insert(route)).toThrow(/takes no routes/);
    a.table(RT_TABLE.MAIN).insert(route);
    expect(a.get(RT_TABLE.MAIN)?.routes()).toEqual([route]);
    expect(b.get(RT_TABLE.MAIN)?.routes()).toEqual([]);
    expect(a.table(RT_TABLE.MAIN)).toBe(a.get(RT_TABLE.MAIN));
  });

  it('other tables by id, listed with local and main in id order', () => {
    const fib = new Fib();
    const t100 = fib.table(100);
    const tDefault = fib.table(RT_TABLE.DEFAULT);
    fib.table(RT_TABLE.MAIN);
    expect(fib.table(100)).toBe(t100);
    expect(fib.get(RT_TABLE.DEFAULT)).toBe(tDefault);
    expect(fib.get(7)).toBeUndefined();
    expect(fib.all().map((t) => t.id)).toEqual([100, 253, 254]);
  });

  it('two namespaces with lo up: a route in one main table is not in the other', () => {
    const w = world();
    const a = w.ns('a');
    const b = w.ns('b');
    w.links.set(a.sh, 'lo', { up: true });
    w.links.set(b.sh, 'lo', { up: true });
    const ip4 = ipv4(w.kernel);
    expect([ip4.table(a.net, RT_TABLE.MAIN)?.size, ip4.table(b.net, RT_TABLE.MAIN)?.size]).toEqual([0, 0]);
    w.inet.addRoute(a.sh, { dst: ip('10.9.0.0'), prefixLen: 16, type: 'blackhole' });
    expect(w.inet.showRoutes(a.sh).map(routeLine)).toEqual(['blackhole 10.9.0.0/16']);
    expect(w.inet.showRoutes(b.sh)).toEqual([]);
    w.inet.deleteRoute(a.sh, { dst: ip('10.9.0.0'), prefixLen: 16 });
    expect(w.inet.showRoutes(a.sh, 'all').map(routeLine)).toEqual(w.inet.showRoutes(b.sh, 'all').map(routeLine));
    w.end();
  });
});

describe('settings are copy-on-write', () => {
  it('a write stays in its namespace; a new namespace copies initNet conf/all and conf/default', () => {
    const w = world();
    const a = w.ns('a');
    const b = w.ns('b');
    const sa = a.net.state(IPV4_SYSCTLS);
    const sb = b.net.state(IPV4_SYSCTLS);
    sa.ipDefaultTtl = 7;
    sa.icmpEchoIgnoreAll = 1;
    sa.pingGroupRange = [0, 10];
    sa.default.promoteSecondaries = 1;
    expect([sb.ipDefaultTtl, sb.icmpEchoIgnoreAll, sb.icmpRatelimit, sb.icmpRatemask, sb.pingGroupRange]).toEqual([64, 0, 1000, 6168, [1, 0]]);
    expect([sa.ipDefaultTtl, sa.icmpEchoIgnoreAll, sa.icmpRatelimit, sa.icmpRatemask, sa.pingGroupRange]).toEqual([7, 1, 1000, 6168, [0, 10]]);
    expect([sb.confOf('default').promoteSecondaries, sb.default.promoteSecondaries]).toEqual([0, 0]);

    const init = w.kernel.initNet.state(IPV4_SYSCTLS);
    // Read (and so taken) but still the defaults: a new namespace starts from the defaults.
    expect(init.all.forwarding).toBe(0);
    const c = w.ns('c').net.state(IPV4_SYSCTLS);
    expect([c.ipForward, c.confOf('all'), c.confOf('default')]).toEqual([0, { forwarding: 0, promoteSecondaries: 0 }, { forwarding: 0, promoteSecondaries: 0 }]);
    init.all.forwarding = 1;
    init.default.promoteSecondaries = 1;
    const d = w.ns('d').net.state(IPV4_SYSCTLS);
    expect([d.ipForward, d.confOf('default').promoteSecondaries, d.confOf('default').forwarding]).toEqual([1, 1, 0]);
    // Copies, not shares.
    init.all.forwarding = 0;
    expect([d.ipForward, c.ipForward, init.ipForward]).toEqual([1, 0, 0]);
    init.default.promoteSecondaries = 0;
    w.end();
  });
});

describe('the IPv4 states of a namespace’s devices (InetDevices)', () => {
  it('the first apart, the rest in an array, a map past 8: order and lookups alike throughout', () => {
    const devs = Array.from({ length: 14 }, (_, i) => ({ name: `d${i}` }) as NetDevice);
    const conf = { forwarding: 0, promoteSecondaries: 0 };
    const list = new InetDevices();
    const want: InDevice[] = [];
    const check = (): void => {
      expect(list.size).toBe(want.length);
      expect([...list.values()]).toEqual(want);
      for (const d of devs) expect(list.get(d)).toBe(want.find((x) => x.dev === d));
      for (const d of devs) expect(list.has(d)).toBe(want.some((x) => x.dev === d));
    };
    check();
    for (const d of devs) {
      const inDev = new InDevice(d, conf);
      list.add(inDev);
      want.push(inDev);
      check();
    }
    // Re-adding replaces in place.
    const again = new InDevice(devs[3] as NetDevice, conf);
    list.add(again);
    want[3] = again;
    check();
    const firstAgain = new InDevice(devs[0] as NetDevice, conf);
    list.add(firstAgain);
    want[0] = firstAgain;
    check();
    // Out: the first (the second takes its place), some in the middle, the last, down to none.
    for (const i of [0, 5, 12, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 13]) {
      const d = devs[i] as NetDevice;
      expect(list.delete(d)).toBe(true);
      expect(list.delete(d)).toBe(false);
      want.splice(
        want.findIndex((x) => x.dev === d),
        1,
      );
      check();
    }
  });

  it('a device’s conf is the device state itself, copied from conf/default', () => {
    const inDev = new InDevice({ name: 'x' } as NetDevice, { forwarding: 1, promoteSecondaries: 1 });
    expect(inDev.conf).toBe(inDev);
    inDev.conf.forwarding = 0;
    expect([inDev.forwarding, inDev.promoteSecondaries, inDev.addrs]).toEqual([0, 1, []]);
  });
});

describe('reassemblers made from a template', () => {
  function firstFragment(id: number): Uint8Array {
    const bytes = new Uint8Array(28);
    emitIpv4Header(
      { source: 0x0ac80001, destination: 0x0ac80002, protocol: 17, ttl: 64, tos: 0, identification: id, dontFragment: false, moreFragments: true, fragmentOffset: 0, payloadLength: 8 },
      bytes,
    );
    return bytes;
  }

  it('share clock, timeout and callback; each keeps its own queues and counters', () => {
    const clock = new VirtualClock();
    const expired: [Reassembler, number][] = [];
    const template = new Reassembler(clock, 1_000, (first, r) => expired.push([r, first?.length ?? 0]));
    const a = new Reassembler(template);
    const b = new Reassembler(template);
    expect([a.size, a.memory, a.reqds, a.oks, a.fails, a.timeouts]).toEqual([0, 0, 0, 0, 0, 0]);
    a.clear(); // nothing to clear before the first fragment
    a.add(firstFragment(1));
    b.add(firstFragment(2));
    b.add(firstFragment(3));
    expect([template.size, a.size, b.size, clock.timers]).toEqual([0, 1, 2, 3]);
    clock.advance(1_000);
    expect(expired.map(([r, n]) => [r === a ? 'a' : r === b ? 'b' : '?', n])).toEqual([
      ['a', 28],
      ['b', 28],
      ['b', 28],
    ]);
    expect([a.timeouts, b.timeouts, a.fails, b.fails, a.reqds, b.reqds]).toEqual([1, 2, 1, 2, 1, 2]);
  });
});
