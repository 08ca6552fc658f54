/**
 * AF_PACKET (`net/packet/af_packet.c`): raw and datagram packet sockets that see the
 * frames of the devices of their namespace — every frame in and out with `ETH_P_ALL`,
 * the received frames of one EtherType otherwise — and send whole frames.
 *
 * Per namespace since v2.6.25 (d12d01d6, "[NET]: Make AF_PACKET handle multiple network
 * namespaces"): before it `packet_create` refused every namespace but init_net
 * (EAFNOSUPPORT) and `packet_rcv` dropped frames of devices outside it (e730c155).
 *
 * @module
 */

import { NetError, defineKernelKey, type Kernel, type Net } from '@netstage/core-net';
import {
  ETH_HLEN,
  PACKET,
  frameEtherType,
  netdev,
  writeMac,
  type NetDevice,
  type Netdev,
} from '@netstage/devices';
import { SOCK_LIST } from './sock-list.js';
import { Socket, type SocketFamily, type SocketType } from './socket.js';
import { SOCKET_STAGES } from './stages.js';
import { DATAGRAM_OVERHEAD } from './inet-queue.js';

/** Where a frame was headed (`sll_pkttype`, `PACKET_*` in `include/uapi/linux/if_packet.h`). */
export type PacketType = 'host' | 'broadcast' | 'multicast' | 'otherhost' | 'outgoing';

const PKT_TYPES: readonly PacketType[] = ['host', 'broadcast', 'multicast', 'otherhost', 'outgoing'];

/** A packet socket address (`struct sockaddr_ll`), as far as `bind` and `sendto` use it. */
export interface SockAddrLl {
  /** `sll_ifindex`: a device of the socket's namespace; 0 for every device. */
  readonly ifindex: number;
  /** `sll_protocol`, an EtherType in host order; 0 or omitted keeps the socket's. */
  readonly protocol?: number;
  /** `sll_addr`: the destination MAC, for `sendto` on a datagram socket. */
  readonly address?: number;
}

/** A frame queued on a packet socket. */
export interface PacketFrame {
  /** The whole Ethernet frame ('raw'), or what follows its header ('dgram'). A copy. */
  readonly data: Uint8Array;
  /** The device it was seen on (`sll_ifindex`). */
  readonly ifindex: number;
  /** Its EtherType (`sll_protocol`, host order). */
  readonly protocol: number;
  /** Where it was headed (`sll_pkttype`). */
  readonly pktType: PacketType;
}

/**
 * An AF_PACKET socket (`struct packet_sock`): a protocol hook (`prot_hook`, a
 * `packet_type`) registered while it has a protocol, optionally bound to one device,
 * and a bounded receive queue.
 */
export class PacketSocket extends Socket {
  /** Frames dropped because the queue was full (`tp_drops`). */
  drops = 0;
  readonly #family: PacketProtocol;
  readonly #queue: PacketFrame[] = [];
  #queued = 0;
  #num: number;
  #ifindex = 0;
  #dev: NetDevice | undefined;
  #unhook: (() => void) | undefined;
  #sending = false;
  #readable: ((s: PacketSocket) => void) | undefined;

  /** @internal made by the AF_PACKET family. */
  constructor(family: PacketProtocol, net: Net, type: 'raw' | 'dgram', protocol: number) {
    super(net, 'packet', type, protocol);
    this.#family = family;
    this.#num = protocol;
    this.#hook();
  }

  /** The EtherType it listens for now (`po->num`); 0: none, receives nothing. */
  get listening(): number {
    return this.#num;
  }

  /** The device it is bound to (`po->ifindex`): 0 for every device, -1 once that device went away. */
  get ifindex(): number {
    return this.#ifindex;
  }

  /** Bytes charged to the receive buffer (`sk_rmem_alloc`, `/proc/net/packet`'s `Rmem`). */
  get queuedBytes(): number {
    return this.#queued;
  }

  /** Whether its protocol hook is registered (`PACKET_SOCK_RUNNING`, the `R` column). */
  get running(): boolean {
    return this.#unhook !== undefined;
  }

  /**
   * Two — the socket and its place in the namespace's list (`sk_add_node_tail_rcu`) —
   * and one more while running (`register_prot_hook` holds it): 3 for a socket with a
   * protocol, 2 for one created with protocol 0 or whose device went away.
   */
  override get refcount(): number {
    return this.running ? 3 : 2;
  }

  /** Frames waiting. */
  get queueLength(): number {
    return this.#queue.length;
  }

  /** Be told when a frame (or an error) arrives. */
  onReadable(listener: ((s: PacketSocket) => void) | undefined): void {
    this.#readable = listener;
  }

