/**
 * `NetDevice` and its drivers: loopback, veth, dummy, and a NIC with a wire the tests
 * (and later the playground) inject into and drain from.
 *
 * @module
 */

import type { Kernel, Net } from '@netstage/core-net';
import { STAT, STAT_COUNT } from './counters.js';
import { IFF, type OperState } from './flags.js';
import { ETH_HLEN, MAC_BROADCAST, MAC_ZERO } from './wire/ethernet.js';

/** The device drivers netstage has. */
export type DeviceKind = 'loopback' | 'veth' | 'dummy' | 'nic';

/** The link layer a device speaks, as `ip link` names it (`link/ether`, `link/loopback`). */
export type LinkType = 'ether' | 'loopback';

/** A frame seen by a device's capture tap. */
export interface CapturedFrame {
  /** Virtual time (ms) when the device saw it. */
  readonly time: number;
  /** `in` for received, `out` for transmitted. */
  readonly direction: 'in' | 'out';
  /** A copy of the frame's bytes. */
  readonly bytes: Uint8Array;
}

/** The hooks a device calls into the core; the devices layer provides them. */
export interface DeviceCore {
  /**
   * A frame arrived on `dev`: queue it for the receive dispatch at this instant, with
   * its {@link CHECKSUM} state.
   */
  netifRx(dev: NetDevice, frame: Uint8Array, ipSummed: number): void;
  /** Show an outgoing frame to the taps. */
  transmitted(dev: NetDevice, frame: Uint8Array): void;
  /** The device's carrier changed (`netif_carrier_on/off`): recompute and announce. */
  carrierChanged(dev: NetDevice): void;
}

/**
 * One entry of a device's hardware multicast list, as `/proc/net/dev_mcast` prints it.
 *
 * @remarks
 * `struct netdev_hw_addr` (`include/linux/netdevice.h`) on `dev->mc`.
 *
 * @example
 * ```ts
 * import type { MulticastEntry } from '@netstage/devices';
 * const allHosts: MulticastEntry = { address: 0x01005e000001, users: 1, globalUse: 0 };
 * allHosts.users; // 1
 * ```
 */
export interface MulticastEntry {
  /** The link-layer group address, a 48-bit number. */
  readonly address: number;
  /** How many joins hold it (`refcount`). */
  readonly users: number;
  /** How many of those are global joins (`global_use`; 0 for the joins netstage makes). */
  readonly globalUse: number;
}


/**
 * What a frame's sender vouches for about its transport checksum (`skb->ip_summed`),
 * carried with the frame across veth and loopback to the receive path: `NONE` — verify
 * it; `UNNECESSARY` — the sending stack computed it a moment ago, so the receiver need
 * not (`CHECKSUM_UNNECESSARY`; Linux sends `CHECKSUM_PARTIAL` over these devices and
 * `skb_csum_unnecessary` lets the receiver skip the check).
 *
 * @remarks
 * `include/linux/skbuff.h` (the ip_summed states); `drivers/net/veth.c` and
 * `drivers/net/loopback.c` advertise `NETIF_F_HW_CSUM`. netstage still writes every
 * checksum, so frames captured anywhere carry correct ones (DESIGN.md §6).
 *
 * @example
 * ```ts
 * import { CHECKSUM } from '@netstage/devices';
 * CHECKSUM.UNNECESSARY; // 1
 * ```
 */
export const CHECKSUM = { NONE: 0, UNNECESSARY: 1 } as const;

/** Most frames a capture tap keeps (oldest dropped first). */
export const CAPTURE_LIMIT = 10_000;

/**
 * A network device: a name and an ifindex unique in its namespace, flags, MTU, MAC,
 * counters, and the namespace it is in — a plain pointer, not a counted reference,
 * as `dev_net()` is: a device never outlives its namespace, it is moved or deleted
 * first.
 *
 * Created and configured through the devices layer (`registerNetdevice`, the link
 * control surface); the fields here are read-only to everyone else.
 *
 * Every namespace has a `lo`, so a device at rest is kept small: what a driver fixes
 * (kind, link type, MTU range, `txqueuelen`) lives on its class, not in each device, and
 * the counters, the multicast list, the receive backlog and the capture tap are created
 * when first used.
 *
 * @remarks
 * `struct net_device` (`include/linux/netdevice.h`).
 */
