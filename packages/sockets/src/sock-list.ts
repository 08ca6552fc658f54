/**
 * What the socket layer keeps about every socket, whatever its family: a kernel-wide
 * inode number (`sock_i_ino`) and allocation serial, each namespace's list of live
 * sockets (`sockets: used` of `/proc/net/sockstat`), and the per-namespace mix that
 * salts the protocols' hash tables (`net_hash_mix`).
 *
 * @module
 */

import { defineKernelKey, defineNetKey, type Kernel, type Net } from '@netstage/core-net';
import type { Socket } from './socket.js';

/**
 * The inode number netstage gives the first socket (kernel sockets included) of a
 * kernel; later ones count up from it.
 *
 * @remarks
 * Linux numbers socket inodes with `get_next_ino()` (`fs/inode.c`), one counter shared
 * by every pseudo-filesystem (sockets, pipes, anonymous inodes, …), so on a booted
 * machine a fresh socket's inode is already in the hundreds of thousands (transcript
 * 4.B: 100500; this machine's captures: 455616, 460548). netstage counts only sockets,
 * from a start in that range, so every run numbers the same sockets the same way.
 *
 * @example
 * ```ts
 * import { SOCK_INODE_FIRST } from '@netstage/sockets';
 * SOCK_INODE_FIRST; // 100000
 * ```
 */
export const SOCK_INODE_FIRST = 100_000;

/**
 * Kernel-wide counters for sockets: inode numbers, allocation serials (a stand-in for
 * the `struct sock` address) and hash stamps (the order sockets entered their hash
 * chains).
 *
 * @remarks
 * `get_next_ino()` in `fs/inode.c` for the inodes. Reach it with {@link sockIds}.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { SOCK_INODE_FIRST, sockIds, socketsLayer } from '@netstage/sockets';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
 * sockIds(kernel).nextInode() > SOCK_INODE_FIRST; // true: initNet's rtnetlink socket took the first
 * ```
 */
export class SockIds {
  #inode = SOCK_INODE_FIRST;
  #serial = 1;
  #stamp = 1;

  /** The next inode number (`get_next_ino`). */
  nextInode(): number {
    return this.#inode++;
  }

  /** The next allocation serial: unique per socket for the kernel's life. */
  nextSerial(): number {
    return this.#serial++;
  }

  /** The next hash stamp: later stamps entered their hash chain later. */
  nextStamp(): number {
    return this.#stamp++;
  }
}

/** The kernel's socket counters. */
export const SOCK_IDS = defineKernelKey<SockIds>('sock-ids');

/**
 * The socket counters of a kernel booted with the sockets layer.
 *
 * @throws Error when the sockets layer is not registered.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { sockIds, socketsLayer } from '@netstage/sockets';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
 * const ids = sockIds(kernel);
 * ids.nextSerial() < ids.nextSerial(); // true
 * ```
 */
export function sockIds(kernel: Kernel): SockIds {
  return kernel.state(SOCK_IDS);
}

/**
 * One namespace's live sockets, in creation order: every socket a task created there
 * (and every connection a listener made there), until it is released.
 *
 * @remarks
 * `sock_inuse_add()` in `net/core/sock.c`: `sk_alloc` counts a socket that holds its
 * namespace (`sk_net_refcnt`, every user socket), `__sk_free` uncounts it;
 * `/proc/net/sockstat` prints the sum as `sockets: used`. Kernel sockets (the rtnetlink
 * one) are not in the list, as they are not counted in Linux. The set is made on first
 * use, so an idle namespace pays nothing for it.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { SOCK_LIST, socketLayer, socketsLayer } from '@netstage/sockets';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
 * const fd = socketLayer(kernel).socket(kernel.initTask, 'inet', 'dgram');
 * kernel.initNet.state(SOCK_LIST).inUse; // 1
 * kernel.initTask.close(fd);
 * kernel.initNet.state(SOCK_LIST).inUse; // 0
 * ```
 */
export class SockList {
  #sockets: Set<Socket> | undefined;

  /** How many sockets are alive (`sock_inuse_get`). */
  get inUse(): number {
    return this.#sockets?.size ?? 0;
  }

  /** The live sockets, oldest first. */
  list(): readonly Socket[] {
    return this.#sockets === undefined ? [] : [...this.#sockets];
  }

  /** @internal the socket layer: a socket was allocated. */
  _add(sock: Socket): void {
    this.#sockets ??= new Set();
    this.#sockets.add(sock);
  }

  /** @internal the socket layer: a socket was released. */
  _remove(sock: Socket): void {
    this.#sockets?.delete(sock);
  }
}

/** Each namespace's live sockets (always its own: a socket belongs to one namespace). */
export const SOCK_LIST = defineNetKey<SockList>('sock-list');

/**
 * The namespace's hash mix: the salt its sockets' hash buckets are computed with (UDP's
 * `udp_hashfn`, raw's `raw_hashfunc`, ping's `ping_hashfn`), a 32-bit number.
 *
 * @remarks
 * `net_hash_mix()` in `include/net/netns/hash.h` returns `net->hash_mix`, which Linux
 * fills with `get_random_u32()` when the namespace is allocated (`preinit_net`), so the
 * `sl` column of `/proc/net/udp` differs from run to run. netstage derives it from the
 * namespace id with a fixed 32-bit finaliser (MurmurHash3's `fmix32` of `id + 1` times
 * the golden ratio), so every run buckets the same sockets the same way, and namespaces
 * still get different mixes.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { netHashMix, socketsLayer } from '@netstage/sockets';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
 * netHashMix(kernel.initNet) === netHashMix(kernel.initNet); // true
 * ```
 */
export function netHashMix(net: Net): number {
  let h = Math.imul(net.id + 1, 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * `hash_32(value, bits)` (`include/linux/hash.h`): multiply by `GOLDEN_RATIO_32`, keep
 * the top `bits` bits.
 *
 * @example
 * ```ts
 * import { hash32 } from '@netstage/sockets';
 * hash32(0, 8); // 0
 * ```
 */
export function hash32(value: number, bits: number): number {
  return Math.imul(value >>> 0, 0x61c88647) >>> (32 - bits);
}
