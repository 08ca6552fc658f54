/**
 * Copies of small arrays with one element put in or taken out, each exactly as long as
 * its contents. V8 gives an array built by spreading or pushing room to grow (a
 * one-element `[...list, x]` holds 17 slots, 152 bytes); per-namespace lists — an idle
 * namespace's routes, devices and addresses — are replaced on change instead, so they
 * carry no spare capacity (DESIGN.md §6: an idle namespace is small).
 *
 * @module
 */

/**
 * `list` with `item` at index `at`, exactly as long as it needs to be.
 *
 * @example
 * ```ts
 * import { insertedAt } from '@netstage/core-net';
 * insertedAt(['lo', 'veth1'], 1, 'veth0'); // ['lo', 'veth0', 'veth1']
 * ```
 */
export function insertedAt<T>(list: readonly T[], at: number, item: T): T[] {
  return list.slice(0, at).concat([item], list.slice(at));
}

/**
 * `list` without the element at index `at`, exactly as long as it needs to be.
 *
 * @example
 * ```ts
 * import { removedAt } from '@netstage/core-net';
 * removedAt(['lo', 'veth0', 'veth1'], 1); // ['lo', 'veth1']
 * ```
 */
export function removedAt<T>(list: readonly T[], at: number): T[] {
  return list.slice(0, at).concat(list.slice(at + 1));
}
