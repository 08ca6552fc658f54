/**
 * Per-namespace SNMP counters: the `Ip:`, `Icmp:` and `IcmpMsg:` fields of
 * `/proc/net/snmp` and the `IpExt:` fields of `/proc/net/netstat`, named as Linux names
 * them (`include/uapi/linux/snmp.h`, `net/ipv4/proc.c`). procfs only formats them.
 *
 * @module
 */

import { defineNetKey, type Net } from '@netstage/core-net';
import { IPV4_STAGES } from './stages.js';

/** The `Ip:` fields, in `/proc/net/snmp` order (`Forwarding` and `DefaultTTL` come from the settings). */
export const IP_MIB = [
  'Forwarding',
  'DefaultTTL',
  'InReceives',
  'InHdrErrors',
  'InAddrErrors',
  'ForwDatagrams',
  'InUnknownProtos',
  'InDiscards',
  'InDelivers',
  'OutRequests',
  'OutDiscards',
  'OutNoRoutes',
  'ReasmTimeout',
  'ReasmReqds',
  'ReasmOKs',
  'ReasmFails',
  'FragOKs',
  'FragFails',
  'FragCreates',
  'OutTransmits',
] as const;

/** The `Icmp:` fields, in `/proc/net/snmp` order. */
export const ICMP_MIB = [
  'InMsgs',
  'InErrors',
  'InCsumErrors',
  'InDestUnreachs',
  'InTimeExcds',
  'InParmProbs',
  'InSrcQuenchs',
  'InRedirects',
  'InEchos',
  'InEchoReps',
  'InTimestamps',
  'InTimestampReps',
  'InAddrMasks',
  'InAddrMaskReps',
  'OutMsgs',
  'OutErrors',
  'OutRateLimitGlobal',
  'OutRateLimitHost',
  'OutDestUnreachs',
  'OutTimeExcds',
  'OutParmProbs',
  'OutSrcQuenchs',
  'OutRedirects',
  'OutEchos',
  'OutEchoReps',
  'OutTimestamps',
  'OutTimestampReps',
  'OutAddrMasks',
  'OutAddrMaskReps',
] as const;

/**
 * The `IpExt:` fields of `/proc/net/netstat`, in 6.18's order.
 *
 * @remarks
 * `snmp4_ipextstats_list` in `net/ipv4/proc.c`. netstage counts the octet and packet
 * counters `ip_rcv_core`, `ip_rcv_finish_core` and `ip_finish_output2` count (`InOctets`,
 * `OutOctets`, the ECN classes, broadcast packets and octets), `InTruncatedPkts`,
 * `InCsumErrors` and `InNoRoutes`; it has no multicast routing, so the `Mcast` fields
 * stay 0, as does `ReasmOverlaps`.
 *
 * @example
 * ```ts
 * import { IPEXT_MIB } from '@netstage/ipv4';
 * IPEXT_MIB.indexOf('InOctets'); // 6
 * ```
 */
export const IPEXT_MIB = [
  'InNoRoutes',
  'InTruncatedPkts',
  'InMcastPkts',
  'OutMcastPkts',
  'InBcastPkts',
  'OutBcastPkts',
  'InOctets',
  'OutOctets',
  'InMcastOctets',
  'OutMcastOctets',
  'InBcastOctets',
  'OutBcastOctets',
  'InCsumErrors',
  'InNoECTPkts',
  'InECT1Pkts',
  'InECT0Pkts',
  'InCEPkts',
  'ReasmOverlaps',
] as const;

/** An `IpExt:` field. */
export type IpExtMib = (typeof IPEXT_MIB)[number];

/** An `Ip:` field. */
export type IpMib = (typeof IP_MIB)[number];
/** An `Icmp:` field. */
export type IcmpMib = (typeof ICMP_MIB)[number];

/** A counter's index in its group's array: what the counting methods take. */
export type MibIndex<G extends string> = number & { readonly __mib: G };

/**
 * Each field's index in its group's array, as a frozen object: the constants a layer
 * counts with (`IPSTATS.InReceives`), built from the field list `/proc` prints in order.
 *
 * @example
 * ```ts
 * import { mibIndex } from '@netstage/ipv4';
 * const X = mibIndex<'InA' | 'InB', 'Example'>(['InA', 'InB']);
 * X.InB; // 1
 * ```
 */
export function mibIndex<F extends string, G extends string>(fields: readonly F[]): Readonly<Record<F, MibIndex<G>>> {
  return Object.freeze(Object.fromEntries(fields.map((n, i) => [n, i]))) as Record<F, MibIndex<G>>;
}

