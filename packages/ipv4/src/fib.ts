/**
 * Routing tables: routes, the tables of a namespace, and longest-prefix-match lookup
 * (`net/ipv4/fib_trie.c`, `net/ipv4/fib_frontend.c`, `include/net/ip_fib.h`).
 *
 * @module
 */

import { insertedAt, removedAt } from '@netstage/core-net';
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

/**
 * A route the kernel makes for an address (`fib_magic` from `fib_add_ifaddr`): protocol
 * `kernel`, metric 0, TOS 0, no gateway. Those four are the same for every such route,
 * so the class answers them once for all, as Linux shares one `fib_info` among the
 * routes of an address; an instance holds only what varies, which makes an idle
 * namespace's three loopback routes a third smaller.
 *
 * @example
 * ```ts
 * import { KernelRoute, RT_SCOPE, RT_TABLE } from '@netstage/ipv4';
 * import type { NetDevice } from '@netstage/devices';
 * const lo = {} as NetDevice;
 * const r = new KernelRoute(RT_TABLE.LOCAL, 0x7f000001, 32, 'local', RT_SCOPE.HOST, lo, 0x7f000001);
 * [r.protocol, r.metric, r.tos, r.gateway]; // ['kernel', 0, 0, 0]
 * ```
 */
export class KernelRoute implements Route {
  constructor(
    /** Table id. */
    readonly table: number,
    /** Destination network (host bits zero). */
    readonly dst: number,
    /** Prefix length, 0..32. */
    readonly prefixLen: number,
    /** Type: `local`, `broadcast` or (a connected route) `unicast`. */
    readonly type: RouteType,
    /** Scope. */
    readonly scope: number,
    /** The device of the address. */
    readonly dev: NetDevice,
    /** The address's primary (`prefsrc`). */
    readonly prefsrc: number,
  ) {}

  /** Always `kernel`. */
  get protocol(): RouteProtocol {
    return 'kernel';
  }

  /** Always 0. */
  get tos(): number {
    return 0;
  }

  /** Always 0. */
  get metric(): number {
    return 0;
  }

  /** Always 0: a kernel route reaches its destination directly. */
  get gateway(): number {
    return 0;
  }
}

/** The mask of each prefix length 0..32, as a signed 32-bit number (shared by every table). */
const MASKS: Int32Array = Int32Array.from({ length: 33 }, (_, len) => (len === 0 ? 0 : 0xffffffff << (32 - len)));

/** The routes of an empty table, shared so an idle table costs no array of its own. */
const NO_ROUTES: readonly Route[] = Object.freeze([]);

/**
 * Up to this many routes a table is one sorted array scanned from the front; past it the
 * table moves to per-prefix-length maps (`LengthIndex`).
 */
const SMALL_TABLE = 16;
/** A table in maps that shrinks to this many routes goes back to one array. */
const SMALL_AGAIN = 8;

/**
 * One routing table.
 *
 * A small table — every table of an idle namespace, and most others — is one array of
 * its routes in lookup order: longer prefixes first, then by destination, then, among
 * the routes of one destination and prefix, in preference order. A lookup scans it from
 * the front and takes the first route that covers the address: at most 16 compares, no
 * map, nothing allocated. Past 16 routes they move to maps per prefix length keyed by
 * the network number, so a lookup is at most one map read per prefix length in use
 * whatever the table's size; a table that shrinks back to 8 routes returns to the
 * array. Either way a lookup never depends on the number of namespaces.
 *
 * Dump order is the trie's: by destination, then longer prefixes first (a leaf keeps
 * its aliases by ascending suffix length: 10.9.0.0/24 before 10.9.0.0/16 in `ip route`
 * and `/proc/net/route` on 6.18), then higher TOS, then lower metric, then age.
 *
 * @remarks
 * `struct fib_table` with its trie in `net/ipv4/fib_trie.c`; the array is what a trie
 * with a handful of leaves amounts to (`fib_table_lookup` walks at most a few nodes).
 */
export class FibTable {
  /** The routes in lookup order while the table is small; undefined once it is in maps. */
  #small: readonly Route[] | undefined = NO_ROUTES;
  /** The routes by prefix length once the table is large. */
  #large: LengthIndex | undefined;

