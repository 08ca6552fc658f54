/**
 * The IPv4 packet path of one kernel: ARP and neighbour resolution (`net/ipv4/arp.c`,
 * `net/core/neighbour.c`), input and local delivery (`ip_input.c`), forwarding
 * (`ip_forward.c`), output (`ip_output.c`) and ICMP (`icmp.c`).
 *
 * @module
 */

import { NetError, allocPacketBuffer, defineKernelKey, defineNetKey, readU32, type Kernel, type Net, type Stage } from '@netstage/core-net';
import {
  CHECKSUM,
  ETH_HLEN,
  ETH_P_ARP,
  ETH_P_IP,
  IFF,
  MAC_BROADCAST,
  PACKET,
  netdev,
  writeMac,
  type NetDevice,
  type Netdev,
} from '@netstage/devices';
import { IPV4_SYSCTLS } from './conf.js';
import { IPFRAG_TIME, Reassembler, fragmentDatagram } from './frag.js';
import { RT_SCOPE, type Route } from './fib.js';
import { ipv4, type Ipv4, type RouteResult } from './inet.js';
import { NEIGH, NEIGH_PARMS, type Neighbour, type NeighTable } from './neigh.js';
import { ICMPSTATS, IPEXTSTATS, IPSTATS, SNMP, Snmp } from './snmp.js';
import { IPV4_STAGES } from './stages.js';
import { ARP_LENGTH, ARPOP_REPLY, ARPOP_REQUEST, ArpPacket, emitArp, isArpError } from './wire/arp.js';
import {
  ICMP_DEST_UNREACH,
  ICMP_ECHO,
  ICMP_ECHOREPLY,
  ICMP_TIME_EXCEEDED,
  IcmpPacket,
  emitIcmp,
  icmpBufferLength,
  isIcmpError,
  parseIcmp,
  type IcmpRepr,
} from './wire/icmp.js';
import { IPPROTO_ICMP, IPV4_HEADER_LENGTH, Ipv4Packet, checkIpv4At, decrementTtl, emitIpv4Fields, isIpv4Error } from './wire/ipv4.js';

/** A transport protocol on top of IPv4 (`struct net_protocol`). */
export interface IpProtocol {
  /** For messages. */
  readonly name: string;
  /** IP protocol number. */
  readonly protocol: number;
  /**
   * The stage that marks it namespace aware (`netns_ok`): until it is on, datagrams for
   * it in a namespace other than initNet are dropped and counted. Omitted: aware.
   */
  readonly stage?: string;
  /**
   * Take a datagram addressed to this host: it starts `at` bytes into `skb` (IP header
   * first) and ends where `skb` ends — link-layer padding is already cut off, and no
   * view is made for the call (an skb's data pointer, not a copy). The bytes belong to
   * the stack once the call returns. `ipSummed` is the frame's `CHECKSUM` state
   * (`@netstage/devices`): UNNECESSARY when the sending stack computed the transport
   * checksum and the frame came across veth or loopback. Must not throw.
   */
  receive(net: Net, skb: Uint8Array, at: number, dev: NetDevice, ipSummed: number): void;
  /**
   * An ICMP error came back about a datagram of this protocol (`err_handler`):
   * `original` is the quoted IP header and at least 8 bytes of what followed it. Must
   * not throw.
   */
  error?(net: Net, type: number, code: number, original: Uint8Array, info: number): void;
}

/** What `send` takes. */
export interface SendRequest {
  readonly dst: number;
  /** Source; default the address the route selects. */
  readonly src?: number;
  readonly protocol: number;
  /** Time to live; absent or negative: the namespace's `ip_default_ttl` (a socket's `IP_TTL` of -1). */
  readonly ttl?: number;
  readonly tos?: number;
  /** Set DF (no fragmentation allowed). */
  readonly dontFragment?: boolean;
  readonly payload: Uint8Array;
}

/**
 * Bytes in front of a transport payload for the Ethernet and IPv4 headers (an option-less
 * IP header): where the stack's in-place send (`Ipv4Stack.sendRouted`, internal) expects
 * the payload to start.
 *
 * @remarks
 * The headroom `udp_sendmsg` reserves (`LL_RESERVED_SPACE` + the IP header) so that
 * `ip_send_skb` and `neigh_output` push their headers without copying the datagram.
 *
 * @example
 * ```ts
 * import { IPV4_SEND_HEADROOM } from '@netstage/ipv4';
 * IPV4_SEND_HEADROOM; // 34: 14 bytes of Ethernet header, 20 of IPv4
 * ```
 */
export const IPV4_SEND_HEADROOM = ETH_HLEN + IPV4_HEADER_LENGTH;

/** An ICMP message seen by a namespace, as the ping sockets of the next layer will be. */
export interface IcmpEvent {
  readonly net: Net;
  readonly src: number;
  readonly dst: number;
  readonly message: IcmpRepr;
}

/**
 * A raw-socket tap on local delivery (`raw_local_deliver`): sees every datagram
 * delivered locally in any namespace, before the protocol handler, with its protocol
 * number. The IP datagram (header first) starts `at` bytes into `skb` and ends where
 * `skb` does; it belongs to the stack: copy what is kept. Returns whether a raw socket
 * took a copy (then an unknown protocol is not answered with ICMP protocol
 * unreachable). Must not throw.
 */
export type LocalDeliverListener = (net: Net, protocol: number, skb: Uint8Array, at: number, dev: NetDevice) => boolean;

/** The kernel's IPv4 packet path. */
export const IPV4_STACK = defineKernelKey<Ipv4Stack>('ipv4-stack');

/** Each namespace's fragment queues (`netns_ipv4.fqdir`). */
export const FRAGS = defineNetKey<Reassembler>('ipv4-frags');