/**
 * Each `Ip:` field's index, as Linux's `IPSTATS_MIB_*` enum: a counting site names its
 * field with a constant property (`mib.ip(IPSTATS.InReceives)`), so counting is an
 * array increment — no string-keyed lookup on the per-packet path.
 *
 * @example
 * ```ts
 * import { IPSTATS, Snmp } from '@netstage/ipv4';
 * const s = new Snmp();
 * s.ip(IPSTATS.InReceives);
 * s.get('Ip', 'InReceives'); // 1
 * ```
 */
export const IPSTATS = mibIndex<IpMib, 'Ip'>(IP_MIB);
/** Each `Icmp:` field's index (`ICMP_MIB_*`). */
export const ICMPSTATS = mibIndex<IcmpMib, 'Icmp'>(ICMP_MIB);
/** Each `IpExt:` field's index (the `IPSTATS_MIB_*` fields `/proc/net/netstat` shows). */
export const IPEXTSTATS = mibIndex<IpExtMib, 'IpExt'>(IPEXT_MIB);

const IP_INDEX: Readonly<Record<string, number>> = IPSTATS;
const ICMP_INDEX: Readonly<Record<string, number>> = ICMPSTATS;
const IPEXT_INDEX: Readonly<Record<string, number>> = IPEXTSTATS;

/** The ECN classes in `IpExt:` order, indexed by the two ECN bits of the TOS byte. */
const ECN_FIELDS = [IPEXTSTATS.InNoECTPkts, IPEXTSTATS.InECT1Pkts, IPEXTSTATS.InECT0Pkts, IPEXTSTATS.InCEPkts] as const;

/**
 * One namespace's counters: typed arrays, so an idle namespace costs a few hundred
 * bytes and counting allocates nothing.
 *
 * @example
 * ```ts
 * import { IPSTATS, Snmp } from '@netstage/ipv4';
 * const s = new Snmp();
 * s.ip(IPSTATS.InReceives);
 * s.get('Ip', 'InReceives'); // 1
 * ```
 */
export class Snmp {
  // Created on first count: an idle namespace carries no counter arrays (DESIGN.md §6:
  // an idle namespace is small). A missing array reads as all zeros.
  #ip: Float64Array | undefined;
  #icmp: Float64Array | undefined;
  #ipExt: Float64Array | undefined;
  /** `IcmpMsg:` InType0..255 then OutType0..255. */
  #icmpMsg: Float64Array | undefined;

  /** Count an `Ip:` event. */
  ip(i: MibIndex<'Ip'>, by = 1): void {
    const a = (this.#ip ??= new Float64Array(IP_MIB.length));
    a[i] = (a[i] ?? 0) + by;
  }

  /** Count an `Icmp:` event. */
  icmp(i: MibIndex<'Icmp'>, by = 1): void {
    const a = (this.#icmp ??= new Float64Array(ICMP_MIB.length));
    a[i] = (a[i] ?? 0) + by;
  }

  /** Count an `IpExt:` event. */
  ipExt(i: MibIndex<'IpExt'>, by = 1): void {
    const a = (this.#ipExt ??= new Float64Array(IPEXT_MIB.length));
    a[i] = (a[i] ?? 0) + by;
  }

  /** Count a received datagram in its ECN class (`IPSTATS_MIB_NOECTPKTS + (tos & 3)`). */
  ipExtEcn(tos: number): void {
    this.ipExt(ECN_FIELDS[tos & 3] as MibIndex<'IpExt'>);
  }

  /** Count an ICMP message of `type` in or out (`IcmpMsg:`). */
  icmpMsg(direction: 'in' | 'out', type: number): void {
    const a = (this.#icmpMsg ??= new Float64Array(512));
    const i = (direction === 'in' ? 0 : 256) + (type & 0xff);
    a[i] = (a[i] ?? 0) + 1;
  }

  /** A counter's value. */
  get(group: 'Ip' | 'Icmp' | 'IpExt', field: string): number {
    const index: Record<string, number> = group === 'Ip' ? IP_INDEX : group === 'Icmp' ? ICMP_INDEX : IPEXT_INDEX;
    const i = Object.hasOwn(index, field) ? index[field] : undefined;
    if (i === undefined) throw new Error(`no ${group} field ${field}`);
    return (group === 'Ip' ? this.#ip : group === 'Icmp' ? this.#icmp : this.#ipExt)?.[i] ?? 0;
  }

  /** `IcmpMsg:` counts by type. */
  icmpMsgCount(direction: 'in' | 'out', type: number): number {
    return this.#icmpMsg?.[(direction === 'in' ? 0 : 256) + (type & 0xff)] ?? 0;
  }
}

/** Each namespace's counters; initNet's for all while `snmp-per-ns` is off. */
export const SNMP = defineNetKey<Snmp>('ipv4-snmp', { stage: IPV4_STAGES.snmp });

/** The counters `net` counts into. */
export function snmpOf(net: Net): Snmp {
  return net.state(SNMP);
}
