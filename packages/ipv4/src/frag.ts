/**
 * IPv4 fragmentation and reassembly: splitting a datagram too large for a link into
 * fragments on output, and putting fragments back together on input.
 *
 * {@link fragmentDatagram} is stateless: the slow path of `ip_do_fragment()` in
 * `net/ipv4/ip_output.c`, for datagrams with a 20-byte header. {@link Reassembler} keeps
 * state — one per namespace, as Linux keeps one `fqdir` per `struct net` — and mirrors
 * `ip_defrag()` in `net/ipv4/ip_fragment.c` on top of the queue machinery of
 * `net/ipv4/inet_fragment.c` (`inet_frag_find`, `inet_frag_queue_insert`,
 * `inet_frag_kill`). Time is the namespace's {@link VirtualClock}; nothing here reads the
 * wall clock.
 *
 * Neither counts into the MIB itself: the stack counts `FragOKs`, `FragCreates` and
 * `FragFails` around {@link fragmentDatagram}, and copies the {@link Reassembler}'s
 * counters, named after `ReasmReqds`, `ReasmOKs`, `ReasmFails` and `ReasmTimeout`.
 *
 * @module
 */

import type { Timer, VirtualClock } from '@netstage/core-net';
import { internetChecksum, readIpv4 } from './wire/checksum.js';
import { IPV4_HEADER_LENGTH, fragmentOffsets } from './wire/ipv4.js';

// ---------------------------------------------------------------------------------------
// Header fields (struct iphdr, include/uapi/linux/ip.h; flags from include/net/ip.h)
// ---------------------------------------------------------------------------------------

/** `tos`: the low 2 bits are ECN. */
const TOS = 1;
/** `tot_len`, 2 bytes big-endian. */
const TOTAL_LENGTH = 2;
/** `id`, 2 bytes big-endian. */
const IDENTIFICATION = 4;
/** `frag_off`: flags and offset in 8-byte units, 2 bytes big-endian. */
const FRAGMENT = 6;
/** `protocol`, 1 byte. */
const PROTOCOL = 9;
/** `check`, 2 bytes big-endian. */
const CHECKSUM = 10;
/** `saddr`, 4 bytes. */
const SOURCE = 12;
/** `daddr`, 4 bytes. */
const DESTINATION = 16;

/** "Don't fragment" (`IP_DF`). */
const IP_DF = 0x4000;
/** "More fragments" (`IP_MF`). */
const IP_MF = 0x2000;
/** The offset bits of `frag_off`, in 8-byte units (`IP_OFFSET`). */
const IP_OFFSET = 0x1fff;
/** The largest total length: the field is 16 bits. */
const IP_MAX_TOTAL_LENGTH = 0xffff;

/** The byte at `index`, bounds-checked by the caller. */
function octet(bytes: Uint8Array, index: number): number {
  return bytes[index] ?? 0;
}

/** The big-endian 16-bit word at `index`, bounds-checked by the caller. */
function word(bytes: Uint8Array, index: number): number {
  return (octet(bytes, index) << 8) | octet(bytes, index + 1);
}

/** Writes a big-endian 16-bit word at `index`. */
function setWord(bytes: Uint8Array, index: number, value: number): void {
  bytes[index] = value >>> 8;
  bytes[index + 1] = value & 0xff;
}

/** Zeroes the checksum of the 20-byte header at `offset` and fills it in (`ip_send_check`). */
function sendCheck(bytes: Uint8Array, offset: number): void {
  setWord(bytes, offset + CHECKSUM, 0);
  setWord(bytes, offset + CHECKSUM, internetChecksum(bytes, offset, IPV4_HEADER_LENGTH));
}

/**
 * The header length and total length of an IPv4 packet netstage has already checked;
 * throws when the caller skipped the check.
 */
function checkedLengths(packet: Uint8Array): { headerLength: number; totalLength: number } {
  const versionIhl = octet(packet, 0);
  const headerLength = (versionIhl & 0x0f) * 4;
  const totalLength = word(packet, TOTAL_LENGTH);
  if (
    packet.length < IPV4_HEADER_LENGTH ||
    versionIhl >>> 4 !== 4 ||
    headerLength < IPV4_HEADER_LENGTH ||
    totalLength < headerLength ||
    totalLength > packet.length
  ) {
    throw new RangeError(
      `not a checked IPv4 packet (${packet.length} bytes, version/IHL 0x${versionIhl.toString(16)}, total length ${totalLength})`,
    );
  }
  return { headerLength, totalLength };
}