export abstract class NetDevice {
  /** The driver. */
  abstract readonly kind: DeviceKind;
  /** The link layer. */
  abstract readonly linkType: LinkType;
  /** Whether it is a virtual device with link ops (`rtnl_link_ops`): deleted with its namespace since v2.6.29. */
  abstract readonly virtual: boolean;
  /** Smallest MTU accepted. */
  abstract readonly minMtu: number;
  /** Largest MTU accepted. */
  abstract readonly maxMtu: number;

  #name: string;
  #ifindex = 0;
  #net: Net;
  #mtu: number;
  #mac: number;
  #up = false;
  #everUp = false;
  #operstate: OperState = 'UNKNOWN';
  #registered = false;
  /** Counters, created by the first count (see {@link NetDevice.stats}). */
  #stats: Float64Array | undefined;
  #capture: CapturedFrame[] | undefined;
  /** `dev->mc`, created by the first join and dropped with the last leave. */
  #mc: { address: number; users: number }[] | undefined;
  /** A ring of frames waiting for the dispatch, created by the first frame. */
  #backlog: (Uint8Array | undefined)[] | undefined;
  /** Each waiting frame's {@link CHECKSUM} state, in the ring's slots. */
  #backlogSummed: Uint8Array | undefined;
  #backlogHead = 0;
  #backlogSize = 0;
  #core: DeviceCore;

  /** @internal drivers only. */
  protected constructor(core: DeviceCore, net: Net, name: string, mtu: number, mac: number) {
    this.#core = core;
    this.#net = net;
    this.#name = name;
    this.#mtu = mtu;
    this.#mac = mac;
  }

  /** Whether it may never leave its namespace (`NETIF_F_NETNS_LOCAL`). */
  get netnsLocal(): boolean {
    return false;
  }

  /** `txqueuelen`. */
  get txQueueLen(): number {
    return 1000;
  }

  /** The kernel it belongs to: its namespace's. */
  get kernel(): Kernel {
    return this.#net.kernel;
  }