  /** The namespace's tables this one belongs to, whose generation a change moves on. */
  readonly #fib: Fib | undefined;

  constructor(
    /** Table id. */
    readonly id: number,
    fib?: Fib,
  ) {
    this.#fib = fib;
  }

  /** Number of routes. */
  get size(): number {
    return this.#small?.length ?? this.#large?.size ?? 0;
  }

  /** Routes with exactly this destination and prefix length, in preference order. */
  at(dst: number, prefixLen: number): readonly Route[] {
    const small = this.#small;
    if (small === undefined) return this.#large?.at(dst, prefixLen) ?? [];
    return small.filter((r) => r.dst === dst && r.prefixLen === prefixLen);
  }

  /**
   * Add a route after those of the same key that it does not precede.
   *
   * @throws Error on the shared empty main table: routes go into the table
   *   {@link Fib.table} returns.
   */
  insert(route: Route): void {
    if (this === EMPTY_MAIN) throw new Error('the shared empty main table takes no routes: add through Fib.table()');
    if (this.#fib !== undefined) this.#fib.genid++;
    const small = this.#small;
    if (small === undefined) {
      this.#large?.insert(route);
      return;
    }
    if (small.length >= SMALL_TABLE) {
      const large = new LengthIndex();
      for (const r of small) large.insert(r);
      large.insert(route);
      this.#large = large;
      this.#small = undefined;
      return;
    }
    let i = 0;
    while (i < small.length && lookupBefore(small[i] as Route, route)) i++;
    this.#small = insertedAt(small, i, route);
  }

  /** Remove a route (by identity); returns whether it was there. */
  remove(route: Route): boolean {
    if (this.#fib !== undefined) this.#fib.genid++;
    const small = this.#small;
    if (small === undefined) {
      const large = this.#large;
      if (large === undefined || !large.remove(route)) return false;
      if (large.size <= SMALL_AGAIN) {
        this.#small = large.all().sort(lookupOrder).slice();
        this.#large = undefined;
      }
      return true;
    }
    const i = small.indexOf(route);
    if (i < 0) return false;
    this.#small = small.length === 1 ? NO_ROUTES : removedAt(small, i);
    return true;
  }

  /** Every route, in dump order. */
  routes(): Route[] {
    // Array.prototype.sort is stable: routes of one key keep their preference order.
    return (this.#small === undefined ? (this.#large?.all() ?? []) : [...this.#small]).sort(dumpOrder);
  }

  /**
   * The longest-prefix match for `dst` whose scope is at least as narrow as `minScope`
   * allows (`fib_table_lookup`): routes wider than asked are skipped, and so are routes
   * with a TOS, which match only flows of that TOS (lookups here are for TOS 0).
   */
  lookup(dst: number, minScope: number = RT_SCOPE.UNIVERSE): Route | undefined {
    const small = this.#small;
    if (small === undefined) return this.#large?.lookup(dst, minScope);
    for (let i = 0; i < small.length; i++) {
      const r = small[i] as Route;
      // Longest prefix first: the first route covering `dst` that may answer is the match.
      if (((dst ^ r.dst) & (MASKS[r.prefixLen] as number)) === 0 && r.scope >= minScope && r.tos === 0) return r;
    }
    return undefined;
  }
}

/**
 * The main table of every namespace whose main table exists but holds no route yet (as
 * once `lo` is up): shared, and never given a route — {@link Fib.table} replaces it
 * with a table of the namespace's own first.
 */
const EMPTY_MAIN = new FibTable(RT_TABLE.MAIN);

/**
 * One namespace's routing tables (`net->ipv4.fib_table_hash`), each created on first
 * use. The local and main tables, which every lookup reads, have fields of their own;
 * any other (`default`, user ids) sits in a short list.
 *
 * @remarks
 * `fib_new_table` in `net/ipv4/fib_frontend.c` creates tables on demand, and with no
 * custom rules makes the local table an alias of main, sharing its trie: the main
 * table exists as soon as the local one does (`/proc/net/route` has its header once
 * `lo` is up, observed on 6.18). Until main gets a route of its own it is one shared
 * empty table here, so an idle namespace pays for no second table.
 *
 * @example
 * ```ts
 * import { Fib, RT_TABLE } from '@netstage/ipv4';
 * const fib = new Fib();
 * fib.get(RT_TABLE.MAIN); // undefined
 * fib.table(RT_TABLE.LOCAL).id; // 255
 * fib.get(RT_TABLE.MAIN)?.size; // 0: main exists with the local table
 * fib.all().map((t) => t.id); // [254, 255]
 * ```
 */
export class Fib {
  /**
   * The routing generation (`net->ipv4.rt_genid`): moves on with every route added to or
   * removed from any of these tables (address changes and devices going up or down do
   * both), so a route a socket cached is still good while the number it saw holds
   * (`rt_genid_bump_ipv4`, checked by `ipv4_dst_check`).
   */
  genid = 0;
  #local: FibTable | undefined;
  /** undefined before the main table exists; `EMPTY_MAIN` until it has a route. */
  #main: FibTable | undefined;
  /** Every other table, in creation order. */
  #others: FibTable[] | undefined;

  /** An existing table. */
  get(id: number): FibTable | undefined {
    if (id === RT_TABLE.LOCAL) return this.#local;
    if (id === RT_TABLE.MAIN) return this.#main;
    const others = this.#others;
    if (others !== undefined) for (let i = 0; i < others.length; i++) if ((others[i] as FibTable).id === id) return others[i];
    return undefined;
  }

  /**
   * A table to add routes to, creating it (`fib_new_table`). Creating the local table
   * brings the main table into being too.
   */
  table(id: number): FibTable {
    if (id === RT_TABLE.LOCAL) {
      this.#main ??= EMPTY_MAIN;
      return (this.#local ??= new FibTable(id, this));
    }
    if (id === RT_TABLE.MAIN) {
      if (this.#main === undefined || this.#main === EMPTY_MAIN) this.#main = new FibTable(id, this);
      return this.#main;
    }
    let t = this.get(id);
    if (t === undefined) {
      t = new FibTable(id, this);
      this.#others = (this.#others ?? []).concat([t]);
    }
    return t;
  }

  /** Every existing table, by id. */
  all(): FibTable[] {
    const all = [...(this.#others ?? [])];
    if (this.#main !== undefined) all.push(this.#main);
    if (this.#local !== undefined) all.push(this.#local);
    return all.sort((a, b) => a.id - b.id);
  }
}

/**
 * A large table's routes: per prefix length, a map from network number to the routes of
 * that key in preference order, and the lengths in use, longest first.
 */
class LengthIndex {
  readonly #byLen: (Map<number, Route[]> | undefined)[] = new Array<Map<number, Route[]> | undefined>(33);
  /** The prefix lengths that have routes, longest first: a lookup reads only these maps. */
  #lens: readonly number[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  at(dst: number, prefixLen: number): readonly Route[] {
    return this.#byLen[prefixLen]?.get(dst) ?? [];
  }

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

  /** Every route, grouped by key, each key's routes in preference order. */
  all(): Route[] {
    const all: Route[] = [];
    for (const map of this.#byLen) if (map !== undefined) for (const list of map.values()) all.push(...list);
    return all;
  }

  lookup(dst: number, minScope: number): Route | undefined {
    const lens = this.#lens;
    for (let i = 0; i < lens.length; i++) {
      const len = lens[i] as number;
      const list = this.#byLen[len]?.get((dst & (MASKS[len] as number)) >>> 0);
      if (list === undefined) continue;
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

/**
 * Whether `a` comes before a new route `b` in a small table's lookup order: longer
 * prefix first, then lower destination, then (same key) what `precedes` says.
 */
function lookupBefore(a: Route, b: Route): boolean {
  if (a.prefixLen !== b.prefixLen) return a.prefixLen > b.prefixLen;
  if (a.dst !== b.dst) return a.dst < b.dst;
  return precedes(a, b);
}

/** A small table's order between keys; stable sorting keeps each key's preference order. */
function lookupOrder(a: Route, b: Route): number {
  return b.prefixLen - a.prefixLen || a.dst - b.dst;
}

function dumpOrder(a: Route, b: Route): number {
  return a.dst - b.dst || b.prefixLen - a.prefixLen;
}
