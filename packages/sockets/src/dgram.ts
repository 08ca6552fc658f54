/**
 * A Node-style `dgram` facade over netstage's UDP sockets: `createSocket('udp4')`,
 * `bind`, `send`, `connect`, `close`, and the `'listening'`, `'message'`, `'connect'`,
 * `'error'` and `'close'` events, with errors shaped as Node shapes them.
 *
 * Everything Node does on a later turn of its event loop (a bind, a send, a connect, the
 * events they end in) happens here on a later turn of the kernel's virtual clock: it is
 * posted with `kernel.clock.post` and runs when a driver runs the clock
 * (`kernel.clock.runUntilIdle()`). Nothing uses real timers.
 *
 * @module
 */

import { NetError, type Kernel, type Task } from '@netstage/core-net';
import { ipv4ToString, parseIpv4 } from '@netstage/ipv4';
import { SO, SOL, socketLayer } from './socket.js';
import type { UdpSocket } from './udp.js';

/** libuv's `UV_EAI_NONAME`: what Node reports for a host name that does not resolve. */
const UV_EAI_NONAME = -3008;

/**
 * The socket types `createSocket` takes. netstage has IPv4 only: `'udp4'`.
 *
 * @example
 * ```ts
 * import type { DgramSocketType } from '@netstage/sockets';
 * const type: DgramSocketType = 'udp4';
 * ```
 */
export type DgramSocketType = 'udp4';

/**
 * Options of `createSocket`, as Node's `dgram.SocketOptions` (the ones netstage has).
 *
 * @example
 * ```ts
 * import type { DgramSocketOptions } from '@netstage/sockets';
 * const options: DgramSocketOptions = { type: 'udp4', reuseAddr: true };
 * ```
 */
export interface DgramSocketOptions {
  /** The socket type. */
  readonly type: DgramSocketType;
  /** `SO_REUSEADDR` before binding: several sockets so marked may share a port. */
  readonly reuseAddr?: boolean;
  /** `SO_RCVBUF`, applied once bound (the kernel doubles it, as Linux does). */
  readonly recvBufferSize?: number;
}

/**
 * Options of `bind`, as Node's `dgram.BindOptions` (`exclusive` has no meaning without
 * cluster and is accepted and ignored).
 *
 * @example
 * ```ts
 * import type { DgramBindOptions } from '@netstage/sockets';
 * const options: DgramBindOptions = { port: 4000, address: '127.0.0.1' };
 * ```
 */
export interface DgramBindOptions {
  /** The port; 0 or absent picks a free one from `ip_local_port_range`. */
  readonly port?: number;
  /** A dotted quad or `'localhost'`; absent means `0.0.0.0`. */
  readonly address?: string;
  /** Node's cluster flag: ignored. */
  readonly exclusive?: boolean;
}

/**
 * A socket's own address, or its peer's (`address()`, `remoteAddress()`).
 *
 * @example
 * ```ts
 * import type { DgramAddressInfo } from '@netstage/sockets';
 * const info: DgramAddressInfo = { address: '0.0.0.0', family: 'IPv4', port: 4000 };
 * ```
 */
export interface DgramAddressInfo {
  /** Dotted quad. */
  readonly address: string;
  /** Always `'IPv4'`. */
  readonly family: 'IPv4';
  /** The port. */
  readonly port: number;
}

/**
 * Where a received datagram came from, as Node's `rinfo`.
 *
 * @example
 * ```ts
 * import type { RemoteInfo } from '@netstage/sockets';
 * const rinfo: RemoteInfo = { address: '10.200.0.1', family: 'IPv4', port: 40000, size: 4 };
 * ```
 */
export interface RemoteInfo extends DgramAddressInfo {
  /** The datagram's length in bytes. */
  readonly size: number;
}

/**
 * The events of a {@link DgramSocket} and their arguments.
 *
 * @example
 * ```ts
 * import type { DgramEvents } from '@netstage/sockets';
 * const onMessage = (...[msg, rinfo]: DgramEvents['message']): string => `${msg.length} from ${rinfo.address}`;
 * onMessage(new Uint8Array(2), { address: '127.0.0.1', family: 'IPv4', port: 1, size: 2 }); // '2 from 127.0.0.1'
 * ```
 */
