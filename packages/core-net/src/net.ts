/**
 * `Net`, the network namespace, and the typed state slots layers hang off it.
 *
 * @module
 */

import type { Kernel } from './kernel.js';

let nextKeyIndex = 0;

/**
 * A typed slot in every {@link Net}, filled by one layer's pernet `init` and emptied by
 * its `exit`. Create one per layer with {@link defineNetKey}.
 *
 * @remarks
 * The counterpart of `net_generic()` ids in Linux (`include/net/netns/generic.h`).
 */
export interface NetKey<T> {
  /** A name for messages and debugging: `'ipv4'`. */
  readonly name: string;
  /** Slot index, the same in every namespace. */
  readonly index: number;
  /**
   * The stage that makes this state per namespace. While that stage is off, every
   * namespace's lookup of the key resolves to `initNet`'s state — the old global.
   * `undefined` means per namespace from the start.
   */
  readonly stage: string | undefined;
  /** Phantom field carrying the state type; never set. */
  readonly __type?: T;
}

/**
 * Define a typed per-namespace state slot.
 *
 * @param name - for messages and debugging.
 * @param options.stage - the stage that converts this state to per-namespace; while it
 *   is off, lookups from any namespace resolve to `initNet`'s state.
 *
 * @example
 * ```ts
 * import { defineNetKey } from '@netstage/core-net';
 * interface Counters { packets: number }
 * const COUNTERS = defineNetKey<Counters>('example-counters');
 * COUNTERS.name; // 'example-counters'
 * ```
 */
export function defineNetKey<T>(name: string, options: { readonly stage?: string } = {}): NetKey<T> {
  return Object.freeze({ name, index: nextKeyIndex++, stage: options.stage });
}

/** Where a namespace is in its life. */
export type NetLifecycle = 'alive' | 'dying' | 'dead';

/**
 * A network namespace: an id, a counted reference, typed state slots and a lifecycle.
 *
 * Counted references are held by tasks, open namespace handles (`/proc/PID/ns/net`,
 * `/run/netns/NAME`), and, in later layers, sockets and open `/proc` files. Devices
 * point at their namespace without counting, as `dev_net()` does. When the last
 * reference goes the namespace is hidden from lookups at once and torn down later on
 * the event queue (pernet `exit` in reverse order), as `cleanup_net()` runs from a
 * workqueue.
 *
 * @remarks
 * `struct net` in `include/net/net_namespace.h`; `get_net()`/`put_net()` and
 * `cleanup_net()` in `net/core/net_namespace.c`.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * const kernel = Kernel.boot();
 * const task = kernel.initTask.fork();
 * task.unshare({ net: true });
 * const net = task.net;
 * net.isInit;      // false
 * task.exit();     // last reference gone: hidden now, torn down on the queue
 * net.lifecycle;   // 'dying'
 * kernel.clock.runUntilIdle();
 * net.lifecycle;   // 'dead'
 * ```
 */
export class Net {
  /** Small integer id, unique for the kernel's life; `initNet` is 0. */
  readonly id: number;
  /** The kernel this namespace belongs to. */
  readonly kernel: Kernel;
  #refs = 0;
  #lifecycle: NetLifecycle = 'alive';
  // Sized for every key defined so far: filled from empty, V8 would grow it to 17 slots.
  #slots: unknown[] = new Array<unknown>(nextKeyIndex);
  #refusals: Uint32Array | undefined;
  #nsids: Map<Net, number> | undefined;

  /** @internal namespaces are made by the kernel (`setup_net`), never directly. */
  constructor(kernel: Kernel, id: number) {
    this.kernel = kernel;
    this.id = id;
  }

  /** Whether this is the kernel's initial namespace (`init_net`). */
  get isInit(): boolean {
    return this.id === 0;
  }

  /** How many counted references are held. */
  get refs(): number {
    return this.#refs;
  }

  /** `alive`, `dying` (hidden, teardown queued) or `dead` (every `exit` has run). */
  get lifecycle(): NetLifecycle {
    return this.#lifecycle;
  }

