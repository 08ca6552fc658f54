/**
 * The neighbour table and ARP (`net/core/neighbour.c`, `net/ipv4/arp.c`): IPv4
 * address → MAC per device, resolved by ARP with packets queued while a resolution is
 * pending, and the NUD state machine driven by the virtual clock.
 *
 * @module
 */

import { defineNetKey, type Timer } from '@netstage/core-net';
import type { NetDevice } from '@netstage/devices';
import { IPV4_STAGES } from './stages.js';

/** Neighbour states (`NUD_*`) as `ip neigh` prints them. */
export type NudState = 'INCOMPLETE' | 'REACHABLE' | 'STALE' | 'DELAY' | 'PROBE' | 'FAILED' | 'PERMANENT' | 'NOARP';

/** Neighbour parameters (`neigh_parms` defaults for ARP, `net/ipv4/arp.c` `arp_tbl`). */
export const NEIGH_PARMS = {
  /** `base_reachable_time_ms`. */
  baseReachableMs: 30_000,
  /** `retrans_time_ms`. */
  retransMs: 1_000,
  /** `delay_first_probe_time`. */
  delayFirstProbeMs: 5_000,
  /** `mcast_solicit`: broadcast probes while INCOMPLETE. */
  mcastProbes: 3,
  /** `ucast_solicit`: unicast probes in PROBE. */
  ucastProbes: 3,
  /** `unres_qlen_bytes`: what may wait for a resolution. */
  unresQlenBytes: 212_992,
} as const;

/** One neighbour entry (`struct neighbour`). */
export interface Neighbour {
  readonly dev: NetDevice;
  readonly ip: number;
  /** Link-layer address; 0 while unknown. */
  mac: number;
  state: NudState;
  /** Probes sent in the current INCOMPLETE or PROBE round. */
  probes: number;
  /** Frames waiting for the address (whole IP packets, without link header). */
  queue: Uint8Array[];
  /** Bytes waiting. */
  queueBytes: number;
  /** The pending timer, if any. */
  timer: Timer | undefined;
  /** Virtual time of the last confirmation of reachability. */
  confirmed: number;
}

/**
 * One namespace's neighbour table: per device, per IPv4 address. The maps are made with
 * the first entry (an idle namespace has none) and dropped with the last.
 */
export class NeighTable {
  #byDev: Map<NetDevice, Map<number, Neighbour>> | undefined;

  /** The entry for `ip` on `dev`. */
  get(dev: NetDevice, ip: number): Neighbour | undefined {
    return this.#byDev?.get(dev)?.get(ip);
  }

  /** Add an entry. */
  set(n: Neighbour): void {
    const byDev = (this.#byDev ??= new Map());
    let m = byDev.get(n.dev);
    if (m === undefined) {
      m = new Map();
      byDev.set(n.dev, m);
    }
    m.set(n.ip, n);
  }

  /** Remove an entry. */
  delete(n: Neighbour): void {
    const byDev = this.#byDev;
    const m = byDev?.get(n.dev);
    if (byDev === undefined || m === undefined) return;
    m.delete(n.ip);
    if (m.size === 0) byDev.delete(n.dev);
    if (byDev.size === 0) this.#byDev = undefined;
  }

  /** Every entry, device by device, in insertion order. */
  all(): Neighbour[] {
    return this.#byDev === undefined ? [] : [...this.#byDev.values()].flatMap((m) => [...m.values()]);
  }

  /** The entries of one device. */
  ofDevice(dev: NetDevice): Neighbour[] {
    return [...(this.#byDev?.get(dev)?.values() ?? [])];
  }

  /** Number of entries. */
  get size(): number {
    let n = 0;
    for (const m of this.#byDev?.values() ?? []) n += m.size;
    return n;
  }
}

/** Each namespace's neighbour table; initNet's while `neigh-per-ns` is off. */
export const NEIGH = defineNetKey<NeighTable>('ipv4-neigh', { stage: IPV4_STAGES.neigh });
