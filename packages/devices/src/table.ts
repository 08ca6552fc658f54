/**
 * A namespace's device list, name rules and ifindex allocation (`net/core/dev.c`:
 * `dev_valid_name`, `__dev_alloc_name`, `dev_index_reserve`).
 *
 * @module
 */

import { NetError, removedAt, utf8Length } from '@netstage/core-net';
import type { NetDevice } from './device.js';

/** `IFNAMSIZ`: names are at most 15 characters plus the terminating NUL. */
export const IFNAMSIZ = 16;

/**
 * The ifindex cursor: allocation is cyclic, "next after the last one handed out",
 * skipping indices taken in the target namespace (`xa_alloc_cyclic` with
 * `net->ifindex` as the cursor). One per namespace with `ifindex-per-ns`; before it,
 * every namespace resolves to initNet's, the one global counter of v2.6.24's
 * `dev_new_index()`.
 *
 * A namespace's cursor is its {@link DeviceTable}, which extends this class, as
 * `net->ifindex` sits in `struct net` beside the device lists: no object of its own.
 */
export class IfindexCursor {
  /** The last index handed out. */
  last = 0;

  /** The next free index in `table` after the cursor, advancing the cursor. */
  allocate(table: DeviceTable): number {
    let i = this.last;
    for (;;) {
      i = i >= 0x7fffffff ? 1 : i + 1;
      if (table.byIndex(i) === undefined) {
        this.last = i;
        return i;
      }
    }
  }
}

/**
 * Up to this many devices a {@link DeviceTable} is one small array scanned in order;
 * above it, a `Map` by name and one by ifindex.
 */
const SMALL_TABLE = 8;

/** The list of a table with no devices, shared. */
const NO_DEVICES: readonly NetDevice[] = Object.freeze([]);

/**
 * The devices of one namespace, by name and by ifindex; also the namespace's
 * {@link IfindexCursor}.
 *
 * Most namespaces hold a handful of devices (`lo`, a veth end or two), so while there
 * are at most eight the table is one exact-size array, replaced on every change and
 * scanned in order — eight comparisons cost about what a `Map` read does, and the array
 * is a fraction of a `Map`'s size. A ninth device moves the table to two `Map`s (one
 * read per lookup); it moves back to the array when eight or fewer are left. Either way
 * a lookup never depends on how many namespaces exist.
 *
 * @remarks
 * `net->dev_base_head`, `dev_name_head`, `dev_index_head` (patch 13), today an xarray
 * by ifindex.
 */
export class DeviceTable extends IfindexCursor {
  /** The devices while there are at most `SMALL_TABLE`, in registration order. */
  #few: readonly NetDevice[] = NO_DEVICES;
  /** By name, while there are more than `SMALL_TABLE`; with `#byIndex`. */
  #byName: Map<string, NetDevice> | undefined;
  /** By ifindex, while there are more than `SMALL_TABLE`; with `#byName`. */
  #byIndex: Map<number, NetDevice> | undefined;

  /** Number of devices. */
  get size(): number {
    return this.#byIndex?.size ?? this.#few.length;
  }