/**
 * A namespace's fragment queues, knowing their namespace: the stack's one timeout
 * callback counts into it and answers from it (`ip_expire` finds the namespace through
 * `qp->q.fqdir->net`), so no namespace needs a closure of its own.
 */
class NetReassembler extends Reassembler {
  constructor(
    /** The namespace whose fragments these are. */
    readonly net: Net,
    /** The stack's reassembler whose settings every namespace's shares. */
    template: Reassembler,
  ) {
    super(template);
  }
}

/** ICMP types rate-limited by default (`icmp_ratemask` 6168: 3, 4, 11, 12). */
function rateLimited(type: number, mask: number): boolean {
  return type <= 31 && (mask & (1 << type)) !== 0;
}

/** `XRLIM_BURST_FACTOR`: a host may save up this many messages' worth of tokens. */
const XRLIM_BURST = 6;

/**
 * The IPv4 packet path of one kernel. Reach it with `ipv4Stack(kernel)`.
 *
 * Per packet it allocates the packet's bytes and nothing else on the paths that carry
 * traffic (input, delivery, forwarding, output through a resolved neighbour).
 */
export class Ipv4Stack {
  readonly #kernel: Kernel;
  readonly #ip: Ipv4;
  readonly #core: Netdev;
  /** `inet_protos[]`: the handler of each IP protocol number, an array indexed by it. */
  readonly #protocols: ({ readonly proto: IpProtocol; readonly stage: Stage | undefined } | undefined)[] = new Array(256).fill(undefined);
  readonly #icmpListeners = new Set<(e: IcmpEvent) => void>();
  /** Raw-socket taps; an array so the per-packet check is a length test. */
  #deliverListeners: readonly LocalDeliverListener[] = [];
  readonly #snmpStage: Stage;
  readonly #icmpStage: Stage;
  readonly #neighStage: Stage;
  /** Counts of namespaces whose counters are not their own yet: counted nowhere. */
  readonly #discard = new Snmp();
  /**
   * Holds no fragments: the settings (the kernel's clock, `ipfrag_time`, `ip_expire`)
   * every namespace's reassembler shares.
   */
  readonly #fragSettings: Reassembler;
  /** ICMP rate-limit tokens per (namespace, destination): `inet_peer` rate_tokens. */
  readonly #peerTokens = new Map<Net, Map<number, { tokens: number; last: number }>>();