  /**
   * `bind(2)` (`packet_bind` → `packet_do_bind`): to one device of the socket's own
   * namespace (ifindex 0: every device), and to a protocol (0 keeps the current one).
   * Rebinding replaces the earlier binding.
   *
   * @throws NetError ENODEV for an ifindex that names no device in the socket's
   *   namespace; EINVAL for a protocol outside 0..0xffff.
   */
  bind(addr: SockAddrLl): void {
    const proto = addr.protocol ?? 0;
    if (!Number.isInteger(proto) || proto < 0 || proto > 0xffff) throw new NetError('EINVAL', { syscall: 'bind' });
    let dev: NetDevice | undefined;
    if (addr.ifindex !== 0) {
      // dev_get_by_index(sock_net(sk), …): the socket's namespace, not the caller's.
      dev = this.#family.devices.byIndex(this.net, addr.ifindex);
      if (dev === undefined) throw new NetError('ENODEV', { syscall: 'bind' });
    }
    this.#unhookNow();
    this.#num = proto !== 0 ? proto : this.#num;
    this.#ifindex = dev?.ifindex ?? 0;
    this.#dev = dev;
    this.#hook();
  }

  /**
   * `sendto(2)` (`packet_snd`): a raw socket sends `data` as a whole Ethernet frame; a
   * datagram socket sends it behind a header it builds from `to.address` (destination
   * MAC), the device's MAC and the protocol. The device is `to.ifindex`, else the bound
   * one. Returns the bytes sent. A device without carrier drops the frame silently.
   *
   * @throws NetError the pending error (once); ENXIO without a device; ENXIO for an
   *   ifindex not in the socket's namespace; ENETDOWN when the device is down; EINVAL for
   *   a raw frame shorter than an Ethernet header, or a datagram without a destination
   *   address; EMSGSIZE over the MTU (plus the 14-byte header for a raw frame).
   */
  send(data: Uint8Array, to?: SockAddrLl): number {
    const err = this.takeError();
    if (err !== undefined) throw err;
    const ifindex = to !== undefined && to.ifindex !== 0 ? to.ifindex : this.#ifindex;
    const proto = to?.protocol !== undefined && to.protocol !== 0 ? to.protocol : this.#num;
    const dev = ifindex > 0 ? this.#family.devices.byIndex(this.net, ifindex) : undefined;
    if (dev === undefined) throw new NetError('ENXIO', { syscall: 'sendto' });
    if (!dev.up) throw new NetError('ENETDOWN', { syscall: 'sendto' });
    let frame: Uint8Array;
    if (this.type === 'raw') {
      // reserve = dev->hard_header_len; len > dev->mtu + reserve → EMSGSIZE.
      if (data.length > dev.mtu + ETH_HLEN) throw new NetError('EMSGSIZE', { syscall: 'sendto' });
      if (data.length < ETH_HLEN) throw new NetError('EINVAL', { syscall: 'sendto' });
      frame = data.slice();
    } else {
      if (data.length > dev.mtu) throw new NetError('EMSGSIZE', { syscall: 'sendto' });
      if (to?.address === undefined) throw new NetError('EINVAL', { syscall: 'sendto' });
      frame = new Uint8Array(ETH_HLEN + data.length);
      writeMac(frame, 0, to.address);
      writeMac(frame, 6, dev.mac);
      frame[12] = (proto >>> 8) & 0xff;
      frame[13] = proto & 0xff;
      frame.set(data, ETH_HLEN);
    }
    // dev_queue_xmit_nit skips the sending socket's own hook (skb_loop_sk).
    this.#sending = true;
    try {
      dev.transmit(frame);
    } finally {
      this.#sending = false;
    }
    return data.length;
  }

  /**
   * `recvfrom(2)`, non-blocking.
   *
   * @throws NetError the pending error (once); EAGAIN when nothing waits.
   */
  recv(): PacketFrame {
    const err = this.takeError();
    if (err !== undefined) throw err;
    const f = this.#queue.shift();
    if (f === undefined) throw new NetError('EAGAIN', { syscall: 'recvfrom' });
    this.#queued -= f.data.length + DATAGRAM_OVERHEAD;
    return f;
  }

  /** @internal the family: the bound device went away (`packet_notifier`, NETDEV_UNREGISTER). */
  _deviceGone(): void {
    this.#unhookNow();
    this.#ifindex = -1;
    this.#dev = undefined;
    this.pendingError = new NetError('ENETDOWN', { syscall: 'recvfrom' });
    this.#readable?.(this);
  }

  protected closeProtocol(): void {
    this.#unhookNow();
    this.#dev = undefined;
    this.#queue.length = 0;
    this.#queued = 0;
  }

