/**
 * The pernet registry: per-namespace constructors and destructors, run in the order
 * `net/core/net_namespace.c` runs them.
 *
 * @module
 */

import type { Net, NetKey } from './net.js';

/**
 * One layer's per-namespace constructor and destructor.
 *
 * `init` runs for every namespace created after registration (and, at registration,
 * for every namespace alive then); what it returns is stored in `key`'s slot. `exit`
 * runs when the namespace is torn down and receives that state.
 *
 * While the op's stage (its own `stage`, or its key's) is off, the op runs for
 * `initNet` only: the layer's state is still "global".
 *
 * @remarks
 * `struct pernet_operations` (`include/net/net_namespace.h`).
 *
 * @example
 * ```ts
 * import { Kernel, defineNetKey, type PernetOperations } from '@netstage/core-net';
 * const KEY = defineNetKey<{ hits: number }>('example');
 * const ops: PernetOperations<{ hits: number }> = {
 *   name: 'example',
 *   key: KEY,
 *   init: () => ({ hits: 0 }),
 * };
 * const kernel = Kernel.boot();
 * kernel.registerPernetSubsys(ops);
 * kernel.initNet.state(KEY).hits; // 0
 * ```
 */
export interface PernetOperations<T = unknown> {
  /** For messages: `'ipv4-fib'`. */
  readonly name: string;
  /** The slot `init`'s result is stored in, if any. */
  readonly key?: NetKey<T>;
  /** The stage that makes this op run for non-initial namespaces; defaults to the key's. */
  readonly stage?: string;
  /** Build the namespace's state; throw a `NetError` to refuse the namespace. */
  readonly init?: (net: Net) => T;
  /** Tear the namespace's state down. Must not throw. */
  readonly exit?: (net: Net, state: T) => void;
}

/** Whether an op belongs to the subsystem or the device part of the list. */
export type PernetKind = 'subsys' | 'device';

interface Entry {
  readonly ops: PernetOperations;
  readonly kind: PernetKind;
  /** Whether it runs for non-initial namespaces (its stage is on, or it has none). */
  readonly perNamespace: boolean;
}

/**
 * The ordered list of pernet operations of one kernel.
 *
 * Subsystems are inserted before the first device entry and devices appended, so
 * every subsystem `init` runs before every device `init` and every subsystem `exit`
 * after every device `exit` (`register_pernet_subsys` / `register_pernet_device`).
 */
export class PernetList {
  readonly #entries: Entry[] = [];
  #firstDevice = 0;

  /** The registered ops in init order, with their kinds. */
  get entries(): readonly { readonly name: string; readonly kind: PernetKind }[] {
    return this.#entries.map((e) => ({ name: e.ops.name, kind: e.kind }));
  }

  /**
   * Register an op and run its `init` for every namespace in `nets`. If one `init`
   * fails, the op's `exit` runs for the namespaces it already succeeded in (in reverse),
   * the op is not registered, and the error is thrown.
   */
  register(ops: PernetOperations, kind: PernetKind, perNamespace: boolean, nets: readonly Net[]): void {
    if (this.#entries.some((e) => e.ops === ops)) throw new Error(`pernet op '${ops.name}' is registered twice`);
    const entry: Entry = { ops, kind, perNamespace };
    const done: Net[] = [];
    try {
      for (const net of nets) {
        if (!applies(entry, net)) continue;
        runInit(entry, net);
        done.push(net);
      }
    } catch (err) {
      for (let i = done.length - 1; i >= 0; i--) runExit(entry, done[i] as Net);
      throw err;
    }
    if (kind === 'subsys') {
      this.#entries.splice(this.#firstDevice, 0, entry);
      this.#firstDevice++;
    } else {
      this.#entries.push(entry);
    }
  }

  /**
   * `setup_net`: run every `init` in order. On failure, run the `exit` of exactly the
   * ops whose `init` finished, in reverse, and throw the error.
   */
  setup(net: Net): void {
    let i = 0;
    try {
      for (; i < this.#entries.length; i++) {
        const entry = this.#entries[i] as Entry;
        if (applies(entry, net)) runInit(entry, net);
      }
    } catch (err) {
      for (let k = i - 1; k >= 0; k--) {
        const entry = this.#entries[k] as Entry;
        if (applies(entry, net)) runExit(entry, net);
      }
      throw err;
    }
  }

  /** `cleanup_net`: run every `exit` in reverse order. */
  cleanup(net: Net): void {
    for (let k = this.#entries.length - 1; k >= 0; k--) {
      const entry = this.#entries[k] as Entry;
      if (applies(entry, net)) runExit(entry, net);
    }
  }
}

function applies(entry: Entry, net: Net): boolean {
  return entry.perNamespace || net.isInit;
}

function runInit(entry: Entry, net: Net): void {
  const state = entry.ops.init?.(net);
  if (entry.ops.key !== undefined) {
    if (state === undefined) throw new Error(`pernet op '${entry.ops.name}' returned no state for its key`);
    net._setSlot(entry.ops.key.index, state);
  }
}

function runExit(entry: Entry, net: Net): void {
  const key = entry.ops.key;
  const state = key === undefined ? undefined : net._slot(key.index);
  entry.ops.exit?.(net, state);
  if (key !== undefined) net._setSlot(key.index, undefined);
}