  /**
   * Counters, indexed by {@link STAT}. A device that has counted nothing yet has no
   * array: reading this property creates it, all zeros. Readers that only look should
   * prefer {@link NetDevice.getStats}, which creates nothing.
   */
  get stats(): Float64Array {
    return (this.#stats ??= new Float64Array(STAT_COUNT));
  }

  /**
   * A copy of the counters, indexed by {@link STAT}: all zeros for a device that has
   * counted nothing yet.
   *
   * @remarks
   * `dev_get_stats()` (`net/core/dev.c`), which fills the caller's storage.
   */
  getStats(): Float64Array {
    return this.#stats?.slice() ?? new Float64Array(STAT_COUNT);
  }

  /** Interface name, unique in its namespace. */
  get name(): string {
    return this.#name;
  }

  /** Interface index, unique in its namespace (0 until registered). */
  get ifindex(): number {
    return this.#ifindex;
  }

  /** The namespace it is in. */
  get net(): Net {
    return this.#net;
  }

  /** MTU in bytes. */
  get mtu(): number {
    return this.#mtu;
  }

  /** MAC address as a 48-bit number. */
  get mac(): number {
    return this.#mac;
  }

  /** Link-layer broadcast address. */
  get broadcast(): number {
    return this.linkType === 'loopback' ? MAC_ZERO : MAC_BROADCAST;
  }

  /** Whether it is administratively up (`IFF_UP`). */
  get up(): boolean {
    return this.#up;
  }

  /** Whether it is in its namespace's device list. */
  get registered(): boolean {
    return this.#registered;
  }

  /** Whether the link below is there (`netif_carrier_ok`), ignoring whether it is up. */
  abstract get carrier(): boolean;

  /** Flags that do not depend on state (`BROADCAST`, `MULTICAST`, `LOOPBACK`, `NOARP`). */
  protected abstract get baseFlags(): number;

  /**
   * The flags `ip link` shows (`dev_get_flags()`): the base flags, plus `UP`, and while
   * up `RUNNING` (operationally up) and `LOWER_UP` (carrier).
   */
  get flags(): number {
    let f = this.baseFlags;
    if (this.#up) {
      f |= IFF.UP;
      if (this.carrier) f |= IFF.LOWER_UP;
      if (this.#operstate === 'UP' || this.#operstate === 'UNKNOWN') f |= IFF.RUNNING;
    }
    return f;
  }

  /**
   * RFC 2863 operational state, as `ip link` prints after `state`: `DOWN` while down,
   * else the state link-watch last computed — `UNKNOWN` for a device whose driver never
   * reports carrier (lo, dummy).
   *
   * @remarks
   * `rtnl_fill_ifinfo()` reports `IF_OPER_DOWN` for a device that is not running, else
   * `dev->operstate`, which `linkwatch_do_dev()` sets from `default_operstate()`.
   */
  get operstate(): OperState {
    return this.#up ? this.#operstate : 'DOWN';
  }

  /** The ifindex of the device below, as `dev_get_iflink()`: a veth's peer; else its own. */
  get iflink(): number {
    return this.#ifindex;
  }

  /**
   * The queueing discipline `ip link` shows: `noop` until the device is first brought
   * up, then `noqueue` (these drivers set `IFF_NO_QUEUE`), kept after it goes down
   * again; a new registration (a move) starts from `noop` again.
   */
  get qdisc(): string {
    return this.#everUp ? 'noqueue' : 'noop';
  }

  /**
   * Transmit a whole Ethernet frame (`dev_queue_xmit` → `dev_hard_start_xmit`): shown to
   * the taps, handed to the driver, counted by it. Returns whether it was taken. Never
   * throws. A device that is down or has no carrier drops the frame in its qdisc without
   * counting it in the device's counters.
   *
   * `ipSummed` says what the sender vouches for (`skb->ip_summed`): the stack passes
   * {@link CHECKSUM}.UNNECESSARY for a datagram whose checksums it has just computed
   * itself, anyone else {@link CHECKSUM}.NONE (the default). veth and loopback carry it to
   * the receiving side, where UDP then skips verifying its checksum, as Linux does for
   * a CHECKSUM_PARTIAL skb crossing veth or lo (`skb_csum_unnecessary`). Unlike Linux
   * the checksum is always written, so every captured frame carries a correct one.
   */
  transmit(frame: Uint8Array, ipSummed: number = CHECKSUM.NONE): boolean {
    // Without carrier link-watch has swapped in the noop qdisc: the frame is dropped
    // there, before the taps and the driver, and the device counts nothing.
    if (!this.#up || !this.carrier) return false;
    this.#capture?.push({ time: this.kernel.clock.now, direction: 'out', bytes: frame.slice() });
    trimCapture(this.#capture);
    this.#core.transmitted(this, frame);
    return this.xmit(frame, ipSummed);
  }

  /** The driver's transmit (`ndo_start_xmit`), with the frame's {@link CHECKSUM} state. */
  protected abstract xmit(frame: Uint8Array, ipSummed: number): boolean;

  /**
   * Start keeping a copy of every frame in and out (at most {@link CAPTURE_LIMIT}),
   * with virtual timestamps, for inspection or pcap export.
   */
  startCapture(): void {
    this.#capture ??= [];
  }

  /** Stop capturing and return what was captured. */
  stopCapture(): CapturedFrame[] {
    const frames = this.#capture ?? [];
    this.#capture = undefined;
    return frames;
  }

  /** What the capture tap holds so far. */
  captured(): readonly CapturedFrame[] {
    return this.#capture ?? [];
  }

  /**
   * The hardware multicast list in the order the groups were first joined, as
   * `dev_mc_add` keeps it (`/proc/net/dev_mcast` prints it in this order).
   *
   * @remarks
   * `dev->mc` (`net/core/dev_addr_lists.c`).
   */
  multicastList(): readonly MulticastEntry[] {
    return this.#mc?.map((e) => ({ address: e.address, users: e.users, globalUse: 0 })) ?? [];
  }

  /**
   * `dev_mc_add`: join a link-layer group; a second join of the same address only counts
   * another user.
   */
  mcAdd(address: number): void {
    const mc = (this.#mc ??= []);
    const e = mc.find((x) => x.address === address);
    if (e === undefined) mc.push({ address, users: 1 });
    else e.users++;
  }

  /** `dev_mc_del`: drop one user of a group; the entry goes with its last user. Unknown addresses are ignored. */
  mcDel(address: number): void {
    const mc = this.#mc;
    if (mc === undefined) return;
    const i = mc.findIndex((x) => x.address === address);
    const e = mc[i];
    if (e === undefined) return;
    if (--e.users === 0) {
      mc.splice(i, 1);
      if (mc.length === 0) this.#mc = undefined;
    }
  }

  /** @internal the layer only: `dev_mc_flush`, when the device leaves its namespace. */
  _mcFlush(): void {
    this.#mc = undefined;
  }

  /** Add to a counter, creating the counters on the first count. */
  protected count(stat: number, by = 1): void {
    const stats = (this.#stats ??= new Float64Array(STAT_COUNT));
    stats[stat] = (stats[stat] ?? 0) + by;
  }

  /** A frame arrives from the link below: queue it for the dispatch (`netif_rx`). */
  protected deliverToStack(frame: Uint8Array, ipSummed: number = CHECKSUM.NONE): boolean {
    if (!this.#up) {
      this.count(STAT.rx_dropped);
      return false;
    }
    if (frame.length < ETH_HLEN) {
      this.count(STAT.rx_errors);
      this.count(STAT.rx_length_errors);
      return false;
    }
    this.#core.netifRx(this, frame, ipSummed);
    return true;
  }

  /** @internal the layer only: the backlog of frames waiting for the dispatch. */
  _enqueueBacklog(frame: Uint8Array, limit: number, ipSummed: number = CHECKSUM.NONE): 'first' | 'queued' | 'full' {
    // enqueue_to_backlog accepts while qlen <= netdev_max_backlog: limit + 1 frames fit.
    if (this.#backlogSize > limit) {
      this.count(STAT.rx_dropped);
      return 'full';
    }
    let ring = this.#backlog;
    if (ring === undefined || this.#backlogSize === ring.length) {
      // Create the ring (16 slots) or double it, oldest frame first.
      const old = ring ?? [];
      const oldSummed = this.#backlogSummed;
      ring = new Array<Uint8Array | undefined>(Math.max(16, old.length * 2));
      const summed = new Uint8Array(ring.length);
      for (let k = 0; k < this.#backlogSize; k++) {
        const from = (this.#backlogHead + k) % old.length;
        ring[k] = old[from];
        summed[k] = oldSummed?.[from] ?? CHECKSUM.NONE;
      }
      this.#backlog = ring;
      this.#backlogSummed = summed;
      this.#backlogHead = 0;
    }
    const slot = (this.#backlogHead + this.#backlogSize) % ring.length;
    ring[slot] = frame;
    (this.#backlogSummed as Uint8Array)[slot] = ipSummed;
    this.#backlogSize++;
    return this.#backlogSize === 1 ? 'first' : 'queued';
  }

  /** @internal the layer only: the {@link CHECKSUM} state of the oldest waiting frame (read before taking it). */
  _backlogHeadSummed(): number {
    return this.#backlogSummed?.[this.#backlogHead] ?? CHECKSUM.NONE;
  }

  /** @internal the layer only: take the oldest waiting frame. */
  _dequeueBacklog(): Uint8Array | undefined {
    const ring = this.#backlog;
    if (ring === undefined || this.#backlogSize === 0) return undefined;
    const frame = ring[this.#backlogHead];
    ring[this.#backlogHead] = undefined;
    this.#backlogHead = (this.#backlogHead + 1) % ring.length;
    this.#backlogSize--;
    return frame;
  }

  /** Frames waiting for the receive dispatch. */
  get backlog(): number {
    return this.#backlogSize;
  }

  /** @internal the layer only: a frame is handed to the dispatch; count and capture it. */
  _received(frame: Uint8Array, multicast: boolean): void {
    this.count(STAT.rx_packets);
    // loopback_xmit counts skb->len after eth_type_trans pulled the Ethernet header.
    this.count(STAT.rx_bytes, this.linkType === 'loopback' ? frame.length - ETH_HLEN : frame.length);
    if (multicast) this.count(STAT.multicast);
    this.#capture?.push({ time: this.kernel.clock.now, direction: 'in', bytes: frame.slice() });
    trimCapture(this.#capture);
  }

  /** @internal the dispatch only: nobody took the frame. */
  _countUnclaimed(): void {
    this.count(STAT.rx_dropped);
  }

  /** @internal the layer only. */
  _register(net: Net, name: string, ifindex: number): void {
    this.#net = net;
    this.#name = name;
    this.#ifindex = ifindex;
    this.#registered = true;
    this.#everUp = false;
  }

  /** @internal link-watch only: the state `default_operstate()` computed. */
  _setOperstate(state: OperState): void {
    this.#operstate = state;
  }

  /** @internal the layer only. */
  _unlist(): void {
    this.#registered = false;
    this.#backlog = undefined;
    this.#backlogSummed = undefined;
    this.#backlogHead = 0;
    this.#backlogSize = 0;
  }

  /** @internal the layer only. */
  _setName(name: string): void {
    this.#name = name;
  }

  /** @internal the layer only. */
  _setMtu(mtu: number): void {
    this.#mtu = mtu;
  }

  /** @internal the layer only. */
  _setMac(mac: number): void {
    this.#mac = mac;
  }

  /** @internal the layer only; returns whether it changed. */
  _setUp(up: boolean): boolean {
    if (this.#up === up) return false;
    this.#up = up;
    if (up) this.#everUp = true;
    return true;
  }

  /** The core's hooks, for drivers. */
  protected get core(): DeviceCore {
    return this.#core;
  }
}

/**
 * Keep a capture to its last {@link CAPTURE_LIMIT} frames. A function, not a private
 * method: a class with private methods stamps a brand on every instance, one more word
 * in every device.
 */
function trimCapture(c: CapturedFrame[] | undefined): void {
  if (c !== undefined && c.length > CAPTURE_LIMIT) c.splice(0, c.length - CAPTURE_LIMIT);
}

/**
 * `lo` (`drivers/net/loopback.c`): every frame sent is received again by itself.
 * Immutable namespace, MTU 65536, all-zero MAC, `LOOPBACK` flag, state `UNKNOWN` when up.
 */
export class LoopbackDevice extends NetDevice {
  get kind(): 'loopback' {
    return 'loopback';
  }

  get linkType(): 'loopback' {
    return 'loopback';
  }

  get virtual(): boolean {
    return false;
  }

  override get netnsLocal(): boolean {
    return true;
  }

  get minMtu(): number {
    return 0;
  }

  get maxMtu(): number {
    return 0x7fffffff;
  }

  /** @internal the devices layer creates one per namespace. */
  constructor(core: DeviceCore, net: Net) {
    super(core, net, 'lo', 65536, MAC_ZERO);
  }

  get carrier(): boolean {
    return true;
  }

  protected get baseFlags(): number {
    return IFF.LOOPBACK;
  }

  protected xmit(frame: Uint8Array, ipSummed: number): boolean {
    // loopback_xmit counts skb->len after eth_type_trans: the IP datagram, no Ethernet header.
    this.count(STAT.tx_packets);
    this.count(STAT.tx_bytes, frame.length - ETH_HLEN);
    return this.deliverToStack(frame, ipSummed);
  }
}

/**
 * `dummy` (`drivers/net/dummy.c`): a virtual device that counts what it is given and
 * discards it. `BROADCAST,NOARP`; state `UNKNOWN` when up.
 */
export class DummyDevice extends NetDevice {
  get kind(): 'dummy' {
    return 'dummy';
  }

  get linkType(): 'ether' {
    return 'ether';
  }

  get virtual(): boolean {
    return true;
  }

  get minMtu(): number {
    return 0;
  }

  get maxMtu(): number {
    return 0;
  }

  /** @internal created through the link control surface. */
  constructor(core: DeviceCore, net: Net, name: string, mac: number) {
    super(core, net, name, 1500, mac);
  }

  get carrier(): boolean {
    return true;
  }

  protected get baseFlags(): number {
    return IFF.BROADCAST | IFF.NOARP;
  }

  protected xmit(frame: Uint8Array): boolean {
    this.count(STAT.tx_packets);
    this.count(STAT.tx_bytes, frame.length);
    return true;
  }
}

/**
 * One end of a veth pair (`drivers/net/veth.c`): what one end sends, the other
 * receives, through the event queue. Carrier only while both ends are up; up with the
 * peer down it is `NO-CARRIER`, state `LOWERLAYERDOWN`.
 */
export class VethDevice extends NetDevice {
  #peer: VethDevice | undefined;

  get kind(): 'veth' {
    return 'veth';
  }

  get linkType(): 'ether' {
    return 'ether';
  }

  get virtual(): boolean {
    return true;
  }

  get minMtu(): number {
    return 68;
  }

  get maxMtu(): number {
    return 65535;
  }

  /** @internal created in pairs through the link control surface. */
  constructor(core: DeviceCore, net: Net, name: string, mac: number) {
    super(core, net, name, 1500, mac);
  }

  /** The other end (undefined once the pair is destroyed). */
  get peer(): VethDevice | undefined {
    return this.#peer;
  }

  /** @internal pairs two ends. */
  static _pair(a: VethDevice, b: VethDevice): void {
    a.#peer = b;
    b.#peer = a;
  }

  /** @internal the pair is being destroyed. */
  _unpair(): void {
    this.#peer = undefined;
  }

  /** `veth_open` turns both carriers on when the other end is up; `veth_close` turns both off. */
  get carrier(): boolean {
    return this.up && this.#peer?.up === true;
  }

  /** The peer's ifindex (in the peer's namespace), as `veth_get_iflink`. */
  override get iflink(): number {
    return this.#peer?.ifindex ?? this.ifindex;
  }

  protected get baseFlags(): number {
    return IFF.BROADCAST | IFF.MULTICAST;
  }

  protected xmit(frame: Uint8Array, ipSummed: number): boolean {
    const peer = this.#peer;
    // Only reached with carrier, so the peer is there and up; is_skb_forwardable()
    // still refuses a frame too long for it: rx_dropped there, dropped here.
    if (peer === undefined || frame.length > peer.mtu + ETH_HLEN) {
      this.count(STAT.tx_dropped);
      peer?.count(STAT.rx_dropped);
      return false;
    }
    this.count(STAT.tx_packets);
    this.count(STAT.tx_bytes, frame.length);
    return peer.deliverToStack(frame, ipSummed);
  }
}

/**
 * A NIC with a wire: frames it sends wait in an out-queue the test (or a simulated
 * switch) drains; frames put on the wire with {@link NicDevice.inject} arrive as if
 * received. The kind a kernel can be booted with (`eth0`, `eth1`), and the one that
 * goes back to `initNet` when its namespace exits.
 */
export class NicDevice extends NetDevice {
  #carrier = true;
  #outbox: Uint8Array[] = [];

  get kind(): 'nic' {
    return 'nic';
  }

  get linkType(): 'ether' {
    return 'ether';
  }

  get virtual(): boolean {
    return false;
  }

  get minMtu(): number {
    return 68;
  }

  get maxMtu(): number {
    return 9000;
  }

  /** @internal created at boot by the devices layer. */
  constructor(core: DeviceCore, net: Net, name: string, mac: number) {
    super(core, net, name, 1500, mac);
  }

  /** The driver reports carrier once it is open and the cable is in. */
  get carrier(): boolean {
    return this.up && this.#carrier;
  }

  /** Whether the cable is in. */
  get plugged(): boolean {
    return this.#carrier;
  }

  /** Plug or unplug the cable. */
  setCarrier(on: boolean): void {
    if (this.#carrier === on) return;
    this.#carrier = on;
    if (this.up) this.core.carrierChanged(this);
  }

  protected get baseFlags(): number {
    return IFF.BROADCAST | IFF.MULTICAST;
  }

  /** A frame arrives on the wire. Returns whether it was accepted (up, carrier, long enough, within MTU). */
  inject(frame: Uint8Array): boolean {
    if (!this.carrier) return false;
    if (frame.length > this.mtu + ETH_HLEN) {
      this.count(STAT.rx_errors);
      this.count(STAT.rx_length_errors);
      return false;
    }
    return this.deliverToStack(frame);
  }

  /** Take every frame sent since the last drain. */
  drain(): Uint8Array[] {
    const out = this.#outbox;
    this.#outbox = [];
    return out;
  }

  protected xmit(frame: Uint8Array): boolean {
    if (this.#outbox.length >= this.txQueueLen) {
      this.count(STAT.tx_dropped);
      return false;
    }
    this.count(STAT.tx_packets);
    this.count(STAT.tx_bytes, frame.length);
    this.#outbox.push(frame.slice());
    return true;
  }
}