// ---------------------------------------------------------------------------------------
// Fragmentation (net/ipv4/ip_output.c)
// ---------------------------------------------------------------------------------------

/**
 * Splits an IPv4 datagram for a link of `mtu` bytes, as `ip_fragment()` does: each
 * fragment a complete datagram with a copy of the original's 20-byte header, its data a
 * multiple of 8 bytes as large as fits (the last takes the rest), `MF` set on all but
 * the last — and on the last too when the original was itself a non-final fragment —
 * offsets added to the original's, total length and checksum recomputed, identification,
 * TOS, TTL and addresses kept. Returns `undefined` when the datagram may not or cannot
 * be fragmented: `DF` set, a header with options, an MTU leaving fewer than 8 bytes of
 * room, or an offset beyond the 13-bit field. A datagram that already fits `mtu` comes
 * back whole, as the one element.
 *
 * Each fragment is a new buffer of `headroom` bytes plus the fragment, the fragment at
 * offset `headroom`, so a link header (14 bytes for Ethernet) can be written in front
 * without copying. Bytes after the original's total length (link padding) are ignored.
 *
 * @remarks
 * `ip_fragment()` and the slow path of `ip_do_fragment()` (`ip_frag_init()`,
 * `ip_frag_next()`) in `net/ipv4/ip_output.c`: sizes from {@link fragmentOffsets};
 * `frag_off` rewritten from scratch, so the reserved bit goes; `MF` when `state->left > 0
 * || state->not_last_frag`. Linux copies a header with options too
 * (`ip_options_fragment()`); here only a 20-byte header is supported. When Linux refuses
 * (`DF`, or `mtu - hlen < 8`) it sends "fragmentation needed" or returns `EMSGSIZE` and
 * counts `FragFails`: that is the caller's, on `undefined`. On success the caller counts
 * `FragOKs` once and `FragCreates` once per fragment.
 *
 * @param packet - a checked IPv4 datagram, header first, no link header.
 * @param mtu - the link MTU in bytes, an integer.
 * @param headroom - bytes to leave free in front of each fragment, an integer ≥ 0.
 * @throws RangeError if `packet` is not a well-formed IPv4 packet (it should have passed
 * `Ipv4Packet.check`), or `mtu` or `headroom` is not an integer in range: bugs in the
 * caller.
 *
 * @example
 * ```ts
 * import { IPPROTO_UDP, Ipv4Packet, emitIpv4Header, fragmentDatagram, isIpv4Error } from '@netstage/ipv4';
 * const datagram = new Uint8Array(20 + 4000);
 * emitIpv4Header({
 *   source: 0x0ac80001, destination: 0x0ac80002, protocol: IPPROTO_UDP, ttl: 64, tos: 0,
 *   identification: 0x1234, dontFragment: false, moreFragments: false, fragmentOffset: 0,
 *   payloadLength: 4000,
 * }, datagram);
 * const fragments = fragmentDatagram(datagram, 1500) ?? [];
 * fragments.map((f) => f.length); // [1500, 1500, 1060]
 * const last = Ipv4Packet.check(fragments[2] ?? new Uint8Array(0));
 * if (!isIpv4Error(last)) [last.fragmentOffset, last.moreFragments]; // [2960, false]
 * // With room for an Ethernet header in front of each:
 * fragmentDatagram(datagram, 1500, 14)?.map((f) => f.length); // [1514, 1514, 1074]
 * ```
 */
