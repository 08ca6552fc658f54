/**
 * A namespace's device list, name rules and ifindex allocation (`net/core/dev.c`:
 * `dev_valid_name`, `__dev_alloc_name`, `dev_index_reserve`).
 *
 * @module
 */

import { NetError, utf8Length } from '@netstage/core-net';
import type { NetDevice } from './device.js';

/** `IFNAMSIZ`: names are at most 15 characters plus the terminating NUL. */
export const IFNAMSIZ = 16;

/**
 * The devices of one namespace, by name and by ifindex. Lookups are one `Map` read.
 *
 * @remarks
 * `net->dev_base_head`, `dev_name_head`, `dev_index_head` (patch 13), today an xarray
 * by ifindex.
 */
export class DeviceTable {
  readonly #byName = new Map<string, NetDevice>();
  readonly #byIndex = new Map<number, NetDevice>();

  /** Number of devices. */
  get size(): number {
    return this.#byIndex.size;
  }

  /** A device by name. */
  byName(name: string): NetDevice | undefined {
    return this.#byName.get(name);
  }

  /** A device by ifindex. */
  byIndex(ifindex: number): NetDevice | undefined {
    return this.#byIndex.get(ifindex);
  }

  /** The devices in ifindex order, as a link dump lists them. */
  list(): NetDevice[] {
    return [...this.#byIndex.values()].sort((a, b) => a.ifindex - b.ifindex);
  }

  /** @internal registration only. */
  _add(dev: NetDevice): void {
    this.#byName.set(dev.name, dev);
    this.#byIndex.set(dev.ifindex, dev);
  }

  /** @internal unregistration only. */
  _remove(dev: NetDevice): void {
    this.#byName.delete(dev.name);
    this.#byIndex.delete(dev.ifindex);
  }

  /** @internal rename only. */
  _rename(dev: NetDevice, from: string): void {
    this.#byName.delete(from);
    this.#byName.set(dev.name, dev);
  }
}

/**
 * The ifindex cursor: allocation is cyclic, "next after the last one handed out",
 * skipping indices taken in the target namespace (`xa_alloc_cyclic` with
 * `net->ifindex` as the cursor). One per namespace with `ifindex-per-ns`; before it,
 * every namespace resolves to initNet's, the one global counter of v2.6.24's
 * `dev_new_index()`.
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