  /** A device by name. */
  byName(name: string): NetDevice | undefined {
    if (this.#byName !== undefined) return this.#byName.get(name);
    const few = this.#few;
    for (let i = 0; i < few.length; i++) {
      const dev = few[i] as NetDevice;
      if (dev.name === name) return dev;
    }
    return undefined;
  }

  /** A device by ifindex. */
  byIndex(ifindex: number): NetDevice | undefined {
    if (this.#byIndex !== undefined) return this.#byIndex.get(ifindex);
    const few = this.#few;
    for (let i = 0; i < few.length; i++) {
      const dev = few[i] as NetDevice;
      if (dev.ifindex === ifindex) return dev;
    }
    return undefined;
  }

  /** The devices in ifindex order, as a link dump lists them. */
  list(): NetDevice[] {
    return [...(this.#byIndex?.values() ?? this.#few)].sort((a, b) => a.ifindex - b.ifindex);
  }

  /** @internal registration only. */
  _add(dev: NetDevice): void {
    if (this.#byName !== undefined && this.#byIndex !== undefined) {
      this.#byName.set(dev.name, dev);
      this.#byIndex.set(dev.ifindex, dev);
    } else if (this.#few.length < SMALL_TABLE) {
      // concat, not a spread: it makes the array exactly as long as needed.
      this.#few = this.#few.concat(dev);
    } else {
      const all = this.#few.concat(dev);
      this.#byName = new Map(all.map((d) => [d.name, d]));
      this.#byIndex = new Map(all.map((d) => [d.ifindex, d]));
      this.#few = NO_DEVICES;
    }
  }

  /** @internal unregistration only. */
  _remove(dev: NetDevice): void {
    if (this.#byName === undefined || this.#byIndex === undefined) {
      const few = this.#few;
      const i = few.indexOf(dev);
      if (i < 0) return;
      this.#few = few.length === 1 ? NO_DEVICES : removedAt(few, i);
      return;
    }
    this.#byName.delete(dev.name);
    this.#byIndex.delete(dev.ifindex);
    if (this.#byIndex.size <= SMALL_TABLE) {
      this.#few = Array.from(this.#byIndex.values());
      this.#byName = undefined;
      this.#byIndex = undefined;
    }
  }

  /** @internal rename only: the device already has its new name. */
  _rename(dev: NetDevice, from: string): void {
    // The array holds devices, not names: only the maps are keyed by name.
    if (this.#byName === undefined) return;
    this.#byName.delete(from);
    this.#byName.set(dev.name, dev);
  }
}

/**
 * Whether a name is a valid interface name (`dev_valid_name`): 1 to 15 bytes, not
 * `.` or `..`, no `/`, `:` or white space.
 *
 * @example
 * ```ts
 * import { isValidIfname } from '@netstage/devices';
 * isValidIfname('veth0');            // true
 * isValidIfname('0123456789abcdef'); // false: 16 characters
 * ```
 */
export function isValidIfname(name: string): boolean {
  if (name.length === 0 || utf8Length(name) >= IFNAMSIZ) return false;
  if (name === '.' || name === '..') return false;
  return !/[/:\s]/.test(name);
}

/**
 * Resolve a name for a device entering `table`'s namespace: a plain name is checked; a
 * pattern with one `%d` becomes the first free name (`__dev_alloc_name`, patch 14).
 * `reserved` counts as taken too: the name a device being created alongside will get.
 *
 * @throws NetError EINVAL for an invalid name or pattern; EEXIST when a plain name is
 *   taken; ENFILE when no number is free.
 */
export function resolveIfname(table: DeviceTable, pattern: string, reserved?: string): string {
  const taken = (name: string): boolean => name === reserved || table.byName(name) !== undefined;
  const pct = pattern.indexOf('%');
  if (pct < 0) {
    if (!isValidIfname(pattern)) throw new NetError('EINVAL');
    if (taken(pattern)) throw new NetError('EEXIST');
    return pattern;
  }
  // dev_valid_name runs on the pattern itself before __dev_alloc_name expands it.
  if (!isValidIfname(pattern)) throw new NetError('EINVAL');
  if (pattern[pct + 1] !== 'd' || pattern.indexOf('%', pct + 2) >= 0) throw new NetError('EINVAL');
  const head = pattern.slice(0, pct);
  const tail = pattern.slice(pct + 2);
  // The kernel scans a bitmap of 8 * PAGE_SIZE numbers.
  for (let i = 0; i < 32768; i++) {
    const name = `${head}${i}${tail}`;
    if (utf8Length(name) >= IFNAMSIZ) break;
    if (!taken(name)) return name;
  }
  throw new NetError('ENFILE');
}