export interface DgramEvents {
  /** The socket is bound and receiving. */
  listening: [];
  /** A datagram arrived. */
  message: [msg: Uint8Array, rinfo: RemoteInfo];
  /** `connect()` finished. */
  connect: [];
  /** A bind, an unacknowledged send or connect, or a receive failed. */
  error: [err: Error];
  /** The socket was closed. */
  close: [];
}

/** What a message may be: bytes, text (UTF-8), or a list of them sent as one datagram. */
export type DgramMessage = Uint8Array | string | readonly (Uint8Array | string)[];

/**
 * The callback of `send`: `null` and the bytes sent, or the error.
 *
 * @example
 * ```ts
 * import type { DgramSendCallback } from '@netstage/sockets';
 * let sent = 0;
 * const cb: DgramSendCallback = (err, bytes) => {
 *   if (err === null) sent = bytes ?? 0;
 * };
 * cb(null, 4);
 * sent; // 4
 * ```
 */
export type DgramSendCallback = (error: DgramSystemError | null, bytes?: number) => void;

/**
 * A system error as Node builds it for a socket call (`ExceptionWithHostPort`,
 * `ErrnoException`): `code` is the errno name, `errno` the negated errno number
 * (libuv's convention), `syscall` the call, and `address`/`port` when the call had them;
 * the message reads `bind EADDRINUSE 0.0.0.0:5000`.
 *
 * @example
 * ```ts
 * import { NetError } from '@netstage/core-net';
 * import { DgramSystemError } from '@netstage/sockets';
 * const e = DgramSystemError.from(new NetError('EADDRINUSE'), 'bind', '0.0.0.0', 5000);
 * e.message; // 'bind EADDRINUSE 0.0.0.0:5000'
 * e.errno;   // -98
 * ```
 */
export class DgramSystemError extends Error {
  /** The errno name (`'EADDRINUSE'`), or `'ENOTFOUND'` for a name that does not resolve. */
  readonly code: string;
  /** The negated errno number, as Node gives it (`-98`). */
  readonly errno: number;
  /** The failing call: `bind`, `send`, `connect`, `recvmsg`, `getsockname`, `getaddrinfo`. */
  readonly syscall: string;
  /** The address the call was for, when it had one. */
  readonly address?: string;
  /** The port the call was for, when it had a non-zero one. */
  readonly port?: number;
  /** The name that did not resolve (`getaddrinfo` errors only). */
  readonly hostname?: string;

  /** An error with the given fields; see {@link DgramSystemError.from} for the usual way. */
  constructor(
    code: string,
    errno: number,
    syscall: string,
    message: string,
    where: { readonly address?: string | undefined; readonly port?: number | undefined; readonly hostname?: string | undefined } = {},
  ) {
    super(message);
    this.name = 'Error';
    this.code = code;
    this.errno = errno;
    this.syscall = syscall;
    if (where.address !== undefined) this.address = where.address;
    if (where.port !== undefined && where.port !== 0) this.port = where.port;
    if (where.hostname !== undefined) this.hostname = where.hostname;
  }

  /**
   * Node's `ExceptionWithHostPort` (or, without an address, `ErrnoException`) for a
   * netstage error: `"<syscall> <CODE>[ <address>[:<port>]]"`, the port only when non-zero.
   *
   * @example
   * ```ts
   * import { NetError } from '@netstage/core-net';
   * import { DgramSystemError } from '@netstage/sockets';
   * DgramSystemError.from(new NetError('ECONNREFUSED'), 'recvmsg').message; // 'recvmsg ECONNREFUSED'
   * ```
   */
  static from(e: NetError, syscall: string, address?: string, port?: number): DgramSystemError {
    let details = '';
    if (port !== undefined && port > 0) details = ` ${address ?? ''}:${port}`;
    else if (address !== undefined && address !== '') details = ` ${address}`;
    return new DgramSystemError(e.code, -e.errno, syscall, `${syscall} ${e.code}${details}`, { address, port });
  }
}