  /** `register_prot_hook`: only with a protocol (`po->num`) and not after the device went. */
  #hook(): void {
    if (this.#num === 0 || this.#ifindex < 0) return;
    const dev = this.#dev;
    const remove = this.#family.devices.handlers.add({
      name: 'packet',
      etherType: this.#num,
      stage: SOCKET_STAGES.packetPerNs,
      ...(dev !== undefined ? { device: dev } : {}),
      receive: (frame, d, pktType) => this.#rcv(frame, d, pktType),
    });
    const unbind = dev !== undefined ? this.#family.track(dev, this) : undefined;
    this.#unhook = () => {
      remove();
      unbind?.();
    };
  }

  #unhookNow(): void {
    this.#unhook?.();
    this.#unhook = undefined;
  }

  /** `packet_rcv`. Never throws: drops and counts. */
  #rcv(frame: Uint8Array, dev: NetDevice, pktType: number): void {
    // if (!net_eq(dev_net(dev), sock_net(sk))) goto drop;
    if (dev.net !== this.net) return;
    if (pktType === PACKET.OUTGOING && this.#sending) return;
    // if (atomic_read(&sk->sk_rmem_alloc) >= sk->sk_rcvbuf) goto drop_n_acct;
    if (this.#queued >= this.rcvbuf) {
      this.drops++;
      return;
    }
    // SOCK_DGRAM: the data starts at the network header (skb_pull to skb_network_offset).
    const data = this.type === 'raw' ? frame.slice() : frame.slice(ETH_HLEN);
    this.#queue.push({ data, ifindex: dev.ifindex, protocol: frameEtherType(frame), pktType: PKT_TYPES[pktType] ?? 'otherhost' });
    this.#queued += data.length + DATAGRAM_OVERHEAD;
    this.#readable?.(this);
  }
}

/** The kernel's AF_PACKET family. */
export const PACKET_FAMILY = defineKernelKey<PacketProtocol>('packet-family');

/**
 * AF_PACKET for one kernel: the socket factory (`packet_create`) and the device
 * notifier that unbinds sockets from a device that goes away (`packet_notifier`).
 */
export class PacketProtocol implements SocketFamily {
  /** The family. */
  readonly family = 'packet' as const;
  /** @internal the device core. */
  readonly devices: Netdev;
  readonly #bound = new Map<NetDevice, Set<PacketSocket>>();

  /** @internal made by the sockets layer. */
  constructor(kernel: Kernel) {
    this.devices = netdev(kernel);
    this.devices.chain.subscribe({
      name: 'packet',
      stage: SOCKET_STAGES.packetPerNs,
      onEvent: (event, dev) => {
        if (event !== 'unregister') return;
        const socks = this.#bound.get(dev);
        if (socks === undefined) return;
        for (const s of [...socks]) s._deviceGone();
      },
    });
  }

  /** AF_PACKET serves other namespaces once `packet-per-ns` is on. */
  stagesFor(): readonly string[] {
    return [SOCKET_STAGES.packetPerNs];
  }

  /**
   * `packet_create`: a raw or datagram packet socket listening for `protocol` (an
   * EtherType in host order; `ETH_P_ALL` for every frame in and out; 0 for nothing
   * until bound with a protocol). No `CAP_NET_RAW` check: netstage has no capabilities.
   *
   * @throws NetError ESOCKTNOSUPPORT for a stream socket; EINVAL for a protocol outside
   *   0..0xffff (netstage's; Linux truncates to 16 bits).
   */
  create(net: Net, type: SocketType, protocol: number): Socket {
    if (type !== 'raw' && type !== 'dgram') throw new NetError('ESOCKTNOSUPPORT', { syscall: 'socket' });
    if (!Number.isInteger(protocol) || protocol < 0 || protocol > 0xffff) throw new NetError('EINVAL', { syscall: 'socket' });
    return new PacketSocket(this, net, type, protocol);
  }

  /**
   * The packet sockets of `net` in the order `/proc/net/packet` lists them: oldest
   * first (`packet_create` appends to `net->packet.sklist`).
   *
   * @remarks
   * `packet_seq_start` walks `net->packet.sklist` (`net/packet/af_packet.c`).
   *
   * @example
   * ```ts
   * import { Kernel } from '@netstage/core-net';
   * import { devicesLayer } from '@netstage/devices';
   * import { ipv4Layer } from '@netstage/ipv4';
   * import { packetProtocol, socketLayer, socketsLayer } from '@netstage/sockets';
   * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
   * const fd = socketLayer(kernel).socket(kernel.initTask, 'packet', 'raw', 3);
   * packetProtocol(kernel).sockets(kernel.initNet)[0]?.refcount; // 3
   * kernel.initTask.close(fd);
   * ```
   */
  sockets(net: Net): PacketSocket[] {
    const out: PacketSocket[] = [];
    for (const s of net.state(SOCK_LIST).list()) if (s instanceof PacketSocket) out.push(s);
    return out;
  }

  /** How many sockets are bound to `dev`. */
  boundTo(dev: NetDevice): number {
    return this.#bound.get(dev)?.size ?? 0;
  }

  /** @internal a socket bound to `dev`; returns the function that forgets it. */
  track(dev: NetDevice, sock: PacketSocket): () => void {
    let set = this.#bound.get(dev);
    if (set === undefined) {
      set = new Set();
      this.#bound.set(dev, set);
    }
    set.add(sock);
    return () => {
      const s = this.#bound.get(dev);
      if (s === undefined) return;
      s.delete(sock);
      if (s.size === 0) this.#bound.delete(dev);
    };
  }
}

/**
 * The AF_PACKET family of a kernel booted with the sockets layer.
 *
 * @throws Error when the sockets layer is not registered.
 */
export function packetProtocol(kernel: Kernel): PacketProtocol {
  return kernel.state(PACKET_FAMILY);
}