export function fragmentDatagram(packet: Uint8Array, mtu: number, headroom = 0): Uint8Array[] | undefined {
  const { headerLength, totalLength } = checkedLengths(packet);
  if (!Number.isInteger(mtu) || mtu < 0) throw new RangeError(`mtu must be an integer >= 0, got ${mtu}`);
  if (!Number.isInteger(headroom) || headroom < 0) {
    throw new RangeError(`headroom must be an integer >= 0, got ${headroom}`);
  }
  if (totalLength <= mtu) {
    const whole = new Uint8Array(headroom + totalLength);
    whole.set(packet.subarray(0, totalLength), headroom);
    return [whole];
  }
  const fragOff = word(packet, FRAGMENT);
  if ((fragOff & IP_DF) !== 0) return undefined;
  if (headerLength !== IPV4_HEADER_LENGTH) return undefined;
  if (mtu - IPV4_HEADER_LENGTH < 8) return undefined;

  const base = (fragOff & IP_OFFSET) * 8;
  const notLastFrag = (fragOff & IP_MF) !== 0;
  const pieces = fragmentOffsets(totalLength - IPV4_HEADER_LENGTH, mtu);
  const lastPiece = pieces[pieces.length - 1];
  if (lastPiece === undefined || base + lastPiece[0] > IP_OFFSET * 8) return undefined;

  const header = packet.subarray(0, IPV4_HEADER_LENGTH);
  const fragments: Uint8Array[] = [];
  pieces.forEach(([offset, length], i) => {
    const out = new Uint8Array(headroom + IPV4_HEADER_LENGTH + length);
    out.set(header, headroom);
    const more = i < pieces.length - 1 || notLastFrag;
    setWord(out, headroom + FRAGMENT, ((base + offset) >>> 3) | (more ? IP_MF : 0));
    setWord(out, headroom + TOTAL_LENGTH, IPV4_HEADER_LENGTH + length);
    sendCheck(out, headroom);
    const start = IPV4_HEADER_LENGTH + offset;
    out.set(packet.subarray(start, start + length), headroom + IPV4_HEADER_LENGTH);
    fragments.push(out);
  });
  return fragments;
}

// ---------------------------------------------------------------------------------------
// Reassembly (net/ipv4/ip_fragment.c, net/ipv4/inet_fragment.c)
// ---------------------------------------------------------------------------------------

/**
 * How long a reassembly queue may wait for its missing fragments, in milliseconds: the
 * default of `net.ipv4.ipfrag_time` (30 seconds).
 *
 * @remarks
 * `IP_FRAG_TIME` in `include/net/ip.h`, set as `fqdir->timeout` by `ipv4_frags_init_net()`
 * in `net/ipv4/ip_fragment.c`.
 *
 * @example
 * ```ts
 * import { IPFRAG_TIME } from '@netstage/ipv4';
 * IPFRAG_TIME; // 30000
 * ```
 */
export const IPFRAG_TIME = 30_000;

/**
 * The most bytes of fragments one namespace holds before queues are evicted: the
 * default of `net.ipv4.ipfrag_high_thresh` (4 MiB).
 *
 * @remarks
 * `fqdir->high_thresh` as `ipv4_frags_init_net()` in `net/ipv4/ip_fragment.c` sets it.
 *
 * @example
 * ```ts
 * import { IPFRAG_HIGH_THRESH } from '@netstage/ipv4';
 * IPFRAG_HIGH_THRESH; // 4194304
 * ```
 */
export const IPFRAG_HIGH_THRESH = 4 * 1024 * 1024;

/**
 * What {@link Reassembler.add} says about a fragment: either it completed its datagram,
 * given as a new buffer, or the datagram is not (or no longer) complete — the fragment
 * was queued, ignored as a duplicate, or dropped with its queue.
 *
 * @remarks
 * `ip_defrag()` in `net/ipv4/ip_fragment.c` returns 0 with the reassembled skb, or an
 * error (`-EINPROGRESS` while waiting) having consumed the fragment.
 *
 * @example
 * ```ts
 * import type { ReassemblyResult } from '@netstage/ipv4';
 * const waiting: ReassemblyResult = { done: false };
 * ```
 */
export type ReassemblyResult = { readonly done: true; readonly datagram: Uint8Array } | { readonly done: false };

/** The one "not complete" answer: {@link Reassembler.add} allocates nothing for it. */
const PENDING: ReassemblyResult = Object.freeze({ done: false });