  /**
   * Take a counted reference, as `get_net()`.
   *
   * @throws Error if the namespace is already dying: only `maybeGet` may race a teardown.
   */
  get(): void {
    if (this.#lifecycle !== 'alive') throw new Error(`get() on ${this.#lifecycle} namespace ${this.id}`);
    this.#refs++;
  }

  /**
   * Take a reference only if the namespace is still alive, as `maybe_get_net()`.
   * Returns whether a reference was taken.
   */
  maybeGet(): boolean {
    if (this.#lifecycle !== 'alive') return false;
    this.#refs++;
    return true;
  }

  /**
   * Drop a counted reference, as `put_net()`. The last one hides the namespace from
   * lookups and queues its teardown.
   *
   * @throws Error when no reference is held (a reference-counting bug).
   */
  put(): void {
    if (this.#refs <= 0) throw new Error(`put() on namespace ${this.id} with no references`);
    this.#refs--;
    if (this.#refs === 0 && !this.isInit) {
      this.#lifecycle = 'dying';
      this.kernel._netDying(this);
    }
  }

  /**
   * This namespace's state for a layer, resolved through the key's stage: its own when
   * the stage is on (or always, for `initNet`), `initNet`'s while the stage is off.
   *
   * @throws Error when the key's layer is not registered with this kernel.
   */
  state<T>(key: NetKey<T>): T {
    const home = this.isInit || this.kernel._ownsState(key) ? this : this.kernel.initNet;
    const value = home.#slots[key.index];
    if (value === undefined) {
      throw new Error(`namespace ${home.id} has no '${key.name}' state: is its layer registered?`);
    }
    return value as T;
  }

  /** Whether a state slot of this very namespace is filled (no stage resolution). */
  hasOwnState(key: NetKey<unknown>): boolean {
    return this.#slots[key.index] !== undefined;
  }

  /** How many state slots of this very namespace are filled: 0 once it is dead. */
  get filledSlots(): number {
    let n = 0;
    for (const v of this.#slots) if (v !== undefined) n++;
    return n;
  }

  /**
   * The id this namespace knows `peer` by (`peernet2id()`): `-1` when it has none. Ids
   * of namespaces that are no longer alive are gone.
   *
   * @remarks
   * `net->netns_ids` in `net/core/net_namespace.c`; `ip netns list-id` dumps them.
   *
   * @example
   * ```ts
   * import { Kernel } from '@netstage/core-net';
   * const kernel = Kernel.boot();
   * const b = kernel.netns.add('b');
   * kernel.initNet.peerId(b);      // -1
   * kernel.initNet.peerIdAlloc(b); // 0
   * kernel.initNet.peerId(b);      // 0
   * ```
   */
  peerId(peer: Net): number {
    if (peer.#lifecycle !== 'alive') return -1;
    return this.#nsids?.get(peer) ?? -1;
  }

  /**
   * The id of `peer` here, allocating the lowest free one (from 0) when it has none, as
   * `peernet2id_alloc()` does when a link dump or notification names a peer namespace
   * (a veth end elsewhere). `-1` for a namespace that is not alive; `peer === this`
   * gets an id too, as in Linux.
   */
  peerIdAlloc(peer: Net): number {
    if (peer.#lifecycle !== 'alive') return -1;
    const ids = this.#liveIds();
    const have = ids.get(peer);
    if (have !== undefined) return have;
    const used = new Set(ids.values());
    let id = 0;
    while (used.has(id)) id++;
    ids.set(peer, id);
    return id;
  }

  /** Every (id, namespace) this namespace has an id for, ascending by id (`ip netns list-id`). */
  peerIds(): { readonly id: number; readonly net: Net }[] {
    return [...this.#liveIds()].map(([net, id]) => ({ id, net })).sort((x, y) => x.id - y.id);
  }

  /** The id table without entries for namespaces that died (their ids are free again). */
  #liveIds(): Map<Net, number> {
    this.#nsids ??= new Map();
    for (const net of this.#nsids.keys()) if (net.#lifecycle !== 'alive') this.#nsids.delete(net);
    return this.#nsids;
  }

  /** @internal pernet registry only. */
  _setSlot(index: number, value: unknown): void {
    this.#slots[index] = value;
  }

  /** @internal pernet registry only. */
  _slot(index: number): unknown {
    return this.#slots[index];
  }

  /** @internal kernel only: every exit has run. */
  _markDead(): void {
    this.#slots = [];
    this.#nsids = undefined;
    this.#lifecycle = 'dead';
  }

  /** @internal the stage set only: a gate refused this namespace. */
  _countRefusal(stageIndex: number, stageCount: number): void {
    this.#refusals ??= new Uint32Array(stageCount);
    this.#refusals[stageIndex] = (this.#refusals[stageIndex] ?? 0) + 1;
  }

  /** How many times a gate of the stage at `stageIndex` refused this namespace. */
  refusals(stageIndex: number): number {
    return this.#refusals?.[stageIndex] ?? 0;
  }
}
