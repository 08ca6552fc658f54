/**
 * The receive dispatch: protocol handlers by EtherType (`dev_add_pack()`,
 * `__netif_receive_skb_core()` in `net/core/dev.c`), and the taps that see every frame
 * in and out (`ptype_all`, `dev_queue_xmit_nit()`).
 *
 * @module
 */

import type { Kernel, Stage } from '@netstage/core-net';
import { CHECKSUM, type NetDevice } from './device.js';
import { ETH_HLEN, ETH_P_ALL, frameDestination, frameEtherType, isMulticastMac } from './wire/ethernet.js';

/** Where a frame was headed, as `skb->pkt_type` (`include/uapi/linux/if_packet.h`). */
export const PACKET = { HOST: 0, BROADCAST: 1, MULTICAST: 2, OTHERHOST: 3, OUTGOING: 4 } as const;

/**
 * A protocol handler on the receive path (`struct packet_type`): IPv4, ARP, a packet
 * socket.
 *
 * @example
 * ```ts
 * import { ETH_P_ARP, type PacketHandler } from '@netstage/devices';
 * const arp: PacketHandler = {
 *   name: 'arp',
 *   etherType: ETH_P_ARP,
 *   receive: (frame, dev, pktType) => { void frame; void dev; void pktType; },
 * };
 * ```
 */
export interface PacketHandler {
  /** For messages. */
  readonly name: string;
  /** The EtherType it takes, or `ETH_P_ALL` for every frame in and out. */
  readonly etherType: number;
  /**
   * The stage that makes it namespace aware: until it is on, frames on devices outside
   * `initNet` are dropped before it and counted (patch 10). Omitted: aware from the start.
   */
  readonly stage?: string;
  /** Only frames of this device, when set (a packet socket bound to an interface). */
  readonly device?: NetDevice;
  /**
   * Take a frame. `frame` is the whole Ethernet frame; it belongs to the stack and may be
   * reused after the call returns. `pktType` is one of {@link PACKET}; `ipSummed` is the
   * frame's {@link CHECKSUM} state from its sender. Must not throw.
   */
  receive(frame: Uint8Array, dev: NetDevice, pktType: number, ipSummed: number): void;
}

interface Entry {
  readonly handler: PacketHandler;
  readonly stage: Stage | undefined;
}

/**
 * One kernel's protocol handlers. Lookups are one `Map` read by EtherType: the cost does
 * not grow with the number of namespaces or devices.
 */
export class PacketHandlers {
  readonly #kernel: Kernel;
  readonly #rxStage: Stage;
  readonly #byType = new Map<number, Entry[]>();
  #all: Entry[] = [];

  /** @internal one per kernel, made by the devices layer. */
  constructor(kernel: Kernel, rxStage: Stage) {
    this.#kernel = kernel;
    this.#rxStage = rxStage;
  }

  /** How many handlers are registered. */
  get size(): number {
    let n = this.#all.length;
    for (const list of this.#byType.values()) n += list.length;
    return n;
  }

  /**
   * Register a handler (`dev_add_pack`); returns the function that removes it.
   *
   * @throws ManifestError when the handler names a stage the kernel does not have.
   */
  add(handler: PacketHandler): () => void {
    const stage = handler.stage === undefined ? undefined : this.#kernel.manifest.stage(handler.stage);
    const entry: Entry = { handler, stage };
    if (handler.etherType === ETH_P_ALL) {
      this.#all = [...this.#all, entry];
      return () => {
        this.#all = this.#all.filter((e) => e !== entry);
      };
    }
    const list = this.#byType.get(handler.etherType) ?? [];
    this.#byType.set(handler.etherType, [...list, entry]);
    return () => {
      const now = (this.#byType.get(handler.etherType) ?? []).filter((e) => e !== entry);
      if (now.length === 0) this.#byType.delete(handler.etherType);
      else this.#byType.set(handler.etherType, now);
    };
  }

  /**
   * Dispatch a received frame of `dev` (already counted as received). Frames too short
   * to hold an Ethernet header must be rejected before this.
   */
  dispatch(frame: Uint8Array, dev: NetDevice, ipSummed: number = CHECKSUM.NONE): void {
    const net = dev.net;
    const stages = this.#kernel.stages;
    if (!net.isInit && !stages.gate(this.#rxStage, net)) return;
    const pktType = packetType(frame, dev);
    let taken = false;
    for (const e of this.#all) {
      if (deliver(e, frame, dev, pktType, stages, ipSummed)) taken = true;
    }
    const list = this.#byType.get(frameEtherType(frame));
    if (list !== undefined) {
      for (const e of list) {
        if (deliver(e, frame, dev, pktType, stages, ipSummed)) taken = true;
      }
    }
    // Nobody bound to this frame: __netif_receive_skb_core counts it in rx_dropped.
    if (!taken) dev._countUnclaimed();
  }

  /** Show an outgoing frame to the `ETH_P_ALL` handlers (`dev_queue_xmit_nit`). */
  outgoing(frame: Uint8Array, dev: NetDevice): void {
    if (this.#all.length === 0) return;
    const net = dev.net;
    const stages = this.#kernel.stages;
    if (!net.isInit && !stages.gate(this.#rxStage, net)) return;
    for (const e of this.#all) deliver(e, frame, dev, PACKET.OUTGOING, stages, CHECKSUM.NONE);
  }
}

/**
 * Hand a frame to one handler. Returns whether the handler claims it — also when the
 * handler's stage gate refuses it: an unconverted handler took the frame and dropped it
 * (`goto drop` in v2.6.24's `ip_rcv`), which the gate counts.
 */
function deliver(e: Entry, frame: Uint8Array, dev: NetDevice, pktType: number, stages: Kernel['stages'], ipSummed: number): boolean {
  const h = e.handler;
  if (h.device !== undefined && h.device !== dev) return false;
  if (e.stage === undefined || stages.gate(e.stage, dev.net)) h.receive(frame, dev, pktType, ipSummed);
  return true;
}

/** `eth_type_trans()`'s classification of a received frame. */
function packetType(frame: Uint8Array, dev: NetDevice): number {
  if (frame.length < ETH_HLEN) return PACKET.OTHERHOST;
  const dst = frameDestination(frame);
  if (isMulticastMac(dst)) return dst === dev.broadcast ? PACKET.BROADCAST : PACKET.MULTICAST;
  return dst === dev.mac ? PACKET.HOST : PACKET.OTHERHOST;
}