/**
 * ECN of the reassembled datagram from the OR of `1 << ecn` over its fragments, or
 * 0xff for a combination that must be dropped (RFC 3168 §5.3): `ip_frag_ecn_table` in
 * `net/ipv4/inet_fragment.c`.
 */
const ECN_TABLE: Uint8Array = (() => {
  const NOT_ECT = 0x01;
  const ECT_1 = 0x02;
  const ECT_0 = 0x04;
  const CE = 0x08;
  const INET_ECN_CE = 3;
  const table = new Uint8Array(16);
  table[CE | ECT_0] = INET_ECN_CE;
  table[CE | ECT_1] = INET_ECN_CE;
  table[CE | ECT_0 | ECT_1] = INET_ECN_CE;
  for (const others of [CE, ECT_0, ECT_1, ECT_0 | ECT_1, CE | ECT_0, CE | ECT_1, CE | ECT_0 | ECT_1]) {
    table[NOT_ECT | others] = 0xff;
  }
  return table;
})();

/** One received fragment, trimmed as `ip_frag_queue()` trims it. */
interface Fragment {
  /** The fragment as received, header included, cut at its total length. */
  readonly bytes: Uint8Array;
  /** Its header length: where its data starts in `bytes`. */
  readonly headerLength: number;
  /** Where its data goes in the datagram, in bytes. */
  readonly offset: number;
  /** Where its data ends in the datagram (for a non-final fragment, rounded down to 8). */
  readonly end: number;
}

/**
 * Fragments that arrived back to back at the tail: `FRAG_CB(skb)->frag_run_len` in
 * `net/ipv4/inet_fragment.c`. A fragment placed between earlier ones starts a run of
 * its own, even when it touches a neighbour, as in Linux.
 */
interface Run {
  readonly offset: number;
  end: number;
  readonly fragments: Fragment[];
}

/** One datagram being put back together: `struct ipq` around `struct inet_frag_queue`. */
interface FragQueue {
  /** The reassembler holding it (`q->fqdir`), for its timer. */
  readonly owner: Reassembler;
  readonly key: string;
  /** Runs, by offset, disjoint. */
  readonly runs: Run[];
  /** `q.len`: the datagram's payload length as far as known. */
  len: number;
  /** `q.meat`: data bytes received. */
  meat: number;
  /** `INET_FRAG_LAST_IN`: the fragment with `MF` clear arrived. */
  lastIn: boolean;
  /** The fragment at offset 0 (`INET_FRAG_FIRST_IN`), header included. */
  first: Fragment | undefined;
  /** `ipq.ecn`: the OR of `1 << ecn` over the fragments. */
  ecn: number;
  /** `q.max_size`: the largest fragment, header included. */
  maxSize: number;
  /** `ipq.max_df_size`: the largest fragment with `DF` set. */
  maxDfSize: number;
  /** Bytes of fragments held, toward the namespace's limit. */
  memory: number;
  /** The `ipfrag_time` timer, set when the queue is created (`inet_frag_create`). */
  timer: Timer | undefined;
}

/**
 * A reassembler's queues and counters, made with its first fragment: until then a
 * namespace's reassembler holds no map (Linux's `fqdir` hash table is empty too).
 */
interface FragState {
  /** The queues by key, oldest first (Map order is creation order). */
  readonly queues: Map<string, FragQueue>;
  /** Bytes of fragments held. */
  memory: number;
  reqds: number;
  oks: number;
  fails: number;
  timeouts: number;
}

/** What a reassembler is made with; reassemblers made from one template share it. */
interface ReassemblerSettings {
  readonly clock: VirtualClock;
  readonly timeoutMs: number;
  readonly onTimeout: ((firstFragment: Uint8Array | undefined, reassembler: Reassembler) => void) | undefined;
  readonly highThresh: number;
}

/** Where `[offset, end)` goes among `runs`: the outcome of `inet_frag_queue_insert()`. */
type Placement = { readonly kind: 'append' } | { readonly kind: 'insert'; readonly at: number } | { readonly kind: 'duplicate' } | { readonly kind: 'overlap' };

const APPEND: Placement = { kind: 'append' };
const DUPLICATE: Placement = { kind: 'duplicate' };
const OVERLAP: Placement = { kind: 'overlap' };