  /** @internal made by the ipv4 layer. */
  constructor(kernel: Kernel) {
    this.#kernel = kernel;
    this.#ip = ipv4(kernel);
    this.#core = netdev(kernel);
    const m = kernel.manifest;
    this.#snmpStage = m.stage(IPV4_STAGES.snmp);
    this.#icmpStage = m.stage(IPV4_STAGES.icmp);
    this.#neighStage = m.stage(IPV4_STAGES.neigh);
    this.#fragSettings = new Reassembler(kernel.clock, IPFRAG_TIME, this.#reasmTimeout);
    this.#core.handlers.add({ name: 'ip_rcv', etherType: ETH_P_IP, stage: IPV4_STAGES.ipRcv, receive: (f, d, t, c) => this.#ipRcv(f, d, t, c) });
    this.#core.handlers.add({ name: 'arp_rcv', etherType: ETH_P_ARP, stage: IPV4_STAGES.arpRcv, receive: (f, d) => this.#arpRcv(f, d) });
    // neigh_ifdown belongs to the neighbour tables themselves: a namespace with a table
    // of its own has its entries flushed with its devices.
    this.#core.chain.subscribe({ name: 'neigh', stage: IPV4_STAGES.neigh, onEvent: (e, d) => this.#neighEvent(e, d) });
    this.registerProtocol({ name: 'icmp', protocol: IPPROTO_ICMP, stage: IPV4_STAGES.icmp, receive: (n, skb, at, d) => this.#icmpRcv(n, at === 0 ? skb : skb.subarray(at), d) });
  }

  /**
   * Register a transport protocol (`inet_add_protocol`); returns the function that
   * removes it.
   *
   * @throws Error when the protocol number is taken; RangeError when it is not in [0, 255].
   */
  registerProtocol(proto: IpProtocol): () => void {
    if (!Number.isInteger(proto.protocol) || proto.protocol < 0 || proto.protocol > 255) throw new RangeError(`IP protocol ${proto.protocol} is not in [0, 255]`);
    if (this.#protocols[proto.protocol] !== undefined) throw new Error(`IP protocol ${proto.protocol} is registered twice`);
    const stage = proto.stage === undefined ? undefined : this.#kernel.manifest.stage(proto.stage);
    const entry = { proto, stage };
    this.#protocols[proto.protocol] = entry;
    return () => {
      if (this.#protocols[proto.protocol] === entry) this.#protocols[proto.protocol] = undefined;
    };
  }

  /** Listen to the ICMP messages every namespace receives; returns the function that stops. */
  onIcmp(listener: (e: IcmpEvent) => void): () => void {
    this.#icmpListeners.add(listener);
    return () => this.#icmpListeners.delete(listener);
  }

  /**
   * Tap local delivery for raw sockets (`raw_local_deliver` in `ip_local_deliver_finish`,
   * `net/ipv4/ip_input.c`); returns the function that stops. Listeners keep their own
   * per-namespace tables: the stack calls each once per delivered datagram.
   */
  onLocalDeliver(listener: LocalDeliverListener): () => void {
    this.#deliverListeners = [...this.#deliverListeners, listener];
    return () => {
      this.#deliverListeners = this.#deliverListeners.filter((l) => l !== listener);
    };
  }

  /** The SNMP counters `net` counts into (a discard pile before `snmp-per-ns`, outside initNet). */
  snmp(net: Net): Snmp {
    if (!net.isInit && !this.#kernel.stages.isOn(this.#snmpStage)) return this.#discard;
    return net.state(SNMP);
  }

  /**
   * The neighbour table of `net`, or undefined where it has none of its own
   * (`neigh-per-ns` off, outside initNet).
   */
  neighbours(net: Net): NeighTable | undefined {
    if (!net.isInit && !this.#kernel.stages.isOn(this.#neighStage)) return undefined;
    return net.state(NEIGH);
  }

  // -- output ----------------------------------------------------------------------

  /**
   * Send a datagram from `net` (`ip_queue_xmit` / `ip_send_skb`): route lookup, source
   * selection, header, neighbour resolution, transmit.
   *
   * @throws NetError ENETUNREACH (and the other `route get` errors) immediately when
   *   there is no route, counting `OutNoRoutes`; EMSGSIZE for a datagram larger than the
   *   path MTU (fragmentation comes with the next part of the layer).
   */
  send(net: Net, req: SendRequest): void {
    let result;
    try {
      result = this.#ip.routeLookup(net, req.dst);
    } catch (err) {
      if (err instanceof NetError && err.code === 'ENETUNREACH') this.snmp(net).ip(IPSTATS.OutNoRoutes);
      throw err;
    }
    const frame = allocPacketBuffer(IPV4_SEND_HEADROOM + req.payload.length);
    frame.set(req.payload, IPV4_SEND_HEADROOM);
    this.sendRouted(net, result, frame, req.dst, req.src ?? result.src, req.protocol, req.ttl ?? -1, req.tos ?? 0, req.dontFragment === true);
  }

  /**
   * @internal {@link Ipv4Stack.send} for a transport that has routed already and built
   * its datagram in place (`udp_send_skb` → `ip_send_skb` with the skb's route and
   * headroom): `frame` holds the transport payload from {@link IPV4_SEND_HEADROOM} on,
   * and the stack writes the IP and link headers in front of it — one buffer per
   * datagram, no copy, no request object. `route` is what `routeLookup(net, dst)`
   * returned; `ttl` negative means the namespace's `ip_default_ttl`. `ipSummed` is
   * `CHECKSUM.UNNECESSARY` when the caller has just written the transport checksum
   * (UDP does), so a receiver across veth or loopback may skip checking it.
   *
   * @throws NetError ENETUNREACH when the route has no device; EMSGSIZE for a
   *   DF datagram larger than the device's MTU.
   */
  sendRouted(
    net: Net,
    route: RouteResult,
    frame: Uint8Array,
    dst: number,
    src: number,
    protocol: number,
    ttl: number,
    tos: number,
    dontFragment: boolean,
    ipSummed: number = CHECKSUM.NONE,
  ): void {
    const dev = route.dev;
    if (dev === undefined) throw new NetError('ENETUNREACH');
    const payloadLength = frame.length - IPV4_SEND_HEADROOM;
    const total = IPV4_HEADER_LENGTH + payloadLength;
    if (total > dev.mtu && dontFragment) throw new NetError('EMSGSIZE');
    this.snmp(net).ip(IPSTATS.OutRequests);
    // The fields go to the header writer as arguments: no repr object per datagram.
    emitIpv4Fields(
      frame,
      ETH_HLEN,
      src,
      dst >>> 0,
      protocol,
      ttl < 0 ? net.state(IPV4_SYSCTLS).ipDefaultTtl : ttl,
      tos,
      // ip_select_ident: 0 for DF datagrams of unconnected sockets, else hashed.
      dontFragment ? 0 : this.#kernel.random.nextInt(0x10000),
      dontFragment,
      false,
      0,
      payloadLength,
    );
    const nexthop = route.route.gateway !== 0 ? route.route.gateway : dst >>> 0;
    this.#fragmentAndOutput(net, dev, nexthop, frame, route.type === 'broadcast', ipSummed);
  }

  /** `ip_finish_output` → `ip_fragment` when the datagram is bigger than the device's MTU. */
  #fragmentAndOutput(net: Net, dev: NetDevice, nexthop: number, frame: Uint8Array, broadcast: boolean, ipSummed: number): void {
    const total = frame.length - ETH_HLEN;
    if (total <= dev.mtu) {
      this.#output(net, dev, nexthop, frame, broadcast, ipSummed);
      return;
    }
    const mib = this.snmp(net);
    const pieces = fragmentDatagram(frame.subarray(ETH_HLEN), dev.mtu, ETH_HLEN);
    if (pieces === undefined) {
      mib.ip(IPSTATS.FragFails);
      return;
    }
    mib.ip(IPSTATS.FragOKs);
    mib.ip(IPSTATS.FragCreates, pieces.length);
    // Fragments are checked again once reassembled: nothing is vouched for.
    for (const piece of pieces) this.#output(net, dev, nexthop, piece, broadcast, CHECKSUM.NONE);
  }

  /** `ip_finish_output2`: link header by neighbour, then transmit. */
  #output(net: Net, dev: NetDevice, nexthop: number, frame: Uint8Array, broadcast: boolean, ipSummed: number): void {
    // ip_finish_output2: OutTransmits and OutOctets; broadcast routes count apart too.
    const mib = this.snmp(net);
    const length = frame.length - ETH_HLEN;
    mib.ip(IPSTATS.OutTransmits);
    mib.ipExt(IPEXTSTATS.OutOctets, length);
    if (broadcast) {
      mib.ipExt(IPEXTSTATS.OutBcastPkts);
      mib.ipExt(IPEXTSTATS.OutBcastOctets, length);
    }
    if (dev.linkType === 'loopback' || broadcast || (dev.flags & IFF.NOARP) !== 0) {
      writeMac(frame, 0, dev.linkType === 'loopback' || (dev.flags & IFF.NOARP) !== 0 ? 0 : MAC_BROADCAST);
      this.#finish(dev, frame, ipSummed);
      return;
    }
    const table = this.neighbours(net);
    if (table === undefined) return;
    let n = table.get(dev, nexthop);
    if (n === undefined) {
      n = { dev, ip: nexthop, mac: 0, state: 'INCOMPLETE', probes: 0, queue: [], queueBytes: 0, timer: undefined, confirmed: 0 };
      table.set(n);
      this.#enqueue(n, frame);
      this.#solicit(n);
      return;
    }
    switch (n.state) {
      case 'INCOMPLETE':
        this.#enqueue(n, frame);
        return;
      case 'FAILED':
        // __neigh_event_send: a failed entry starts over.
        n.state = 'INCOMPLETE';
        n.probes = 0;
        this.#enqueue(n, frame);
        this.#solicit(n);
        return;
      case 'STALE':
        n.state = 'DELAY';
        this.#arm(n, NEIGH_PARMS.delayFirstProbeMs);
        break;
      default:
        break;
    }
    writeMac(frame, 0, n.mac);
    this.#finish(dev, frame, ipSummed);
  }

  /** Source MAC and EtherType, then the device. */
  #finish(dev: NetDevice, frame: Uint8Array, ipSummed: number = CHECKSUM.NONE): void {
    writeMac(frame, 6, dev.mac);
    frame[12] = ETH_P_IP >> 8;
    frame[13] = ETH_P_IP & 0xff;
    dev.transmit(frame, ipSummed);
  }

  #enqueue(n: Neighbour, frame: Uint8Array): void {
    n.queue.push(frame);
    n.queueBytes += frame.length;
    while (n.queueBytes > NEIGH_PARMS.unresQlenBytes && n.queue.length > 1) {
      const old = n.queue.shift() as Uint8Array;
      n.queueBytes -= old.length;
    }
  }

  // -- ARP and the neighbour state machine ----------------------------------------------

  /** `arp_solicit`: an ARP request (broadcast while INCOMPLETE, unicast in PROBE), and the retransmit timer. */
  #solicit(n: Neighbour): void {
    const net = n.dev.net;
    const src = this.#ip.selectAddress(net, n.dev, n.ip, RT_SCOPE.LINK);
    const unicast = n.state === 'PROBE';
    this.#sendArp(n.dev, ARPOP_REQUEST, src, n.ip, unicast ? n.mac : MAC_BROADCAST, 0);
    n.probes++;
    this.#arm(n, NEIGH_PARMS.retransMs);
  }

  #sendArp(dev: NetDevice, op: typeof ARPOP_REQUEST | typeof ARPOP_REPLY, senderIp: number, targetIp: number, dstMac: number, targetMac: number): void {
    const frame = new Uint8Array(ETH_HLEN + ARP_LENGTH);
    writeMac(frame, 0, dstMac);
    writeMac(frame, 6, dev.mac);
    frame[12] = ETH_P_ARP >> 8;
    frame[13] = ETH_P_ARP & 0xff;
    emitArp({ operation: op, senderMac: dev.mac, senderIp, targetMac, targetIp }, frame, ETH_HLEN);
    dev.transmit(frame);
  }

