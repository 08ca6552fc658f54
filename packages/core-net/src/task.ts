/**
 * Processes: `Task`, its namespace and its descriptor table.
 *
 * @module
 */

import { NetError } from './errno.js';
import type { Kernel } from './kernel.js';
import type { Net } from './net.js';

/**
 * An open file description, shared by every descriptor that refers to it (after
 * `fork`, or `dup`). When the last descriptor closes, {@link OpenFile.release} runs.
 *
 * Later layers subclass it for sockets and `/proc` files; core-net has one kind, the
 * namespace handle.
 *
 * @example
 * ```ts
 * import { OpenFile } from '@netstage/core-net';
 * class Note extends OpenFile {
 *   released = false;
 *   protected release(): void { this.released = true; }
 * }
 * ```
 */
export abstract class OpenFile {
  #refs = 1;

  /**
   * How many references are held: descriptors in any task's table, mounts such as
   * `/run/netns/NAME`, and a creator that has not installed it yet. A new file starts
   * with one, its creator's.
   */
  get refs(): number {
    return this.#refs;
  }

  /** Whether its last reference has gone (and {@link OpenFile.release} has run). */
  get closed(): boolean {
    return this.#refs === 0;
  }

  /**
   * Take one more reference and return the file, as `get_file()`: what a caller does
   * before installing a file that someone else keeps holding.
   *
   * @throws Error on a released file (a reference-counting bug).
   */
  get(): this {
    if (this.#refs <= 0) throw new Error('get() on a released file');
    this.#refs++;
    return this;
  }

  /**
   * Drop one reference, as `fput()`; the last one runs {@link OpenFile.release}.
   *
   * @throws Error when no reference is held (a reference-counting bug).
   */
  put(): void {
    if (this.#refs <= 0) throw new Error('put() on a released file');
    this.#refs--;
    if (this.#refs === 0) this.release();
  }

  /** Free what the file holds; runs once, when the last reference goes. */
  protected abstract release(): void;
}

/**
 * An open network namespace file — `/proc/PID/ns/net`, or a bind mount of one such as
 * `/run/netns/NAME` — holding a counted reference to its namespace.
 *
 * @remarks
 * nsfs (`fs/nsfs.c`); `setns(fd, CLONE_NEWNET)` takes one.
 *
 * @example
 * ```ts
 * import { Kernel, NetNsFile } from '@netstage/core-net';
 * const kernel = Kernel.boot();
 * const fd = kernel.initTask.openNetNs();
 * const file = kernel.initTask.file(fd);
 * file instanceof NetNsFile && file.net.isInit; // true
 * kernel.initTask.close(fd);
 * ```
 */
export class NetNsFile extends OpenFile {
  /** The namespace it refers to. */
  readonly net: Net;

  /** Opens a handle on `net`, taking a reference. */
  constructor(net: Net) {
    super();
    net.get();
    this.net = net;
  }

  protected release(): void {
    this.net.put();
  }
}

/** The namespaces `unshare` is asked to create; netstage models the network one. */
export interface UnshareFlags {
  /** `CLONE_NEWNET`. */
  readonly net?: boolean;
}

/**
 * A process: a pid, its network namespace (a counted reference) and its descriptor
 * table.
 *
 * @remarks
 * `task->nsproxy->net_ns` (patch 04 of the 2007 series); `unshare(2)`, `setns(2)`,
 * `fork(2)`, `exit(2)`.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * const kernel = Kernel.boot();
 * const shell = kernel.initTask.fork();
 * shell.unshare({ net: true });
 * shell.net === kernel.initNet; // false
 * const back = kernel.initTask.openNetNs();
 * const fdInShell = shell.install(kernel.initTask.file(back).get());
 * shell.setns(fdInShell);
 * shell.net === kernel.initNet; // true
 * shell.exit();
 * ```
 */
export class Task {
  /** Process id, unique for the kernel's life. */
  readonly pid: number;
  /** The kernel it runs on. */
  readonly kernel: Kernel;
  #net: Net;
  #files: (OpenFile | undefined)[] = [];
  #alive = true;

  /** @internal tasks are made by the kernel (boot) and by {@link Task.fork}. */
  constructor(kernel: Kernel, pid: number, net: Net) {
    this.kernel = kernel;
    this.pid = pid;
    net.get();
    this.#net = net;
  }

  /** The task's current network namespace. */
  get net(): Net {
    return this.#net;
  }

  /** Whether it has not exited. */
  get alive(): boolean {
    return this.#alive;
  }

  /** Number of open descriptors. */
  get fdCount(): number {
    let n = 0;
    for (const f of this.#files) if (f !== undefined) n++;
    return n;
  }

  /** The open descriptors, ascending (what `ls /proc/PID/fd` lists). */
  fds(): number[] {
    const out: number[] = [];
    this.#files.forEach((f, fd) => {
      if (f !== undefined) out.push(fd);
    });
    return out;
  }

  /**
   * A child process in the same namespace with a copy of the descriptor table.
   *
   * @throws NetError ESRCH if this task has exited.
   */
  fork(): Task {
    this.#live('fork');
    const child = this.kernel._spawn(this.#net);
    for (const f of this.#files) {
      if (f !== undefined) f.get();
    }
    child.#files = this.#files.slice();
    return child;
  }

  /**
   * Exit: close every descriptor and drop the namespace reference. Exiting twice is a
   * no-op, as a zombie is reaped once.
   */
  exit(): void {
    if (!this.#alive) return;
    this.#alive = false;
    const files = this.#files;
    this.#files = [];
    for (const f of files) f?.put();
    this.kernel._reap(this);
    this.#net.put();
  }

  /**
   * Move into new namespaces; `{ net: true }` creates a network namespace
   * (`unshare(CLONE_NEWNET)`).
   *
   * @throws NetError EINVAL while the `net-ns-clone` stage is off (a kernel without
   *   `CONFIG_NET_NS`); whatever a pernet `init` threw if the namespace could not be
   *   built, in which case nothing changed; ESRCH if the task has exited.
   */
  unshare(flags: UnshareFlags): void {
    this.#live('unshare');
    if (flags.net !== true) return;
    const fresh = this.kernel._copyNet(this.#net);
    fresh.get();
    const old = this.#net;
    this.#net = fresh;
    old.put();
  }

  /**
   * Join the namespace an open namespace file refers to (`setns(fd, CLONE_NEWNET)`).
   *
   * @throws NetError EBADF for a descriptor that is not open; EINVAL for a file that is
   *   not a network namespace, or for a non-initial namespace while `net-ns-task` is
   *   off; ESRCH if the task has exited.
   */
  setns(fd: number): void {
    this.#live('setns');
    const file = this.#lookup(fd, 'setns');
    if (!(file instanceof NetNsFile)) throw new NetError('EINVAL', { syscall: 'setns' });
    const target = file.net;
    if (!this.kernel.stages.gate(this.kernel.manifest.stage('net-ns-task'), target)) {
      throw new NetError('EINVAL', { syscall: 'setns' });
    }
    if (target === this.#net) return;
    target.get();
    const old = this.#net;
    this.#net = target;
    old.put();
  }

  /** Open `/proc/self/ns/net`: a descriptor holding a reference to the current namespace. */
  openNetNs(): number {
    this.#live('open');
    return this.#installNew(new NetNsFile(this.#net));
  }

  /**
   * Put an open file in the lowest free descriptor, as `fd_install()`: the descriptor
   * takes over one reference the caller holds (call {@link OpenFile.get} first to keep
   * your own).
   *
   * @throws NetError ESRCH if the task has exited; EBADF if the file is already released.
   * @example
   * ```ts
   * import { Kernel, OpenFile } from '@netstage/core-net';
   * class Note extends OpenFile {
   *   protected release(): void {}
   * }
   * const task = Kernel.boot().initTask;
   * const note = new Note();           // one reference: ours
   * const fd = task.install(note);     // now the descriptor's
   * task.close(fd);
   * note.closed;                       // true
   * ```
   */
  install(file: OpenFile): number {
    this.#live('install');
    if (file.closed) throw new NetError('EBADF', { syscall: 'install' });
    return this.#installNew(file);
  }

  /**
   * The open file behind a descriptor.
   *
   * @throws NetError EBADF when the descriptor is not open.
   */
  file(fd: number): OpenFile {
    return this.#lookup(fd, 'fcntl');
  }

  /**
   * Close a descriptor.
   *
   * @throws NetError EBADF when the descriptor is not open.
   */
  close(fd: number): void {
    const f = this.#lookup(fd, 'close');
    this.#files[fd] = undefined;
    f.put();
  }

  #lookup(fd: number, syscall: string): OpenFile {
    const f = this.#files[fd];
    if (f === undefined) throw new NetError('EBADF', { syscall });
    return f;
  }

  #installNew(file: OpenFile): number {
    let fd = this.#files.indexOf(undefined);
    if (fd < 0) fd = this.#files.length;
    this.#files[fd] = file;
    return fd;
  }

  #live(syscall: string): void {
    if (!this.#alive) throw new NetError('ESRCH', { syscall });
  }
}
