/**
 * The receive side AF_INET datagram sockets share (`sk_receive_queue` with
 * `sk_rmem_alloc` against `sk_rcvbuf`, `net/core/sock.c`): UDP, ping and raw sockets
 * all queue whole datagrams with their source.
 *
 * @module
 */

import { NetError } from '@netstage/core-net';
import { IPV4_SYSCTLS } from '@netstage/ipv4';
import { IP, SOL, Socket, type SockAddrIn } from './socket.js';

/**
 * What a queued datagram costs against the receive buffer: its bytes plus a fixed
 * overhead standing in for `skb->truesize` (a small datagram's truesize on 64-bit Linux
 * is 768 bytes with its 64-byte payload: 704 of overhead).
 */
export const DATAGRAM_OVERHEAD = 704;

/** A received datagram. */
export interface Datagram {
  readonly data: Uint8Array;
  readonly from: SockAddrIn;
}

/**
 * What UDP, ping and raw sockets share: local and remote addresses, a bounded receive
 * queue of datagrams charged against `SO_RCVBUF`, a pending error, and the readable
 * callback a poll or a Node facade waits on.
 */
export abstract class InetQueueSocket extends Socket {
  /** Local address and, for a ping socket, its identifier as the port (0: not bound). */
  local: SockAddrIn = { address: 0, port: 0 };
  /**
   * `IP_TTL` (`inet->uc_ttl`): the time to live of what the socket sends; -1 for the
   * namespace's `ip_default_ttl`.
   */
  ttl = -1;
  /** Remote address once connected (address 0: not connected); the port is unused. */
  remote: SockAddrIn = { address: 0, port: 0 };
  /** Datagrams dropped because the queue was full (`sk_drops`, `/proc/net`'s `drops`). */
  drops = 0;
  readonly #queue: Datagram[] = [];
  #queued = 0;
  #readable: ((s: this) => void) | undefined;

  /**
   * Whether `connect` gave it a peer: `sk_state` is `TCP_ESTABLISHED` (`/proc/net` shows
   * `01`), else `TCP_CLOSE` (`07`), as `ip4_datagram_connect` sets it.
   */
  get connected(): boolean {
    return this.remote.address !== 0 || this.remote.port !== 0;
  }

  /**
   * `SOL_IP` options: `IP_TTL` as `do_ip_setsockopt` / `do_ip_getsockopt` handle it —
   * -1 restores the default, 1–255 sets it, anything else is EINVAL; reading it gives
   * the namespace's `ip_default_ttl` while unset.
   *
   * @throws NetError EINVAL for a TTL out of range; as {@link Socket.setsockopt} for the rest.
   */
  protected override protocolOption(level: number, name: number, op: 'set' | 'get', value = 0): number {
    if (level !== SOL.IP || name !== IP.TTL) return super.protocolOption(level, name, op, value);
    if (op === 'get') return this.ttl < 0 ? this.net.state(IPV4_SYSCTLS).ipDefaultTtl : this.ttl;
    if (value !== -1 && (value < 1 || value > 255)) throw new NetError('EINVAL', { syscall: 'setsockopt' });
    this.ttl = value;
    return 0;
  }

  /** Bytes charged to the receive buffer (`sk_rmem_alloc`, `/proc/net`'s `rx_queue`). */
  get queuedBytes(): number {
    return this.#queued;
  }

  /** Datagrams waiting. */
  get queueLength(): number {
    return this.#queue.length;
  }

  /** Be told when a datagram arrives. */
  onReadable(listener: ((s: this) => void) | undefined): void {
    this.#readable = listener;
  }

  /**
   * `recvfrom(2)`, non-blocking.
   *
   * @throws NetError a pending error (once); EAGAIN when nothing waits.
   */
  recv(): Datagram {
    const err = this.takeError();
    if (err !== undefined) throw err;
    const d = this.#queue.shift();
    if (d === undefined) throw new NetError('EAGAIN', { syscall: 'recvfrom' });
    this.#queued -= d.data.length + DATAGRAM_OVERHEAD;
    return d;
  }

  /** @internal the protocol: queue a datagram (the caller's copy) or drop it when the buffer is full. */
  _deliver(d: Datagram): boolean {
    const cost = d.data.length + DATAGRAM_OVERHEAD;
    if (this.#queued + cost > this.rcvbuf) {
      this.drops++;
      return false;
    }
    this.#queue.push(d);
    this.#queued += cost;
    this.#readable?.(this);
    return true;
  }

  /** @internal the protocol: an ICMP error for this socket, reported by its next call. */
  _error(e: NetError): void {
    this.pendingError = e;
    this.#readable?.(this);
  }

  /** Drop what is queued (for `closeProtocol`). */
  protected clearQueue(): void {
    this.#queue.length = 0;
    this.#queued = 0;
  }
}