/**
 * One of Node's `ERR_*` errors of `dgram`: a misuse refused at once, thrown (never
 * emitted), e.g. `ERR_SOCKET_DGRAM_NOT_RUNNING` for a call on a closed socket.
 *
 * @example
 * ```ts
 * import { DgramError } from '@netstage/sockets';
 * const e = new DgramError('ERR_SOCKET_DGRAM_NOT_RUNNING', 'Not running');
 * e.code; // 'ERR_SOCKET_DGRAM_NOT_RUNNING'
 * ```
 */
export class DgramError extends Error {
  /** Node's error code. */
  readonly code: string;

  /** An error with Node's code and message. */
  constructor(code: string, message: string) {
    super(message);
    this.name = 'Error';
    this.code = code;
  }
}

type AnyListener = (...args: never[]) => void;
interface Registered {
  readonly listener: AnyListener;
  readonly once: boolean;
}

const notRunning = (): DgramError => new DgramError('ERR_SOCKET_DGRAM_NOT_RUNNING', 'Not running');

function checkPort(port: unknown, allowZero: boolean): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535) {
    throw new DgramError('ERR_SOCKET_BAD_PORT', `Port should be ${allowZero ? '>=' : '>'} 0 and < 65536. Received ${String(port)}.`);
  }
  return port;
}

/** Node's `lookup4` for what netstage can resolve: a dotted quad, or `localhost`. */
function resolve(host: string): number | DgramSystemError {
  if (host === 'localhost') return 0x7f000001;
  const a = parseIpv4(host);
  if (a !== undefined) return a;
  return new DgramSystemError('ENOTFOUND', UV_EAI_NONAME, 'getaddrinfo', `getaddrinfo ENOTFOUND ${host}`, { hostname: host });
}

/** UTF-8, as `Buffer.from(string)` encodes (a lone surrogate becomes U+FFFD). */
function utf8(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    let c = ch.codePointAt(0) ?? 0xfffd;
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}