  #arm(n: Neighbour, ms: number): void {
    if (n.timer !== undefined) this.#kernel.clock.cancelTimer(n.timer);
    n.timer = this.#kernel.clock.setTimer(ms, this.#neighTimer, n);
  }

  /** `neigh_timer_handler`. */
  readonly #neighTimer = (n: Neighbour): void => {
    n.timer = undefined;
    const now = this.#kernel.clock.now;
    switch (n.state) {
      case 'REACHABLE':
        n.state = 'STALE';
        return;
      case 'DELAY':
        if (now - n.confirmed < NEIGH_PARMS.delayFirstProbeMs) {
          n.state = 'REACHABLE';
          this.#arm(n, this.#reachableTime());
          return;
        }
        n.state = 'PROBE';
        n.probes = 0;
        this.#solicit(n);
        return;
      case 'INCOMPLETE':
      case 'PROBE': {
        const max = n.state === 'INCOMPLETE' ? NEIGH_PARMS.mcastProbes : NEIGH_PARMS.ucastProbes;
        if (n.probes < max) {
          this.#solicit(n);
          return;
        }
        n.state = 'FAILED';
        const queued = n.queue;
        n.queue = [];
        n.queueBytes = 0;
        // arp_error_report: each datagram that waited gets a host unreachable back.
        for (const frame of queued) this.icmpSend(n.dev.net, ICMP_DEST_UNREACH, 1, frame.subarray(ETH_HLEN), n.dev);
        return;
      }
      default:
        return;
    }
  };

  /** `neigh_rand_reach_time`: uniformly between half and one and a half times the base. */
  #reachableTime(): number {
    const base = NEIGH_PARMS.baseReachableMs;
    return base / 2 + this.#kernel.random.nextInt(base);
  }

  /** An entry learned or confirmed: REACHABLE (a reply) or STALE (a request), queue flushed. */
  #neighUpdate(table: NeighTable, dev: NetDevice, ip: number, mac: number, reply: boolean): void {
    let n = table.get(dev, ip);
    if (n === undefined) {
      if (reply) return; // arp_accept = 0: unsolicited replies make no entries
      n = { dev, ip, mac, state: 'STALE', probes: 0, queue: [], queueBytes: 0, timer: undefined, confirmed: 0 };
      table.set(n);
      return;
    }
    if (n.state === 'PERMANENT' || n.state === 'NOARP') return;
    const changed = n.mac !== mac;
    n.mac = mac;
    if (reply) {
      n.state = 'REACHABLE';
      n.confirmed = this.#kernel.clock.now;
      this.#arm(n, this.#reachableTime());
    } else if (n.state === 'INCOMPLETE' || n.state === 'FAILED' || changed) {
      n.state = 'STALE';
      if (n.timer !== undefined) this.#kernel.clock.cancelTimer(n.timer);
      n.timer = undefined;
    }
    const queued = n.queue;
    n.queue = [];
    n.queueBytes = 0;
    for (const frame of queued) {
      writeMac(frame, 0, n.mac);
      this.#finish(dev, frame);
    }
  }

  /** `arp_rcv` / `arp_process`. */
  #arpRcv(frame: Uint8Array, dev: NetDevice): void {
    const arp = ArpPacket.check(frame.subarray(ETH_HLEN));
    if (isArpError(arp)) return;
    const net = dev.net;
    const table = this.neighbours(net);
    if (table === undefined) return;
    const sip = arp.senderIp;
    const tip = arp.targetIp;
    if (arp.operation === ARPOP_REQUEST) {
      // arp_ignore = 0: answer for any local address of the namespace.
      if (!this.#ip.isLocal(net, tip)) return;
      if (sip !== 0) this.#neighUpdate(table, dev, sip, arp.senderMac, false);
      this.#sendArp(dev, ARPOP_REPLY, tip, sip, arp.senderMac, arp.senderMac);
      return;
    }
    this.#neighUpdate(table, dev, sip, arp.senderMac, true);
  }

  /** `arp_netdev_event` / `neigh_ifdown`: a device going down or away forgets its neighbours. */
  #neighEvent(event: string, dev: NetDevice): void {
    // neigh_carrier_down on NETDEV_CHANGE without carrier (6.x), neigh_ifdown otherwise.
    const carrierLoss = event === 'change' && !dev.carrier;
    if (event !== 'down' && event !== 'unregister' && event !== 'change-addr' && !carrierLoss) return;
    const table = this.neighbours(dev.net);
    if (table === undefined) return;
    for (const n of table.ofDevice(dev)) {
      if (n.state === 'PERMANENT' && event !== 'unregister') continue;
      if (n.timer !== undefined) this.#kernel.clock.cancelTimer(n.timer);
      table.delete(n);
    }
  }

  // -- input ------------------------------------------------------------------------

  /** `ip_rcv` + `ip_rcv_finish` + `ip_route_input`. Never throws: counts and drops. */
  #ipRcv(frame: Uint8Array, dev: NetDevice, pktType: number, ipSummed: number): void {
    if (pktType === PACKET.OTHERHOST) return;
    const net = dev.net;
    const mib = this.snmp(net);
    // The header is checked and read where it lies in the frame: no view or packet
    // object per datagram, only the one view handed to the protocol below.
    const h = ETH_HLEN;
    const length = frame.length - h;
    // ip_rcv_core: InReceives and InOctets (skb->len, padding included) first; the ECN
    // class once the fixed header is known to be IPv4.
    mib.ip(IPSTATS.InReceives);
    mib.ipExt(IPEXTSTATS.InOctets, Math.max(length, 0));
    const b0 = frame[h] ?? 0;
    if (length >= IPV4_HEADER_LENGTH && b0 >> 4 === 4 && (b0 & 0x0f) >= 5) mib.ipExtEcn(frame[h + 1] ?? 0);
    const checked = length >= 0 ? checkIpv4At(frame, h) : checkIpv4At(frame.subarray(h), 0);
    if (typeof checked !== 'number') {
      // ip_rcv_core: a datagram longer than what arrived is InTruncatedPkts (IpExt);
      // every other header fault is InHdrErrors, a bad checksum InCsumErrors as well.
      const declared = length >= 4 ? ((frame[h + 2] ?? 0) << 8) | (frame[h + 3] ?? 0) : 0;
      if (checked.kind === 'total-length' && declared > length) {
        mib.ipExt(IPEXTSTATS.InTruncatedPkts);
      } else {
        if (checked.kind === 'checksum') mib.ipExt(IPEXTSTATS.InCsumErrors);
        mib.ip(IPSTATS.InHdrErrors);
      }
      return;
    }
    const totalLength = checked;
    const dst = readU32(frame, h + 16);
    // One table walk where the tables are open; else the two gated questions.
    const disposition = dst === 0xffffffff ? 'broadcast' : this.#ip.inputDisposition(net, dst);
    const broadcast = disposition === undefined ? this.#isBroadcast(net, dst) : disposition === 'broadcast';
    if (broadcast) {
      // ip_rcv_finish_core: a datagram routed as RTN_BROADCAST.
      mib.ipExt(IPEXTSTATS.InBcastPkts);
      mib.ipExt(IPEXTSTATS.InBcastOctets, totalLength);
    }
    if (broadcast || (disposition === undefined ? this.#ip.isLocal(net, dst) : disposition === 'local')) {
      // frag_off: MF set or a non-zero offset makes it a fragment for ip_defrag.
      const fragment = ((((frame[h + 6] ?? 0) << 8) | (frame[h + 7] ?? 0)) & 0x3fff) !== 0;
      // pskb_trim_rcsum: padding after the datagram is cut off (a view only when there is any).
      const end = h + totalLength;
      this.#localDeliver(net, end === frame.length ? frame : frame.subarray(0, end), h, dev, broadcast, frame[h + 9] ?? 0, fragment, ipSummed);
      return;
    }
    const inDev = this.#ip.inDevice(dev);
    const forwarding = inDev !== undefined && inDev.conf.forwarding !== 0;
    if (!forwarding) {
      mib.ip(IPSTATS.InAddrErrors);
      return;
    }
    this.#forward(net, frame, dev, totalLength, ipSummed);
  }

  #isBroadcast(net: Net, dst: number): boolean {
    try {
      return this.#ip.routeLookup(net, dst).type === 'broadcast';
    } catch {
      return false;
    }
  }

  /** `ip_local_deliver`: to the protocol, through its stage gate. */
  #localDeliver(net: Net, skb: Uint8Array, at: number, dev: NetDevice, broadcast: boolean, protocol: number, fragment: boolean, ipSummed: number): void {
    let packet = skb;
    let offset = at;
    let summed = ipSummed;
    const mib = this.snmp(net);
    if (fragment) {
      // ip_defrag: the fragment joins its queue; the whole datagram goes on when complete.
      const queues = net.state(FRAGS);
      const failsBefore = queues.fails;
      mib.ip(IPSTATS.ReasmReqds);
      const result = queues.add(packet.slice(offset));
      if (queues.fails > failsBefore) mib.ip(IPSTATS.ReasmFails, queues.fails - failsBefore);
      if (!result.done) return;
      mib.ip(IPSTATS.ReasmOKs);
      packet = result.datagram;
      offset = 0;
      summed = CHECKSUM.NONE;
    }
    // ip_protocol_deliver_rcu: raw sockets get their copy first.
    let raw = false;
    const taps = this.#deliverListeners;
    for (let i = 0; i < taps.length; i++) if (taps[i]?.(net, protocol, packet, offset, dev) === true) raw = true;
    const entry = this.#protocols[protocol & 0xff];
    if (entry === undefined) {
      if (raw) {
        mib.ip(IPSTATS.InDelivers);
        return;
      }
      mib.ip(IPSTATS.InUnknownProtos);
      if (!broadcast) this.icmpSend(net, ICMP_DEST_UNREACH, 2, packet.subarray(offset), dev);
      return;
    }
    if (entry.stage !== undefined && !this.#kernel.stages.gate(entry.stage, net)) return;
    mib.ip(IPSTATS.InDelivers);
    entry.proto.receive(net, packet, offset, dev, summed);
  }

  // -- forwarding -------------------------------------------------------------------

  /** `ip_forward`: TTL, route, MTU, then out again — in place, on the frame that came in. */
  #forward(net: Net, frame: Uint8Array, inDev: NetDevice, total: number, ipSummed: number): void {
    const mib = this.snmp(net);
    const packet = frame.subarray(ETH_HLEN, ETH_HLEN + total);
    if ((packet[8] ?? 0) <= 1) {
      mib.ip(IPSTATS.InHdrErrors);
      this.icmpSend(net, ICMP_TIME_EXCEEDED, 0, packet, inDev);
      return;
    }
    const dst = ((packet[16] ?? 0) << 24 | (packet[17] ?? 0) << 16 | (packet[18] ?? 0) << 8 | (packet[19] ?? 0)) >>> 0;
    let route: Route;
    let outDev: NetDevice | undefined;
    try {
      const r = this.#ip.routeLookup(net, dst);
      route = r.route;
      outDev = r.dev;
    } catch (err) {
      const code = err instanceof NetError && err.code === 'EHOSTUNREACH' ? 1 : 0;
      // ip_error: no route at all is InNoRoutes.
      if (err instanceof NetError && err.code === 'ENETUNREACH') mib.ipExt(IPEXTSTATS.InNoRoutes);
      this.icmpSend(net, ICMP_DEST_UNREACH, code, packet, inDev);
      return;
    }
    if (outDev === undefined) return;
    const df = ((packet[6] ?? 0) & 0x40) !== 0;
    if (total > outDev.mtu && df) {
      mib.ip(IPSTATS.FragFails);
      this.icmpSend(net, ICMP_DEST_UNREACH, 4, packet, inDev, outDev.mtu);
      return;
    }
    decrementTtl(packet, 0);
    mib.ip(IPSTATS.ForwDatagrams);
    const nexthop = route.gateway !== 0 ? route.gateway : dst;
    // The sender's ip_summed travels on with the frame, as the skb's does through ip_forward.
    this.#fragmentAndOutput(net, outDev, nexthop, frame.subarray(0, ETH_HLEN + total), false, ipSummed);
  }

  // -- ICMP -------------------------------------------------------------------------

  /** `icmp_rcv`. */
  #icmpRcv(net: Net, packet: Uint8Array, _dev: NetDevice): void {
    const mib = this.snmp(net);
    const ipHeader = ((packet[0] ?? 0) & 0x0f) * 4;
    const src = ((packet[12] ?? 0) << 24 | (packet[13] ?? 0) << 16 | (packet[14] ?? 0) << 8 | (packet[15] ?? 0)) >>> 0;
    const dst = ((packet[16] ?? 0) << 24 | (packet[17] ?? 0) << 16 | (packet[18] ?? 0) << 8 | (packet[19] ?? 0)) >>> 0;
    const body = packet.subarray(ipHeader);
    mib.icmp(ICMPSTATS.InMsgs);
    const icmp = IcmpPacket.check(body);
    if (isIcmpError(icmp)) {
      if (icmp.kind === 'checksum') mib.icmp(ICMPSTATS.InCsumErrors);
      mib.icmp(ICMPSTATS.InErrors);
      return;
    }
    mib.icmpMsg('in', icmp.type);
    if (icmp.type === ICMP_ECHO) mib.icmp(ICMPSTATS.InEchos);
    else if (icmp.type === ICMP_ECHOREPLY) mib.icmp(ICMPSTATS.InEchoReps);
    else if (icmp.type === ICMP_DEST_UNREACH) mib.icmp(ICMPSTATS.InDestUnreachs);
    else if (icmp.type === ICMP_TIME_EXCEEDED) mib.icmp(ICMPSTATS.InTimeExcds);
    const message = parseIcmp(body);
    if ('kind' in message && (message.kind === 'checksum' || message.kind === 'truncated' || message.kind === 'unsupported')) return;
    const repr = message as IcmpRepr;
    if (repr.kind === 'dest-unreachable' || repr.kind === 'time-exceeded') {
      // icmp_unreach: hand the error to the protocol of the datagram it quotes.
      const quoted = repr.original;
      const entry = quoted.length >= IPV4_HEADER_LENGTH ? this.#protocols[quoted[9] ?? 0] : undefined;
      const info = repr.kind === 'dest-unreachable' ? (repr.mtu ?? 0) : 0;
      const gateOk = entry?.stage === undefined || this.#kernel.stages.gate(entry.stage, net);
      if (entry !== undefined && gateOk) entry.proto.error?.(net, icmp.type, repr.code, quoted, info);
    }
    if (repr.kind === 'echo-request') {
      const sysctls = net.state(IPV4_SYSCTLS);
      if (sysctls.icmpEchoIgnoreAll !== 0) return;
      if (!this.#ip.isLocal(net, dst)) return; // icmp_echo_ignore_broadcasts
      this.#icmpReply(net, dst, src, { kind: 'echo-reply', identifier: repr.identifier, sequence: repr.sequence, data: repr.data });
      return;
    }
    for (const l of this.#icmpListeners) l({ net, src, dst, message: repr });
  }

  /** Send an ICMP message from `net` (`icmp_reply` / the error path of `icmp_send`). */
  #icmpReply(net: Net, src: number, dst: number, message: IcmpRepr): boolean {
    if (!net.isInit && !this.#kernel.stages.gate(this.#icmpStage, net)) return false;
    const bytes = new Uint8Array(icmpBufferLength(message));
    emitIcmp(message, bytes, 0);
    try {
      this.send(net, { dst, src, protocol: IPPROTO_ICMP, payload: bytes, tos: message.kind === 'echo-reply' ? 0 : 0xc0 });
    } catch {
      this.snmp(net).icmp(ICMPSTATS.OutErrors);
      return false;
    }
    const mib = this.snmp(net);
    mib.icmp(ICMPSTATS.OutMsgs);
    const type = message.kind === 'echo-reply' ? ICMP_ECHOREPLY : message.kind === 'echo-request' ? ICMP_ECHO : message.kind === 'time-exceeded' ? ICMP_TIME_EXCEEDED : ICMP_DEST_UNREACH;
    mib.icmpMsg('out', type);
    if (type === ICMP_ECHOREPLY) mib.icmp(ICMPSTATS.OutEchoReps);
    else if (type === ICMP_ECHO) mib.icmp(ICMPSTATS.OutEchos);
    else if (type === ICMP_TIME_EXCEEDED) mib.icmp(ICMPSTATS.OutTimeExcds);
    else mib.icmp(ICMPSTATS.OutDestUnreachs);
    return true;
  }

  /**
   * Send an echo request from `net` (what a ping socket does), counting it; from `src`
   * when given (a bound socket), else the address the route selects; with `ttl` when
   * not negative (the socket's `IP_TTL`), else `ip_default_ttl`.
   *
   * @throws NetError as {@link Ipv4Stack.send}.
   */
  sendEcho(net: Net, dst: number, identifier: number, sequence: number, data: Uint8Array, src?: number, ttl = -1): void {
    const message: IcmpRepr = { kind: 'echo-request', identifier, sequence, data };
    const bytes = new Uint8Array(icmpBufferLength(message));
    emitIcmp(message, bytes, 0);
    this.send(net, { dst, ...(src === undefined || src === 0 ? {} : { src }), protocol: IPPROTO_ICMP, payload: bytes, dontFragment: true, ttl });
    const mib = this.snmp(net);
    mib.icmp(ICMPSTATS.OutMsgs);
    mib.icmp(ICMPSTATS.OutEchos);
    mib.icmpMsg('out', ICMP_ECHO);
  }

  /**
   * `icmp_send`: an ICMP error about `original` (an IP datagram, header first), unless
   * it is itself an ICMP error, a non-first fragment, or addressed to a broadcast; rate
   * limited per destination for the types in `icmp_ratemask`.
   */
  icmpSend(net: Net, type: number, code: number, original: Uint8Array, inDev: NetDevice | undefined, mtu?: number): void {
    const orig = Ipv4Packet.check(original);
    if (isIpv4Error(orig)) return;
    if (orig.fragmentOffset !== 0) return;
    if (orig.protocol === IPPROTO_ICMP) {
      const t = orig.payload[0] ?? 0;
      if (t !== ICMP_ECHO && t !== ICMP_ECHOREPLY) return;
    }
    const to = orig.source;
    if (to === 0 || to === 0xffffffff) return;
    const sysctls = net.state(IPV4_SYSCTLS);
    // icmpv4_mask_allow / icmpv4_xrlim_allow: fragmentation-needed is never limited, and
    // nothing is limited on its way to ourselves (loopback).
    const exempt = (type === ICMP_DEST_UNREACH && code === 4) || this.#ip.isLocal(net, to);
    if (!exempt && rateLimited(type, sysctls.icmpRatemask) && !this.#allow(net, to, sysctls.icmpRatelimit)) {
      this.snmp(net).icmp(ICMPSTATS.OutRateLimitHost);
      return;
    }
    // The error comes from the address the datagram was sent to, when it is ours; else
    // from the interface it arrived on.
    const from = this.#ip.isLocal(net, orig.destination)
      ? orig.destination
      : this.#ip.selectAddress(net, inDev, to, RT_SCOPE.UNIVERSE);
    const quoted = original.subarray(0, Math.min(orig.totalLength, 576 - IPV4_HEADER_LENGTH - 8));
    const message: IcmpRepr =
      type === ICMP_TIME_EXCEEDED
        ? { kind: 'time-exceeded', code, original: quoted }
        : { kind: 'dest-unreachable', code, original: quoted, ...(mtu === undefined ? {} : { mtu }) };
    this.#icmpReply(net, from, to, message);
  }

  /** `inet_peer_xrlim_allow`: a token bucket per destination, `icmp_ratelimit` ms per message, burst 6. */
  #allow(net: Net, dst: number, rateMs: number): boolean {
    if (rateMs === 0) return true;
    let peers = this.#peerTokens.get(net);
    if (peers === undefined) {
      peers = new Map();
      this.#peerTokens.set(net, peers);
    }
    const now = this.#kernel.clock.now;
    const p = peers.get(dst) ?? { tokens: XRLIM_BURST * rateMs, last: now };
    p.tokens = Math.min(XRLIM_BURST * rateMs, p.tokens + (now - p.last));
    p.last = now;
    peers.set(dst, p);
    if (p.tokens < rateMs) return false;
    p.tokens -= rateMs;
    return true;
  }

  /**
   * @internal the layer's pernet init: a namespace's fragment queues, whose timeouts
   * count `ReasmTimeout` and `ReasmFails` and answer "fragment reassembly time exceeded"
   * when the first fragment had come (`ip_expire`).
   */
  _newReassembler(net: Net): Reassembler {
    return new NetReassembler(net, this.#fragSettings);
  }

  /** `ip_expire`, for the queues of every namespace. */
  readonly #reasmTimeout = (first: Uint8Array | undefined, queues: Reassembler): void => {
    if (!(queues instanceof NetReassembler)) return;
    const net = queues.net;
    const mib = this.snmp(net);
    mib.ip(IPSTATS.ReasmTimeout);
    mib.ip(IPSTATS.ReasmFails);
    if (first !== undefined) this.icmpSend(net, ICMP_TIME_EXCEEDED, 1, first, undefined);
  };

  /** @internal the layer's pernet exit: forget a dying namespace's rate-limit state. */
  _forget(net: Net): void {
    this.#peerTokens.delete(net);
  }

  /** `ip neigh show` data: the entries of `net`, device by device. */
  neighbourEntries(net: Net): Neighbour[] {
    return this.neighbours(net)?.all() ?? [];
  }

  /**
   * `ip neigh add` (`neigh_add` with `NLM_F_CREATE | NLM_F_EXCL`): a PERMANENT entry by
   * default, or REACHABLE/STALE; datagrams waiting on an unresolved entry are sent.
   *
   * @throws NetError EEXIST when the entry exists; ENOBUFS for a namespace without a
   *   neighbour table of its own.
   */
  addNeighbour(dev: NetDevice, ip: number, mac: number, state: 'PERMANENT' | 'REACHABLE' | 'STALE' = 'PERMANENT'): void {
    const table = this.neighbours(dev.net);
    if (table === undefined) throw new NetError('ENOBUFS');
    const old = table.get(dev, ip >>> 0);
    if (old !== undefined && old.state !== 'INCOMPLETE' && old.state !== 'FAILED') throw new NetError('EEXIST');
    const n: Neighbour = old ?? { dev, ip: ip >>> 0, mac, state, probes: 0, queue: [], queueBytes: 0, timer: undefined, confirmed: 0 };
    if (n.timer !== undefined) this.#kernel.clock.cancelTimer(n.timer);
    n.timer = undefined;
    n.mac = mac;
    n.state = state;
    n.confirmed = this.#kernel.clock.now;
    table.set(n);
    if (state === 'REACHABLE') this.#arm(n, this.#reachableTime());
    const queued = n.queue;
    n.queue = [];
    n.queueBytes = 0;
    for (const frame of queued) {
      writeMac(frame, 0, mac);
      this.#finish(dev, frame);
    }
  }

  /**
   * `ip neigh del`.
   *
   * @throws NetError ENOENT when there is no such entry.
   */
  deleteNeighbour(dev: NetDevice, ip: number): void {
    const table = this.neighbours(dev.net);
    const n = table?.get(dev, ip >>> 0);
    if (table === undefined || n === undefined) throw new NetError('ENOENT');
    if (n.timer !== undefined) this.#kernel.clock.cancelTimer(n.timer);
    table.delete(n);
  }

  /** `ip neigh flush [dev DEV]`: every entry but PERMANENT and NOARP ones; returns how many went. */
  flushNeighbours(net: Net, dev?: NetDevice): number {
    const table = this.neighbours(net);
    if (table === undefined) return 0;
    let n = 0;
    for (const e of dev === undefined ? table.all() : table.ofDevice(dev)) {
      if (e.state === 'PERMANENT' || e.state === 'NOARP') continue;
      if (e.timer !== undefined) this.#kernel.clock.cancelTimer(e.timer);
      table.delete(e);
      n++;
    }
    return n;
  }
}

/**
 * The IPv4 packet path of a kernel booted with the ipv4 layer.
 *
 * @throws Error when the ipv4 layer is not registered.
 */
export function ipv4Stack(kernel: Kernel): Ipv4Stack {
  return kernel.state(IPV4_STACK);
}
