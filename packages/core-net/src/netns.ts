/**
 * Named namespaces: the `/run/netns` directory that `ip netns` manages.
 *
 * @module
 */

import { NetError } from './errno.js';
import type { Kernel } from './kernel.js';
import type { Net } from './net.js';
import { NetNsFile, type Task } from './task.js';

const RUN_DIR = '/run/netns';
const NAME_MAX = 255;

/**
 * The `/run/netns` directory: each name is a bind mount of a namespace file, which is
 * what keeps an `ip netns` namespace alive. Deleting a name removes only that
 * reference; the namespace lives on while a task, a socket or an open handle holds it.
 *
 * Errors carry iproute2 6.1's messages in `detail`.
 *
 * @remarks
 * iproute2 `ip/ipnetns.c` (`netns_add`, `netns_delete`, `netns_exec`,
 * `netns_identify`, `netns_pids`); reference §3.1, §3.4 and §5.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * const kernel = Kernel.boot();
 * kernel.netns.add('red');
 * kernel.netns.add('blue');
 * kernel.netns.list();            // ['blue', 'red'] (newest first, as `ip netns list`)
 * const sh = kernel.netns.exec('red', kernel.initTask);
 * kernel.netns.identify(sh.net);  // ['red']
 * kernel.netns.del('red');        // the name goes; `sh` still holds the namespace
 * sh.exit();
 * ```
 */
export class NetnsRegistry {
  readonly #kernel: Kernel;
  readonly #names = new Map<string, NetNsFile>();

  /** @internal one per kernel. */
  constructor(kernel: Kernel) {
    this.#kernel = kernel;
  }

  /**
   * `ip netns add NAME`: create a namespace and bind it to the name.
   *
   * @param by - the task running `ip` (its namespace is the parent); defaults to the
   *   init task.
   * @throws NetError EINVAL `Invalid netns name "…"`; EEXIST `Cannot create namespace
   *   file "/run/netns/NAME": File exists`; EINVAL `Failed to create a new network
   *   namespace "NAME": Invalid argument` while `net-ns-clone` is off (the name is not
   *   left behind); whatever a pernet `init` threw, likewise.
   */
  add(name: string, by: Task = this.#kernel.initTask): Net {
    checkName(name);
    if (this.#names.has(name)) {
      throw new NetError('EEXIST', { syscall: 'open', detail: `Cannot create namespace file "${RUN_DIR}/${name}": File exists` });
    }
    let net: Net;
    try {
      net = this.#kernel._copyNet(by.net);
    } catch (err) {
      if (err instanceof NetError) {
        throw new NetError(err.code, {
          syscall: 'unshare',
          detail: `Failed to create a new network namespace "${name}": ${err.strerror}`,
        });
      }
      throw err;
    }
    this.#names.set(name, new NetNsFile(net));
    return net;
  }

  /**
   * `ip netns del NAME`: remove the name and its reference.
   *
   * @throws NetError EINVAL for an invalid name; ENOENT `Cannot remove namespace file
   *   "/run/netns/NAME": No such file or directory`.
   */
  del(name: string): void {
    const file = this.#lookup(name, 'unlink', `Cannot remove namespace file "${RUN_DIR}/${name}"`);
    this.#names.delete(name);
    file.put();
  }

  /** `ip netns list`: the names, newest first (readdir order of a tmpfs `/run/netns`). */
  list(): string[] {
    return [...this.#names.keys()].reverse();
  }

  /** The namespace bound to a name, if any. */
  get(name: string): Net | undefined {
    return this.#names.get(name)?.net;
  }

  /**
   * Open `/run/netns/NAME` in a task: a descriptor for `setns`.
   *
   * @throws NetError EINVAL for an invalid name; ENOENT `Cannot open network namespace
   *   "NAME": No such file or directory`.
   */
  open(name: string, task: Task): number {
    return task.install(this.#lookup(name).get());
  }

  /** The file bound to a name; ENOENT with `what` as iproute2 words it. */
  #lookup(name: string, syscall = 'open', what = `Cannot open network namespace "${name}"`): NetNsFile {
    checkName(name);
    const file = this.#names.get(name);
    if (file === undefined) throw new NetError('ENOENT', { syscall, detail: `${what}: No such file or directory` });
    return file;
  }

  /**
   * `ip netns exec NAME …`: a child of `task` that has joined the named namespace.
   * The caller runs the command in it and exits it.
   *
   * @throws NetError as {@link NetnsRegistry.open}; EINVAL `setting the network
   *   namespace "NAME" failed: Invalid argument` when `setns` refuses. Nothing is left
   *   behind on failure.
   */
  exec(name: string, task: Task): Task {
    const file = this.#lookup(name);
    const child = task.fork();
    try {
      const fd = child.install(file.get());
      child.setns(fd);
      child.close(fd);
    } catch (err) {
      child.exit();
      if (err instanceof NetError) {
        throw new NetError(err.code, {
          syscall: 'setns',
          detail: `setting the network namespace "${name}" failed: ${err.strerror}`,
        });
      }
      throw err;
    }
    return child;
  }

  /** `ip netns identify`: the names bound to `net`, in `list()` order. */
  identify(net: Net): string[] {
    return this.list().filter((n) => this.#names.get(n)?.net === net);
  }

  /**
   * `ip netns pids NAME`: pids of the live tasks in the named namespace, ascending.
   *
   * @throws NetError EINVAL for an invalid name; ENOENT `Cannot open network namespace:
   *   No such file or directory` (iproute2 6.1 omits the name here).
   */
  pids(name: string): number[] {
    const file = this.#lookup(name, 'open', 'Cannot open network namespace');
    return this.#kernel.tasks().filter((t) => t.net === file.net).map((t) => t.pid);
  }
}

function checkName(name: string): void {
  if (name.length === 0 || utf8Length(name) > NAME_MAX || name.includes('/') || name === '.' || name === '..') {
    throw new NetError('EINVAL', { detail: `Invalid netns name "${name}"` });
  }
}

/**
 * Bytes of `s` in UTF-8: kernel name limits (`NAME_MAX`, `IFNAMSIZ`) count bytes, not
 * characters.
 *
 * @example
 * ```ts
 * import { utf8Length } from '@netstage/core-net';
 * utf8Length('veth0'); // 5
 * utf8Length('é');     // 2
 * ```
 */
export function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}