function bytesOf(msg: DgramMessage): Uint8Array {
  if (typeof msg === 'string') return utf8(msg);
  if (msg instanceof Uint8Array) return msg.slice();
  const parts = msg.map((p) => (typeof p === 'string' ? utf8(p) : p));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A UDP socket in Node's `dgram.Socket` style, over a netstage {@link UdpSocket} on the
 * creating task's descriptor table. Made by {@link Dgram.createSocket}.
 *
 * @remarks
 * As in Node (`lib/dgram.js`): `bind` returns at once and binds on a later turn, then
 * emits `'listening'` or an `'error'` shaped `bind EADDRINUSE 0.0.0.0:5000`; `send` and
 * `connect` on an unbound socket bind it first to `0.0.0.0`, port 0, and wait for that;
 * a `send`'s error goes to its callback when there is one and is emitted as `'error'`
 * otherwise; `close` emits `'close'` on a later turn. An `'error'` emitted with no
 * listener is thrown, as an `EventEmitter` does — out of the clock's run.
 *
 * Not modelled: `send`'s `offset, length` form, multicast and broadcast options,
 * send buffer sizes; `close()` during a pending bind closes at once (Node waits for the
 * bind) and drops what was queued.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { LinkControl, devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { dgram, socketsLayer } from '@netstage/sockets';
 *
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
 * new LinkControl(kernel).set(kernel.initTask, 'lo', { up: true });
 * const { createSocket } = dgram(kernel, kernel.initTask);
 * const server = createSocket('udp4', (msg, rinfo) => {
 *   server.send(msg, rinfo.port, rinfo.address); // echo
 * });
 * server.bind(4000);
 * const client = createSocket('udp4');
 * const replies: string[] = [];
 * client.on('message', (msg) => replies.push(new TextDecoder().decode(msg)));
 * client.send('ping', 4000, '127.0.0.1');
 * kernel.clock.runUntilIdle();
 * replies; // ['ping']
 * client.close();
 * server.close();
 * kernel.clock.runUntilIdle();
 * ```
 */
export class DgramSocket {
  readonly #kernel: Kernel;
  readonly #task: Task;
  readonly #fd: number;
  readonly #sock: UdpSocket;
  readonly #listeners = new Map<keyof DgramEvents, Registered[]>();
  #bindState: 'unbound' | 'binding' | 'bound' = 'unbound';
  #connectState: 'disconnected' | 'connecting' | 'connected' = 'disconnected';
  #closed = false;
  /** The address `bind` chose (what `disconnect` returns the local address to). */
  #boundAddress = 0;
  /** Work waiting for the bind to finish (Node's `state.queue`). */
  #queue: (() => void)[] | undefined;
  #drainPosted = false;
  readonly #recvBufferSize: number | undefined;

  /** @internal made by {@link Dgram.createSocket}. */
  constructor(kernel: Kernel, task: Task, options: DgramSocketOptions) {
    this.#kernel = kernel;
    this.#task = task;
    const layer = socketLayer(kernel);
    let fd: number;
    try {
      fd = layer.socket(task, 'inet', 'dgram');
    } catch (e) {
      if (e instanceof NetError) throw DgramSystemError.from(e, 'socket');
      throw e;
    }
    this.#fd = fd;
    this.#sock = layer.fdSocket(task, fd) as UdpSocket;
    if (options.reuseAddr === true) this.#sock.reuseAddr = true;
    this.#recvBufferSize = options.recvBufferSize;
    this.#sock.onReadable(() => this.#readable());
  }

  /** The netstage socket underneath (its namespace, port, counters). */
  get socket(): UdpSocket {
    return this.#sock;
  }

  /** The descriptor it has on its task's table. */
  get fd(): number {
    return this.#fd;
  }

  // ---- events ----

  /** Add a listener (`emitter.on`). */
  on<E extends keyof DgramEvents>(event: E, listener: (...args: DgramEvents[E]) => void): this {
    return this.#add(event, listener as unknown as AnyListener, false);
  }

  /** Alias of {@link DgramSocket.on}. */
  addListener<E extends keyof DgramEvents>(event: E, listener: (...args: DgramEvents[E]) => void): this {
    return this.#add(event, listener as unknown as AnyListener, false);
  }

  /** Add a listener that is removed before its first call (`emitter.once`). */
  once<E extends keyof DgramEvents>(event: E, listener: (...args: DgramEvents[E]) => void): this {
    return this.#add(event, listener as unknown as AnyListener, true);
  }

  /** Remove the most recently added registration of a listener (`emitter.off`). */
  off<E extends keyof DgramEvents>(event: E, listener: (...args: DgramEvents[E]) => void): this {
    const list = this.#listeners.get(event);
    if (list === undefined) return this;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]?.listener === (listener as unknown as AnyListener)) {
        list.splice(i, 1);
        break;
      }
    }
    return this;
  }

  /** Alias of {@link DgramSocket.off}. */
  removeListener<E extends keyof DgramEvents>(event: E, listener: (...args: DgramEvents[E]) => void): this {
    return this.off(event, listener);
  }

  /** Remove every listener of one event, or of all. */
  removeAllListeners(event?: keyof DgramEvents): this {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  /** How many listeners an event has. */
  listenerCount(event: keyof DgramEvents): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /**
   * Call an event's listeners synchronously, in order; whether there were any. An
   * `'error'` without listeners is thrown, as `EventEmitter` does.
   *
   * @throws the error of an `'error'` event nobody listens to.
   */
  emit<E extends keyof DgramEvents>(event: E, ...args: DgramEvents[E]): boolean {
    const list = this.#listeners.get(event);
    if (list === undefined || list.length === 0) {
      if (event === 'error') throw args[0] as Error;
      return false;
    }
    for (const r of [...list]) {
      if (r.once) {
        const i = list.indexOf(r);
        if (i >= 0) list.splice(i, 1);
      }
      (r.listener as unknown as (...a: DgramEvents[E]) => void)(...args);
    }
    return true;
  }

  #add(event: keyof DgramEvents, listener: AnyListener, once: boolean): this {
    const list = this.#listeners.get(event) ?? [];
    list.push({ listener, once });
    this.#listeners.set(event, list);
    return this;
  }

  // ---- calls ----

  /**
   * Bind, on the next turn of the clock: then `'listening'`, or `'error'` (EADDRINUSE,
   * EADDRNOTAVAIL, a name that does not resolve). `callback` is added as a one-time
   * `'listening'` listener.
   *
   * @throws DgramError ERR_SOCKET_ALREADY_BOUND when bound or binding;
   *   ERR_SOCKET_BAD_PORT; ERR_SOCKET_DGRAM_NOT_RUNNING when closed.
   */
  bind(port?: number, address?: string, callback?: () => void): this;
  bind(port: number, callback: () => void): this;
  bind(callback: () => void): this;
  bind(options: DgramBindOptions, callback?: () => void): this;
  bind(a?: number | DgramBindOptions | (() => void), b?: string | (() => void), c?: () => void): this {
    this.#health();
    let port: number | undefined;
    let address: string | undefined;
    let callback: (() => void) | undefined;
    if (typeof a === 'function') callback = a;
    else if (typeof a === 'object') {
      port = a.port;
      address = a.address;
      callback = typeof b === 'function' ? b : undefined;
    } else {
      port = a;
      if (typeof b === 'function') callback = b;
      else {
        address = b;
        callback = c;
      }
    }
    if (this.#bindState !== 'unbound') throw new DgramError('ERR_SOCKET_ALREADY_BOUND', 'Socket is already bound');
    const p = checkPort(port ?? 0, true);
    const host = address === undefined || address === '' ? '0.0.0.0' : address;
    if (callback !== undefined) this.once('listening', callback);
    this.#bindState = 'binding';
    this.#post(() => this.#doBind(host, p));
    return this;
  }

  #doBind(host: string, port: number): void {
    if (this.#closed) return;
    const ip = resolve(host);
    if (ip instanceof DgramSystemError) return this.#bindFailed(ip);
    try {
      this.#sock.bind({ address: ip, port });
    } catch (e) {
      if (!(e instanceof NetError)) throw e;
      return this.#bindFailed(DgramSystemError.from(e, 'bind', ipv4ToString(ip), port));
    }
    this.#boundAddress = ip;
    this.#bindState = 'bound';
    if (this.#recvBufferSize !== undefined) this.setRecvBufferSize(this.#recvBufferSize);
    const queue = this.#queue;
    this.#queue = undefined;
    this.emit('listening');
    for (const work of queue ?? []) work();
    if (this.#sock.queueLength > 0) this.#readable();
  }

  #bindFailed(err: DgramSystemError): void {
    this.#bindState = 'unbound';
    this.#queue = undefined;
    this.emit('error', err);
  }

  /**
   * Send one datagram to `port` at `address` (default `127.0.0.1`), or, on a connected
   * socket, to its peer with `send(msg, callback)`. An unbound socket is bound to
   * `0.0.0.0` and a free port first. The datagram leaves on a later turn of the clock;
   * `callback(null, bytes)` then, or `callback(err)` (ENETUNREACH, EMSGSIZE, a pending
   * ECONNREFUSED); without a callback the error is emitted as `'error'`.
   *
   * @throws DgramError ERR_SOCKET_BAD_PORT for a missing or invalid port on an
   *   unconnected socket; ERR_SOCKET_DGRAM_IS_CONNECTED for a destination on a connected
   *   one; ERR_SOCKET_DGRAM_NOT_RUNNING when closed.
   */
  send(msg: DgramMessage, callback?: DgramSendCallback): void;
  send(msg: DgramMessage, port: number, callback?: DgramSendCallback): void;
  send(msg: DgramMessage, port: number, address: string, callback?: DgramSendCallback): void;
  send(msg: DgramMessage, a?: number | DgramSendCallback, b?: string | DgramSendCallback, c?: DgramSendCallback): void {
    this.#health();
    const connected = this.#connectState === 'connected';
    let port: number | undefined;
    let address: string | undefined;
    let callback: DgramSendCallback | undefined;
    if (typeof a === 'function') callback = a;
    else {
      port = a;
      if (typeof b === 'function') callback = b;
      else {
        address = b;
        callback = c;
      }
    }
    if (connected && (port !== undefined || address !== undefined)) throw new DgramError('ERR_SOCKET_DGRAM_IS_CONNECTED', 'Already connected');
    if (!connected) checkPort(port, false);
    const data = bytesOf(msg);
    const to = connected ? undefined : { host: address ?? '127.0.0.1', port: port ?? 0 };
    this.#whenBound(() => this.#post(() => this.#doSend(data, to, callback)));
  }

  #doSend(data: Uint8Array, to: { host: string; port: number } | undefined, callback: DgramSendCallback | undefined): void {
    // Node's doSend: a socket closed meanwhile sends nothing and calls nobody.
    if (this.#closed) return;
    const fail = (err: DgramSystemError): void => {
      if (callback !== undefined) callback(err);
      else this.emit('error', err);
    };
    let dst: { address: number; port: number } | undefined;
    if (to !== undefined) {
      const ip = resolve(to.host);
      if (ip instanceof DgramSystemError) return fail(ip);
      dst = { address: ip, port: to.port };
    }
    try {
      this.#sock.send(data, dst);
    } catch (e) {
      if (!(e instanceof NetError)) throw e;
      return fail(DgramSystemError.from(e, 'send', dst === undefined ? undefined : ipv4ToString(dst.address), dst?.port));
    }
    callback?.(null, data.length);
  }

  /**
   * Connect to `port` at `address` (default `127.0.0.1`) on a later turn of the clock,
   * binding first if unbound: then `'connect'`, or the error (ENETUNREACH) to `callback`
   * if given, else as `'error'`. `callback` is added as a one-time `'connect'` listener.
   *
   * @throws DgramError ERR_SOCKET_DGRAM_IS_CONNECTED when connected or connecting;
   *   ERR_SOCKET_BAD_PORT; ERR_SOCKET_DGRAM_NOT_RUNNING when closed.
   */
  connect(port: number, address?: string, callback?: (err?: DgramSystemError) => void): void;
  connect(port: number, callback: (err?: DgramSystemError) => void): void;
  connect(port: number, b?: string | ((err?: DgramSystemError) => void), c?: (err?: DgramSystemError) => void): void {
    this.#health();
    const address = typeof b === 'string' ? b : undefined;
    const callback = typeof b === 'function' ? b : c;
    if (this.#connectState !== 'disconnected') throw new DgramError('ERR_SOCKET_DGRAM_IS_CONNECTED', 'Already connected');
    checkPort(port, false);
    this.#connectState = 'connecting';
    const host = address ?? '127.0.0.1';
    if (callback !== undefined) this.once('connect', callback);
    this.#whenBound(() => this.#post(() => this.#doConnect(host, port, callback)));
  }

  #doConnect(host: string, port: number, callback: ((err?: DgramSystemError) => void) | undefined): void {
    if (this.#closed) return;
    const fail = (err: DgramSystemError): void => {
      this.#connectState = 'disconnected';
      if (callback !== undefined) {
        this.off('connect', callback);
        callback(err);
      } else this.emit('error', err);
    };
    const ip = resolve(host);
    if (ip instanceof DgramSystemError) return fail(ip);
    try {
      this.#sock.connect({ address: ip, port });
    } catch (e) {
      if (!(e instanceof NetError)) throw e;
      return fail(DgramSystemError.from(e, 'connect', ipv4ToString(ip), port));
    }
    this.#connectState = 'connected';
    this.emit('connect');
  }

  /**
   * Dissolve the association (`connect` with `AF_UNSPEC`), at once: the peer is
   * forgotten and the local address goes back to the bound one (`__udp_disconnect`
   * resets a source address that `bind` did not lock). The port is kept.
   *
   * @throws DgramError ERR_SOCKET_DGRAM_NOT_CONNECTED; ERR_SOCKET_DGRAM_NOT_RUNNING.
   */
  disconnect(): void {
    this.#health();
    if (this.#connectState !== 'connected') throw new DgramError('ERR_SOCKET_DGRAM_NOT_CONNECTED', 'Not connected');
    this.#sock.remote = { address: 0, port: 0 };
    this.#sock.local = { address: this.#boundAddress, port: this.#sock.local.port };
    this.#connectState = 'disconnected';
  }

  /**
   * The bound address (`getsockname`).
   *
   * @throws DgramSystemError EBADF (`getsockname EBADF`) when not bound yet, as Node's
   *   docs say; DgramError ERR_SOCKET_DGRAM_NOT_RUNNING when closed.
   */
  address(): DgramAddressInfo {
    this.#health();
    if (this.#bindState !== 'bound') throw DgramSystemError.from(new NetError('EBADF'), 'getsockname');
    return { address: ipv4ToString(this.#sock.local.address), family: 'IPv4', port: this.#sock.local.port };
  }

  /**
   * The connected peer (`getpeername`).
   *
   * @throws DgramError ERR_SOCKET_DGRAM_NOT_CONNECTED; ERR_SOCKET_DGRAM_NOT_RUNNING.
   */
  remoteAddress(): DgramAddressInfo {
    this.#health();
    if (this.#connectState !== 'connected') throw new DgramError('ERR_SOCKET_DGRAM_NOT_CONNECTED', 'Not connected');
    return { address: ipv4ToString(this.#sock.remote.address), family: 'IPv4', port: this.#sock.remote.port };
  }

  /**
   * Close: the descriptor goes at once (and with it, when it was the last, the socket
   * and its namespace reference); `'close'` is emitted on the next turn. `callback` is
   * added as a `'close'` listener.
   *
   * @throws DgramError ERR_SOCKET_DGRAM_NOT_RUNNING when already closed.
   */
  close(callback?: () => void): this {
    if (callback !== undefined) this.on('close', callback);
    this.#health();
    this.#closed = true;
    this.#queue = undefined;
    this.#sock.onReadable(undefined);
    const t = this.#task;
    if (t.fds().includes(this.#fd) && t.file(this.#fd) === this.#sock) t.close(this.#fd);
    this.#post(() => this.emit('close'));
    return this;
  }

  /**
   * Set `SO_RCVBUF`: Linux caps the value at `rmem_max`, doubles it (room for
   * bookkeeping) and raises it to at least `SOCK_MIN_RCVBUF` (`sock_setsockopt`).
   *
   * @throws DgramError ERR_SOCKET_BAD_BUFFER_SIZE for a size that is not a 32-bit
   *   unsigned integer; ERR_SOCKET_BUFFER_SIZE when unbound (no descriptor yet in Node);
   *   ERR_SOCKET_DGRAM_NOT_RUNNING when closed.
   */
  setRecvBufferSize(size: number): void {
    this.#bufferCheck(size);
    // Node passes the size as a C int: above 2^31 - 1 it is negative, which the kernel's
    // unsigned compare then caps at rmem_max.
    this.#sock.setsockopt(SOL.SOCKET, SO.RCVBUF, size > 0x7fff_ffff ? size - 0x1_0000_0000 : size);
  }

  /**
   * `SO_RCVBUF` as the kernel reports it (the doubled value; `rmem_default` until set).
   *
   * @throws DgramError ERR_SOCKET_BUFFER_SIZE when unbound; ERR_SOCKET_DGRAM_NOT_RUNNING.
   */
  getRecvBufferSize(): number {
    this.#bufferCheck(0);
    return this.#sock.rcvbuf;
  }

  /** Node keeps its event loop alive for a referenced socket; the virtual clock has no such notion. A no-op. */
  ref(): this {
    return this;
  }

  /** See {@link DgramSocket.ref}: a no-op. */
  unref(): this {
    return this;
  }

  #bufferCheck(size: number): void {
    if (size >>> 0 !== size) throw new DgramError('ERR_SOCKET_BAD_BUFFER_SIZE', 'Buffer size must be a positive integer');
    this.#health();
    if (this.#bindState !== 'bound') {
      throw new DgramError('ERR_SOCKET_BUFFER_SIZE', 'Could not get or set buffer size: uv_recv_buffer_size returned EBADF (bad file descriptor)');
    }
  }

  #health(): void {
    if (this.#closed || this.#sock.closed) throw notRunning();
  }

  /** Bind implicitly (Node: `bind({ port: 0, exclusive: true })`) and run `work` once bound. */
  #whenBound(work: () => void): void {
    if (this.#bindState === 'unbound') this.bind({ port: 0, exclusive: true });
    if (this.#bindState === 'bound') return work();
    (this.#queue ??= []).push(work);
  }

  #post(fn: () => void): void {
    this.#kernel.clock.post((f: () => void) => f(), fn);
  }

  /**
   * The UDP socket has a datagram or an error: drain it on a later turn, as libuv reads
   * on its next poll rather than inside the kernel's receive path.
   */
  #readable(): void {
    if (this.#drainPosted || this.#bindState !== 'bound') return;
    this.#drainPosted = true;
    this.#post(() => this.#drain());
  }

  #drain(): void {
    this.#drainPosted = false;
    while (!this.#closed) {
      let d;
      try {
        d = this.#sock.recv();
      } catch (e) {
        if (!(e instanceof NetError)) throw e;
        if (e.code === 'EAGAIN') return;
        // libuv's uv__udp_recvmsg hands any errno but EAGAIN to the read callback, and
        // Node's onMessage emits it as `new ErrnoException(nread, 'recvmsg')`: a connected
        // socket's ICMP port unreachable (Linux `udp_err` → `sk_err`, reported by the next
        // recvmsg) surfaces as an 'error' event `recvmsg ECONNREFUSED`.
        this.emit('error', DgramSystemError.from(e, 'recvmsg'));
        continue;
      }
      this.emit('message', d.data, { address: ipv4ToString(d.from.address), family: 'IPv4', port: d.from.port, size: d.data.length });
    }
  }
}

/**
 * Node's `dgram` module for one task: `createSocket` makes sockets in the task's
 * namespace of the moment — where they stay, even if the task later moves.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { Dgram, socketsLayer } from '@netstage/sockets';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
 * const s = new Dgram(kernel, kernel.initTask).createSocket({ type: 'udp4', reuseAddr: true });
 * s.bind(5000, () => s.address().port); // 5000, once the clock runs
 * kernel.clock.runUntilIdle();
 * s.close();
 * ```
 */
export class Dgram {
  /** A facade creating sockets for `task` on `kernel` (booted with the sockets layer). */
  constructor(
    /** The kernel. */
    readonly kernel: Kernel,
    /** The task whose descriptor table, and current namespace, the sockets get. */
    readonly task: Task,
  ) {}

  /**
   * `dgram.createSocket`: a UDP socket of the task, in its current namespace;
   * `onMessage` is added as a `'message'` listener. (An arrow property, so it may be
   * destructured: `const { createSocket } = dgram(kernel, task)`.)
   *
   * @throws DgramError ERR_SOCKET_BAD_TYPE for a type other than `'udp4'`;
   *   DgramSystemError `socket EAFNOSUPPORT` where the namespace has no AF_INET yet.
   */
  readonly createSocket = (type: DgramSocketType | DgramSocketOptions, onMessage?: (...args: DgramEvents['message']) => void): DgramSocket => {
    const options: DgramSocketOptions = typeof type === 'string' ? { type } : type;
    if ((options.type as string) !== 'udp4') {
      throw new DgramError('ERR_SOCKET_BAD_TYPE', 'Bad socket type specified. Valid types are: udp4');
    }
    const s = new DgramSocket(this.kernel, this.task, options);
    if (onMessage !== undefined) s.on('message', onMessage);
    return s;
  };
}

/**
 * `node:dgram` for a task: `dgram(kernel, task).createSocket('udp4')`.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { dgram, socketsLayer } from '@netstage/sockets';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
 * const s = dgram(kernel, kernel.initTask).createSocket('udp4');
 * let closed = false;
 * s.close(() => { closed = true; });
 * kernel.clock.runUntilIdle();
 * closed; // true
 * ```
 */
export function dgram(kernel: Kernel, task: Task): Dgram {
  return new Dgram(kernel, task);
}
