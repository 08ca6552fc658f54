/**
 * Routing tables: routes, and longest-prefix-match lookup (`net/ipv4/fib_trie.c`,
 * `include/net/ip_fib.h`).
 *
 * @module
 */

import type { NetDevice } from '@netstage/devices';

/** `RT_TABLE_*` ids (`include/uapi/linux/rtnetlink.h`). */
export const RT_TABLE = { UNSPEC: 0, DEFAULT: 253, MAIN: 254, LOCAL: 255 } as const;

/** `RT_SCOPE_*` values: smaller is wider. */
export const RT_SCOPE = { UNIVERSE: 0, SITE: 200, LINK: 253, HOST: 254, NOWHERE: 255 } as const;

/** Route types (`RTN_*`) netstage models. */
export type RouteType = 'unicast' | 'local' | 'broadcast' | 'blackhole' | 'unreachable' | 'prohibit';

/** Who made a route (`RTPROT_*`): `kernel` for the automatic ones, `boot` for `ip route add`. */
export type RouteProtocol = 'kernel' | 'boot' | 'static';

/** One route in one table (`struct fib_alias` + `struct fib_info`). */
export interface Route {
  /** Table id. */
  readonly table: number;
  /** Destination network (host bits zero). */
  readonly dst: number;
  /** Prefix length, 0..32. */
  readonly prefixLen: number;
  /** Type. */
  readonly type: RouteType;
  /** Type of service (0 unless given). */
  readonly tos: number;
  /** Metric (`priority`). */
  readonly metric: number;
  /** Protocol. */
  readonly protocol: RouteProtocol;
  /** Scope. */
  readonly scope: number;
  /** Outgoing device, for unicast, local and broadcast routes. */
  readonly dev: NetDevice | undefined;
  /** Next hop, or 0 for a directly connected destination. */
  readonly gateway: number;
  /** Preferred source address (`prefsrc`), or 0. */
  readonly prefsrc: number;
}

/** The mask of a prefix length, as an unsigned 32-bit number. */
function maskOf(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** The prefix lengths of an empty table, shared so an idle table costs no array of its own. */
const NO_LENGTHS: readonly number[] = [];

/**
 * One routing table. Routes are kept per prefix length in maps keyed by the network
 * number, so a lookup is at most 33 map reads whatever the table's size or the number
 * of namespaces.
 *
 * Dump order is the trie's: by destination, then longer prefixes first (a leaf keeps
 * its aliases by ascending suffix length: 10.9.0.0/24 before 10.9.0.0/16 in `ip route`
 * and `/proc/net/route` on 6.18), then higher TOS, then lower metric, then age.
 */
export class FibTable {
  readonly #byLen: (Map<number, Route[]> | undefined)[] = new Array<Map<number, Route[]> | undefined>(33);
  /**
   * The prefix lengths that have routes, longest first: a lookup reads only these maps
   * (a namespace's tables hold a handful of lengths, so most of the 33 are empty).
   */
  #lens: readonly number[] = NO_LENGTHS;
  #size = 0;

  constructor(
    /** Table id. */
    readonly id: number,
  ) {}

  /** Number of routes. */
  get size(): number {
    return this.#size;
  }

  /** Routes with exactly this destination and prefix length, in preference order. */
  at(dst: number, prefixLen: number): readonly Route[] {
    return this.#byLen[prefixLen]?.get(dst) ?? [];
  }

  /** Add a route after those of the same key that it does not precede. */
  insert(route: Route): void {
    let map = this.#byLen[route.prefixLen];
    if (map === undefined) {
      map = new Map();
      this.#byLen[route.prefixLen] = map;
    }
    if (map.size === 0) this.#lens = [...this.#lens, route.prefixLen].sort((a, b) => b - a);
    const list = map.get(route.dst) ?? [];
    let i = 0;
    while (i < list.length && precedes(list[i] as Route, route)) i++;
    map.set(route.dst, [...list.slice(0, i), route, ...list.slice(i)]);
    this.#size++;
  }

  /** Remove a route (by identity); returns whether it was there. */
  remove(route: Route): boolean {
    const map = this.#byLen[route.prefixLen];
    const list = map?.get(route.dst);
    if (map === undefined || list === undefined) return false;
    const i = list.indexOf(route);
    if (i < 0) return false;
    if (list.length === 1) {
      map.delete(route.dst);
      if (map.size === 0) this.#lens = this.#lens.filter((len) => len !== route.prefixLen);
    } else map.set(route.dst, [...list.slice(0, i), ...list.slice(i + 1)]);
    this.#size--;
    return true;
  }

  /** Every route, in dump order. */
  routes(): Route[] {
    const all: Route[] = [];
    for (const map of this.#byLen) if (map !== undefined) for (const list of map.values()) all.push(...list);
    // Array.prototype.sort is stable: routes of one key keep their preference order.
    return all.sort(dumpOrder);
  }

  /**
   * The longest-prefix match for `dst` whose scope is at least as narrow as `minScope`
   * allows (`fib_table_lookup`): routes wider than asked are skipped, and so are routes
   * with a TOS, which match only flows of that TOS (lookups here are for TOS 0).
   */
  lookup(dst: number, minScope: number = RT_SCOPE.UNIVERSE): Route | undefined {
    const lens = this.#lens;
    for (let i = 0; i < lens.length; i++) {
      const len = lens[i] as number;
      const list = this.#byLen[len]?.get((dst & maskOf(len)) >>> 0);
      if (list === undefined) continue;
      // A route with a TOS matches only flows of that TOS; lookups here are for TOS 0.
      for (let j = 0; j < list.length; j++) {
        const r = list[j] as Route;
        if (r.scope >= minScope && r.tos === 0) return r;
      }
    }
    return undefined;
  }
}

/** Whether `a` sorts before `b` among routes of one destination and prefix. */
function precedes(a: Route, b: Route): boolean {
  if (a.tos !== b.tos) return a.tos > b.tos;
  return a.metric <= b.metric;
}

function dumpOrder(a: Route, b: Route): number {
  return a.dst - b.dst || b.prefixLen - a.prefixLen;
}
