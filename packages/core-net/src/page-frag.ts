/**
 * Packet buffers carved from shared slabs, as Linux carves skb data from a per-CPU page
 * fragment cache (`page_frag_alloc()` in `mm/page_alloc.c`, behind `napi_alloc_frag()`
 * and `netdev_alloc_frag()`).
 *
 * Why: a `new Uint8Array(n)` of more than 64 bytes gets a backing store of its own outside
 * the JavaScript heap, which costs several hundred nanoseconds — more than everything
 * else a UDP datagram's journey across a veth pair does. A view onto an existing slab
 * costs what a small object does. The buffers behave exactly like `new Uint8Array(n)`:
 * zero-filled, `n` long, never handed out twice (slabs are not recycled; the garbage
 * collector frees a slab once no buffer of it is alive).
 *
 * @module
 */

/** Bytes per slab: 16 KiB, a few pages, like the compound page a fragment cache holds (`PAGE_FRAG_CACHE_MAX_SIZE` is 32 KiB). */
const SLAB_BYTES = 16_384;

/** Larger requests get a buffer of their own: a long-lived big buffer should not pin a slab. */
const MAX_FRAG = 2_048;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/**
 * A zero-filled buffer of `length` bytes for a packet: a view onto a shared slab for
 * packet-sized requests (up to 2 KiB), else a buffer of its own.
 *
 * @remarks
 * `page_frag_alloc()` (`mm/page_alloc.c`): Linux carves skb heads from per-CPU page
 * fragments so that allocating a packet is a pointer bump. Here too: a bump in a 16 KiB
 * slab, 8-byte aligned. A buffer keeps its slab alive while it lives (as a fragment keeps
 * its page), so code that keeps a small part of a packet for long should copy it out
 * (`slice()`). Nothing is observable but speed: the bytes are a fresh, zeroed, private
 * range, as `new Uint8Array(length)`'s are.
 *
 * @example
 * ```ts
 * import { allocPacketBuffer } from '@netstage/core-net';
 * const frame = allocPacketBuffer(106);
 * frame.length; // 106
 * frame.every((b) => b === 0); // true
 * ```
 */
export function allocPacketBuffer(length: number): Uint8Array {
  if (length > MAX_FRAG) return new Uint8Array(length);
  if (used + length > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const buf = new Uint8Array(slab, used, length);
  used = (used + length + 7) & ~7;
  return buf;
}