/**
 * Where `[offset, end)` goes among the disjoint, sorted `runs`, as
 * `inet_frag_queue_insert()` decides it (RFC 5722 with erratum 3089): past the tail it
 * extends the last run when it starts where that ends, and overlaps when it starts
 * before; elsewhere, lying within one run it is a duplicate (ignored), touching any run
 * otherwise an overlap (the whole queue goes), and in a gap it starts a new run.
 */
function place(runs: readonly Run[], offset: number, end: number): Placement {
  const last = runs[runs.length - 1];
  if (last === undefined) return { kind: 'insert', at: 0 };
  if (last.end < end) {
    if (offset < last.end) return OVERLAP;
    return offset === last.end ? APPEND : { kind: 'insert', at: runs.length };
  }
  // The first run ending after `offset`: the only one it can lie within.
  let lo = 0;
  let hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((runs[mid] as Run).end <= offset) lo = mid + 1;
    else hi = mid;
  }
  const run = runs[lo] as Run; // exists: `last.end >= end > offset`
  if (end <= run.offset) return { kind: 'insert', at: lo };
  return offset >= run.offset && end <= run.end ? DUPLICATE : OVERLAP;
}

/**
 * Puts IPv4 fragments back together: one per namespace. Fragments are queued by
 * (source, destination, protocol, identification) and accepted in any order; the
 * datagram comes back, as a new buffer, from the {@link Reassembler.add} call that fills
 * its last hole. A fragment overlapping data already queued discards the whole queue
 * (RFC 5722); one lying within data already queued (a duplicate) is ignored. A queue
 * still incomplete {@link IPFRAG_TIME} after its first fragment arrived is dropped and
 * `onTimeout` called — with the fragment at offset 0 if it came, for the stack to send
 * ICMP time exceeded code 1 ("fragment reassembly time exceeded"), or `undefined`. When
 * the fragments held pass `highThresh` bytes the oldest queues are evicted.
 *
 * The reassembled datagram has a fresh 20-byte header made from the first fragment's:
 * same identification, TOS (with the combined ECN), TTL, protocol and addresses; `MF`
 * clear, offset 0, the total length, `DF` only when the largest fragment had it, and
 * the checksum recomputed. Options of the first fragment are not carried over.
 *
 * The counters follow the `Ip:` MIB: {@link Reassembler.reqds} (`ReasmReqds`, every
 * fragment added), {@link Reassembler.oks} (`ReasmOKs`), {@link Reassembler.fails}
 * (`ReasmFails`: queues discarded, timed out or evicted, and reassemblies refused) and
 * {@link Reassembler.timeouts} (`ReasmTimeout`).
 *
 * @remarks
 * `ip_defrag()`, `ip_frag_queue()`, `ip_frag_reasm()` and `ip_expire()` in
 * `net/ipv4/ip_fragment.c`; `inet_frag_find()`, `inet_frag_queue_insert()` and
 * `ip_frag_ecn_table` in `net/ipv4/inet_fragment.c`. As there: the timer runs from the
 * queue's creation and is not restarted by later fragments; the final fragment fixes the
 * length, and data beyond it (or a different final length) discards the queue; a
 * non-final fragment's data is cut down to a multiple of 8, and an empty fragment
 * discards its queue; mixing ECN-capable and not-ECT fragments, or a datagram longer
 * than 65535 bytes, fails the reassembly. A completed queue is gone: a late duplicate
 * starts a new one. Not modelled: the `ipfrag_max_dist` check (`ip_frag_too_far`, which
 * needs inet_peer), and the `user`/`vif` parts of the key. Memory is counted as the
 * bytes of the fragments held, a stand-in for `skb->truesize`; when over the limit the
 * oldest queues are evicted, as `inet_frag_evictor()` did before Linux 4.17 (newer
 * kernels instead refuse fragments while over it, counting `ReasmFails`).
 *
 * The reassembler keeps a reference to each queued fragment's bytes until its queue
 * goes: the caller must not reuse them.
 *
 * @example
 * ```ts
 * import { VirtualClock } from '@netstage/core-net';
 * import { IPPROTO_UDP, Reassembler, emitIpv4Header, fragmentDatagram } from '@netstage/ipv4';
 * const datagram = new Uint8Array(20 + 3000);
 * emitIpv4Header({
 *   source: 0x0ac80001, destination: 0x0ac80002, protocol: IPPROTO_UDP, ttl: 64, tos: 0,
 *   identification: 7, dontFragment: false, moreFragments: false, fragmentOffset: 0,
 *   payloadLength: 3000,
 * }, datagram);
 * const fragments = fragmentDatagram(datagram, 1500) ?? [];
 *
 * const clock = new VirtualClock();
 * const timedOut: (Uint8Array | undefined)[] = [];
 * const reasm = new Reassembler(clock, 30_000, (first) => timedOut.push(first));
 * let result = reasm.add(fragments[2] ?? datagram); // { done: false }
 * result = reasm.add(fragments[0] ?? datagram);     // { done: false }
 * result = reasm.add(fragments[1] ?? datagram);     // { done: true, datagram: <the 3020 bytes> }
 * [reasm.reqds, reasm.oks, reasm.size];            // [3, 1, 0]
 *
 * reasm.add(fragments[0] ?? datagram);              // a late copy starts a new queue...
 * clock.advance(30_000);                            // ...which times out
 * [reasm.fails, reasm.timeouts, timedOut.length];  // [1, 1, 1]
 * ```
 */
