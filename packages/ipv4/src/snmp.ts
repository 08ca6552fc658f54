/**
 * Per-namespace SNMP counters: the `Ip:`, `Icmp:` and `IcmpMsg:` fields of
 * `/proc/net/snmp`, named as Linux names them (`include/uapi/linux/snmp.h`,
 * `net/ipv4/proc.c`). procfs only formats them.
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

/** An `Ip:` field. */
export type IpMib = (typeof IP_MIB)[number];
/** An `Icmp:` field. */
export type IcmpMib = (typeof ICMP_MIB)[number];

const IP_INDEX = new Map<string, number>(IP_MIB.map((n, i) => [n, i]));
const ICMP_INDEX = new Map<string, number>(ICMP_MIB.map((n, i) => [n, i]));

/**
 * One namespace's counters: typed arrays, so an idle namespace costs a few hundred
 * bytes and counting allocates nothing.
 *
 * @example
 * ```ts
 * import { Snmp } from '@netstage/ipv4';
 * const s = new Snmp();
 * s.ip('InReceives');
 * s.get('Ip', 'InReceives'); // 1
 * ```
 */
export class Snmp {
  readonly #ip = new Float64Array(IP_MIB.length);
  readonly #icmp = new Float64Array(ICMP_MIB.length);
  /** `IcmpMsg:` InType0..255 then OutType0..255. */
  readonly #icmpMsg = new Float64Array(512);

  /** Count an `Ip:` event. */
  ip(field: IpMib, by = 1): void {
    const i = IP_INDEX.get(field) as number;
    this.#ip[i] = (this.#ip[i] ?? 0) + by;
  }

  /** Count an `Icmp:` event. */
  icmp(field: IcmpMib, by = 1): void {
    const i = ICMP_INDEX.get(field) as number;
    this.#icmp[i] = (this.#icmp[i] ?? 0) + by;
  }

  /** Count an ICMP message of `type` in or out (`IcmpMsg:`). */
  icmpMsg(direction: 'in' | 'out', type: number): void {
    const i = (direction === 'in' ? 0 : 256) + (type & 0xff);
    this.#icmpMsg[i] = (this.#icmpMsg[i] ?? 0) + 1;
  }

  /** A counter's value. */
  get(group: 'Ip' | 'Icmp', field: string): number {
    const i = (group === 'Ip' ? IP_INDEX : ICMP_INDEX).get(field);
    if (i === undefined) throw new Error(`no ${group} field ${field}`);
    return (group === 'Ip' ? this.#ip : this.#icmp)[i] ?? 0;
  }

  /** `IcmpMsg:` counts by type. */
  icmpMsgCount(direction: 'in' | 'out', type: number): number {
    return this.#icmpMsg[(direction === 'in' ? 0 : 256) + (type & 0xff)] ?? 0;
  }
}

/** Each namespace's counters; initNet's for all while `snmp-per-ns` is off. */
export const SNMP = defineNetKey<Snmp>('ipv4-snmp', { stage: IPV4_STAGES.snmp });

/** The counters `net` counts into. */
export function snmpOf(net: Net): Snmp {
  return net.state(SNMP);
}
