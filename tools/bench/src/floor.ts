/**
 * The floor (issue 8 item 7): only the unavoidable work of one datagram's journey, in
 * the same process, as a limit the UDP rows are shown against. Per datagram: allocate
 * its bytes (the one allocation DESIGN.md §6 allows, with the allocator netstage's
 * packets use, `allocPacketBuffer`), write an Ethernet header, an IPv4
 * header with its checksum (Linux always computes and verifies it) and a UDP header,
 * copy the 64-byte payload in (the `sendmsg` copy), push it onto a FIFO, pop it, verify
 * the IPv4 checksum and read the headers back (addresses, protocol, lengths, ports), and
 * take the payload as a view. No routing, no neighbour lookup, no socket lookup, no
 * counters: whatever netstage spends beyond this is the price of being a stack.
 *
 * @module
 */

import { allocPacketBuffer } from '@netstage/core-net';
import { cpuMicros as processCpuMicros, perCpuSecond } from './cpu-time.js';

/** What one run measures. */
export interface FloorResult {
  /** Datagrams written. */
  readonly datagrams: number;
  /** Datagrams read back with good headers and the right payload length. */
  readonly delivered: number;
  /** CPU time of the loop, in milliseconds. */
  readonly cpuMs: number;
  /** `delivered` per second of `cpuMs`. */
  readonly perCpuSecond: number;
}

const ETH = 14;
const IP = 20;
const UDP = 8;

/** A fixed-size FIFO of packets: the one queue a packet crosses. */
class PacketRing {
  readonly #slots: (Uint8Array | undefined)[];
  #head = 0;
  #tail = 0;
  #length = 0;

  constructor(capacity: number) {
    this.#slots = new Array<Uint8Array | undefined>(capacity).fill(undefined);
  }

  get length(): number {
    return this.#length;
  }

  push(p: Uint8Array): void {
    this.#slots[this.#tail] = p;
    this.#tail = (this.#tail + 1) % this.#slots.length;
    this.#length++;
  }

  pop(): Uint8Array {
    const p = this.#slots[this.#head] as Uint8Array;
    this.#slots[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#slots.length;
    this.#length--;
    return p;
  }
}

/** The ones' complement sum of the 20-byte IPv4 header at `at`, folded, complemented. */
function headerChecksum(b: Uint8Array, at: number): number {
  let sum = 0;
  for (let i = at; i < at + IP; i += 2) sum += (b[i] as number) * 256 + (b[i + 1] as number);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Write one datagram's frame from `src:sport` to `dst:dport` carrying `payload`. */
function writeFrame(payload: Uint8Array, src: number, dst: number, sport: number, dport: number): Uint8Array {
  const b = allocPacketBuffer(ETH + IP + UDP + payload.length);
  // Ethernet: destination and source MAC (locally administered), type IPv4.
  b[0] = 0x02;
  b[5] = 0x02;
  b[6] = 0x02;
  b[11] = 0x01;
  b[12] = 0x08;
  b[13] = 0x00;
  const total = IP + UDP + payload.length;
  b[14] = 0x45;
  b[16] = total >>> 8;
  b[17] = total & 0xff;
  b[20] = 0x40; // DF
  b[22] = 64; // TTL
  b[23] = 17; // UDP
  b[26] = src >>> 24;
  b[27] = (src >>> 16) & 0xff;
  b[28] = (src >>> 8) & 0xff;
  b[29] = src & 0xff;
  b[30] = dst >>> 24;
  b[31] = (dst >>> 16) & 0xff;
  b[32] = (dst >>> 8) & 0xff;
  b[33] = dst & 0xff;
  const sum = headerChecksum(b, ETH);
  b[24] = sum >>> 8;
  b[25] = sum & 0xff;
  const u = ETH + IP;
  const ulen = UDP + payload.length;
  b[u] = sport >>> 8;
  b[u + 1] = sport & 0xff;
  b[u + 2] = dport >>> 8;
  b[u + 3] = dport & 0xff;
  b[u + 4] = ulen >>> 8;
  b[u + 5] = ulen & 0xff;
  b.set(payload, u + UDP);
  return b;
}

/** Read a frame back as a receiver must; the payload length, or -1 when a check fails. */
function readFrame(b: Uint8Array, dst: number, dport: number): number {
  if (b[12] !== 0x08 || b[13] !== 0x00) return -1;
  if (b[14] !== 0x45 || b[23] !== 17 || headerChecksum(b, ETH) !== 0) return -1;
  const total = ((b[16] as number) << 8) | (b[17] as number);
  if (total > b.length - ETH) return -1;
  const to = (((b[30] as number) << 24) | ((b[31] as number) << 16) | ((b[32] as number) << 8) | (b[33] as number)) >>> 0;
  if (to !== dst) return -1;
  const u = ETH + IP;
  if ((((b[u + 2] as number) << 8) | (b[u + 3] as number)) !== dport) return -1;
  const ulen = ((b[u + 4] as number) << 8) | (b[u + 5] as number);
  if (ulen < UDP || ulen > total - IP) return -1;
  return b.subarray(u + UDP, u + ulen).length;
}

/**
 * Run the floor once: `datagrams` 64-byte datagrams, pushed in batches of 128 and popped.
 *
 * @example
 * ```ts
 * import { floorBench } from './floor.js';
 * floorBench({ datagrams: 1000 }).delivered; // 1000
 * ```
 */
export function floorBench(options: { readonly datagrams: number; readonly cpuMicros?: () => number }): FloorResult {
  const cpuMicros = options.cpuMicros ?? processCpuMicros;
  const batch = 128;
  const ring = new PacketRing(batch);
  const payload = new Uint8Array(64).fill(0x5a);
  const src = 0x0ac80001;
  const dst = 0x0ac80002;
  let delivered = 0;
  const start = cpuMicros();
  for (let sent = 0; sent < options.datagrams; ) {
    const n = Math.min(batch, options.datagrams - sent);
    for (let i = 0; i < n; i++) ring.push(writeFrame(payload, src, dst, 40000, 4000));
    sent += n;
    while (ring.length > 0) if (readFrame(ring.pop(), dst, 4000) === payload.length) delivered++;
  }
  const cpuMs = (cpuMicros() - start) / 1000;
  return { datagrams: options.datagrams, delivered, cpuMs, perCpuSecond: perCpuSecond(delivered, cpuMs) };
}