export class Reassembler {
  /** Clock, timeout, callback and limit: shared with the template it was made from, if any. */
  readonly #settings: ReassemblerSettings;
  /** Queues and counters; undefined until the first fragment. */
  #s: FragState | undefined;

  /** The timer callback of every queue of every reassembler: no closure per queue or per reassembler. */
  static #expire(q: FragQueue): void {
    const self = q.owner;
    const s = self.#remove(q);
    s.fails++;
    s.timeouts++;
    self.#settings.onTimeout?.(q.first?.bytes, self);
  }

  /**
   * @param clock - the namespace's clock, for the reassembly timers.
   * @param timeoutMs - how long a queue may wait, from its first fragment
   *   (`ipfrag_time`, {@link IPFRAG_TIME}).
   * @param onTimeout - called when a queue times out, with its fragment at offset 0
   *   (header included) if that arrived, else `undefined`, and the reassembler (so one
   *   function can serve many).
   * @param highThresh - bytes of fragments held above which the oldest queues are
   *   evicted (`ipfrag_high_thresh`, {@link IPFRAG_HIGH_THRESH}).
   * @throws RangeError if `timeoutMs` or `highThresh` is negative or not finite.
   */
  constructor(
    clock: VirtualClock,
    timeoutMs?: number,
    onTimeout?: (firstFragment: Uint8Array | undefined, reassembler: Reassembler) => void,
    highThresh?: number,
  );
  /**
   * An empty reassembler with the settings of `template` — clock, timeout, callback
   * and limit — shared rather than copied: the stack makes every namespace's from one,
   * so a namespace's costs a pointer to them.
   *
   * @param template - the reassembler whose settings to share (its queues are not).
   */
  constructor(template: Reassembler);
  constructor(
    clock: VirtualClock | Reassembler,
    timeoutMs = IPFRAG_TIME,
    onTimeout?: (firstFragment: Uint8Array | undefined, reassembler: Reassembler) => void,
    highThresh = IPFRAG_HIGH_THRESH,
  ) {
    if (clock instanceof Reassembler) {
      this.#settings = clock.#settings;
      return;
    }
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
      throw new RangeError(`timeoutMs must be a finite number >= 0, got ${timeoutMs}`);
    }
    if (!Number.isFinite(highThresh) || highThresh < 0) {
      throw new RangeError(`highThresh must be a finite number >= 0, got ${highThresh}`);
    }
    this.#settings = { clock, timeoutMs, onTimeout, highThresh };
  }

  /** Fragments added (`ReasmReqds`). */
  get reqds(): number {
    return this.#s?.reqds ?? 0;
  }

  /** Datagrams reassembled (`ReasmOKs`). */
  get oks(): number {
    return this.#s?.oks ?? 0;
  }

  /**
   * Reassemblies that failed (`ReasmFails`): queues discarded on an overlap or an
   * inconsistent length, timed out, evicted, or refused at the end (ECN, oversize).
   */
  get fails(): number {
    return this.#s?.fails ?? 0;
  }

  /** Queues that timed out (`ReasmTimeout`); each is counted in {@link Reassembler.fails} too. */
  get timeouts(): number {
    return this.#s?.timeouts ?? 0;
  }

  /** Queues pending. */
  get size(): number {
    return this.#s?.queues.size ?? 0;
  }

  /** Bytes of fragments held, toward the limit (`frag_mem_limit()`). */
  get memory(): number {
    return this.#s?.memory ?? 0;
  }

  /**
   * Adds one received fragment: returns the datagram if this fragment completes it, else
   * `{ done: false }` (queued, ignored as a duplicate, or dropped with its queue).
   *
   * @remarks
   * `ip_defrag()` and `ip_frag_queue()` in `net/ipv4/ip_fragment.c`. The stack calls it
   * from local delivery for a packet with `MF` set or a non-zero offset.
   *
   * @param fragment - a checked IPv4 packet (it passed `Ipv4Packet.check`), header
   *   first; bytes after its total length are ignored.
   * @throws RangeError if `fragment` is not a well-formed IPv4 packet: a bug in the caller.
   *
   * @example
   * ```ts
   * import { VirtualClock } from '@netstage/core-net';
   * import { Reassembler, emitIpv4Header } from '@netstage/ipv4';
   * const fragment = new Uint8Array(28);
   * emitIpv4Header({
   *   source: 0x0ac80001, destination: 0x0ac80002, protocol: 17, ttl: 64, tos: 0,
   *   identification: 1, dontFragment: false, moreFragments: true, fragmentOffset: 0,
   *   payloadLength: 8,
   * }, fragment);
   * const reasm = new Reassembler(new VirtualClock());
   * reasm.add(fragment); // { done: false }
   * reasm.add(fragment); // { done: false }: a duplicate, ignored
   * [reasm.reqds, reasm.size, reasm.fails]; // [2, 1, 0]
   * reasm.clear();
   * ```
   */
  add(fragment: Uint8Array): ReassemblyResult {
    const s = (this.#s ??= { queues: new Map(), memory: 0, reqds: 0, oks: 0, fails: 0, timeouts: 0 });
    s.reqds++;
    const { headerLength, totalLength } = checkedLengths(fragment);
    const bytes = fragment.subarray(0, totalLength);
    const fragOff = word(bytes, FRAGMENT);
    const key = `${readIpv4(bytes, SOURCE)}>${readIpv4(bytes, DESTINATION)}/${octet(bytes, PROTOCOL)}#${word(bytes, IDENTIFICATION)}`;
    const q = s.queues.get(key) ?? this.#create(s, key);

    // ip_frag_queue(): where the fragment goes, and what it says about the length.
    const offset = (fragOff & IP_OFFSET) * 8;
    let end = offset + totalLength - headerLength;
    if ((fragOff & IP_MF) === 0) {
      // The final fragment: data already beyond it, or another final length, is corrupt.
      if (end < q.len || (q.lastIn && end !== q.len)) return this.#discard(q);
      q.lastIn = true;
      q.len = end;
    } else {
      end -= end % 8;
      if (end > q.len) {
        if (q.lastIn) return this.#discard(q);
        q.len = end;
      }
    }
    if (end === offset) return this.#discard(q);

    const placement = place(q.runs, offset, end);
    const frag: Fragment = { bytes, headerLength, offset, end };
    switch (placement.kind) {
      case 'duplicate':
        return PENDING;
      case 'overlap':
        return this.#discard(q);
      case 'append':
        {
          const last = q.runs[q.runs.length - 1] as Run;
          last.fragments.push(frag);
          last.end = end;
        }
        break;
      case 'insert':
        q.runs.splice(placement.at, 0, { offset, end, fragments: [frag] });
        break;
    }

    q.meat += end - offset;
    q.memory += bytes.length;
    s.memory += bytes.length;
    q.ecn |= 1 << (octet(bytes, TOS) & 0x03);
    if (offset === 0) q.first = frag;
    const fragSize = end - offset + headerLength;
    if (fragSize > q.maxSize) q.maxSize = fragSize;
    if ((fragOff & IP_DF) !== 0 && fragSize > q.maxDfSize) q.maxDfSize = fragSize;

    if (q.first !== undefined && q.lastIn && q.meat === q.len) return this.#reassemble(q, q.first);
    this.#evict(s);
    return PENDING;
  }

  /**
   * Drops every queue and cancels every timer, counting nothing: for a namespace going
   * away.
   *
   * @remarks
   * `fqdir_exit()` and `inet_frags_free_cb()` in `net/ipv4/inet_fragment.c`.
   *
   * @example
   * ```ts
   * import { VirtualClock } from '@netstage/core-net';
   * import { Reassembler } from '@netstage/ipv4';
   * const clock = new VirtualClock();
   * const reasm = new Reassembler(clock);
   * reasm.clear();
   * [reasm.size, clock.timers]; // [0, 0]
   * ```
   */
  clear(): void {
    const s = this.#s;
    if (s === undefined) return;
    for (const q of s.queues.values()) {
      if (q.timer !== undefined) this.#settings.clock.cancelTimer(q.timer);
    }
    s.queues.clear();
    s.memory = 0;
  }

  /** `inet_frag_create()`: a new queue, its timer running from now. */
  #create(s: FragState, key: string): FragQueue {
    const q: FragQueue = {
      owner: this,
      key,
      runs: [],
      len: 0,
      meat: 0,
      lastIn: false,
      first: undefined,
      ecn: 0,
      maxSize: 0,
      maxDfSize: 0,
      memory: 0,
      timer: undefined,
    };
    q.timer = this.#settings.clock.setTimer(this.#settings.timeoutMs, Reassembler.#expire, q);
    s.queues.set(key, q);
    return q;
  }

  /**
   * `inet_frag_kill()`: the queue leaves the table, its timer stopped, its memory freed.
   * Returns the state it left (a queue exists only once the state does).
   */
  #remove(q: FragQueue): FragState {
    const s = this.#s as FragState;
    s.queues.delete(q.key);
    if (q.timer !== undefined) this.#settings.clock.cancelTimer(q.timer);
    s.memory -= q.memory;
    return s;
  }

  /** `discard_qp` in `ip_frag_queue()`: the queue goes, counted in `ReasmFails`. */
  #discard(q: FragQueue): ReassemblyResult {
    this.#remove(q).fails++;
    return PENDING;
  }

  /** `ip_frag_reasm()`: the datagram from a complete queue, or a failure. */
  #reassemble(q: FragQueue, first: Fragment): ReassemblyResult {
    const s = this.#remove(q);
    const ecn = ECN_TABLE[q.ecn] ?? 0;
    if (ecn === 0xff || first.headerLength + q.len > IP_MAX_TOTAL_LENGTH) {
      s.fails++;
      return PENDING;
    }
    const datagram = new Uint8Array(IPV4_HEADER_LENGTH + q.len);
    datagram.set(first.bytes.subarray(0, IPV4_HEADER_LENGTH));
    datagram[0] = 0x45;
    datagram[TOS] = octet(datagram, TOS) | ecn;
    setWord(datagram, TOTAL_LENGTH, IPV4_HEADER_LENGTH + q.len);
    setWord(datagram, FRAGMENT, q.maxDfSize === q.maxSize ? IP_DF : 0);
    sendCheck(datagram, 0);
    for (const run of q.runs) {
      for (const f of run.fragments) {
        const data = f.bytes.subarray(f.headerLength, f.headerLength + (f.end - f.offset));
        datagram.set(data, IPV4_HEADER_LENGTH + f.offset);
      }
    }
    s.oks++;
    return { done: true, datagram };
  }

  /** While over the limit, the oldest queues go, each counted in `ReasmFails`. */
  #evict(s: FragState): void {
    while (s.memory > this.#settings.highThresh) {
      const oldest = s.queues.values().next();
      if (oldest.done === true) return;
      this.#discard(oldest.value);
    }
  }
}
