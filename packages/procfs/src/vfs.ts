/**
 * A small virtual filesystem mounted at `/proc`: `/proc/net` (per namespace),
 * `/proc/self`, `/proc/PID/net`, `/proc/sys/net`. Lower layers' data is formatted by the
 * files registered here; procfs keeps no network state of its own.
 *
 * @module
 */

import { NetError, OpenFile, defineKernelKey, type Kernel, type Net, type Stage, type Task } from '@netstage/core-net';
import { PROCFS_STAGES } from './stages.js';

/** What a file's formatter or writer sees: the kernel and the namespace bound at open. */
export interface ProcContext {
  /** The kernel. */
  readonly kernel: Kernel;
  /** The namespace of the opener (or of process PID, for `/proc/PID/net`), fixed at open. */
  readonly net: Net;
}

/**
 * A file of `/proc/net`, registered by name.
 *
 * @remarks
 * `proc_create_net()` / `proc_create_seq_private()` in a pernet init; the file exists in
 * a namespace once the stages that registered it per namespace are on.
 */
export interface ProcNetFileDef {
  /** The file name in `/proc/net`, such as `udp`. */
  readonly name: string;
  /**
   * The stages a non-initial namespace needs for this file to exist there (besides
   * `proc-net-per-ns`, which every file needs). A closed one: ENOENT, counted.
   */
  readonly stages: readonly string[];
  /** The whole content, formatted from the lower layers' state of `ctx.net`. */
  show(ctx: ProcContext): string;
}

/**
 * A file of `/proc/sys/net`.
 *
 * @remarks
 * A `ctl_table` entry registered with `register_net_sysctl()`; `read` and `write` are its
 * `proc_handler` in each direction.
 */
export interface SysctlDef {
  /**
   * The path below `/proc/sys/net`, such as `ipv4/ip_forward`; a `*` segment stands for
   * each name a {@link SysctlDirDef} with that prefix lists (`ipv4/conf/*`/`forwarding`).
   */
  readonly path: string;
  /** Stages a non-initial namespace needs (besides `net-sysctl-per-ns`). */
  readonly stages: readonly string[];
  /** The value with its trailing newline, as `cat` shows it. `names` holds what each `*` matched. */
  read(ctx: ProcContext, names: readonly string[]): string;
  /**
   * Parse and store a written value (absent for a read-only file, mode 0444).
   *
   * @throws NetError EINVAL for a bad value, having changed nothing.
   */
  write?(ctx: ProcContext, text: string, names: readonly string[]): void;
}

/** The names a `*` directory of `/proc/sys/net` holds, such as `ipv4/conf/*`. */
export interface SysctlDirDef {
  /** The path of the `*` directory level, such as `ipv4/conf/*`. */
  readonly path: string;
  /** Its entries in the namespace (`all`, `default`, then one per device). */
  names(ctx: ProcContext, outer: readonly string[]): readonly string[];
}

/** What {@link ProcFs.stat} reports. */
export interface ProcStat {
  /** File, directory or symbolic link. */
  readonly type: 'file' | 'dir' | 'link';
  /** Permission bits: 0o444 or 0o644 for files, 0o555 for directories, 0o777 for links. */
  readonly mode: number;
}

type Node =
  | { readonly kind: 'dir'; names(): string[]; child(name: string): Node | undefined }
  | { readonly kind: 'link'; readonly target: string }
  | {
      readonly kind: 'file';
      readonly mode: number;
      readonly ctx: ProcContext;
      read(): string;
      write: ((text: string) => void) | undefined;
    };

type FileNode = Extract<Node, { kind: 'file' }>;

/** A registered sysctl: its definition, path segments and gates. */
interface SysctlEntry {
  readonly def: SysctlDef;
  readonly segs: readonly string[];
  readonly stages: readonly Stage[];
}

/** How a file is opened: read, write, or both (`O_RDONLY`, `O_WRONLY`, `O_RDWR`). */
export type OpenMode = 'r' | 'w' | 'rw';

/**
 * An open `/proc` file. It holds a counted reference to the namespace it was opened in
 * and keeps showing that namespace after the task moves (reference §3.6).
 *
 * @remarks
 * `seq_open_net()` takes a reference to the net (`get_net`), `seq_release_net()` drops
 * it. Content is generated at the first read, as a `seq_file` fills its buffer.
 */
export class ProcFile extends OpenFile {
  /** The namespace the file shows. */
  readonly net: Net;
  /** How it was opened. */
  readonly mode: OpenMode;
  readonly #node: FileNode;
  #content: string | undefined;
  #offset = 0;

  /** @internal procfs only. */
  constructor(node: FileNode, mode: OpenMode) {
    super();
    node.ctx.net.get();
    this.net = node.ctx.net;
    this.#node = node;
    this.mode = mode;
  }

  /** @internal */
  read(count: number): string {
    if (this.mode === 'w') throw new NetError('EBADF', { syscall: 'read' });
    this.#content ??= this.#node.read();
    const out = this.#content.slice(this.#offset, this.#offset + count);
    this.#offset += out.length;
    return out;
  }

  /** @internal */
  write(text: string): number {
    if (this.mode === 'r') throw new NetError('EBADF', { syscall: 'write' });
    const w = this.#node.write;
    if (w === undefined) throw new NetError('EIO', { syscall: 'write' });
    w(text);
    return text.length;
  }

  protected release(): void {
    this.net.put();
  }
}

/** The procfs state of a kernel. */
export const PROCFS = defineKernelKey<ProcFs>('procfs');

/**
 * The `/proc` filesystem of a kernel: files registered by the layers, looked up per
 * namespace, opened onto tasks' descriptor tables.
 *
 * @remarks
 * `fs/proc/proc_net.c` (the per-namespace `/proc/net` directory, `/proc/PID/net`),
 * `fs/proc/self.c`, `fs/proc/proc_sysctl.c` with `net/sysctl_net.c` (the per-namespace
 * sysctl tables).
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { socketsLayer } from '@netstage/sockets';
 * import { procFs, procfsLayer } from '@netstage/procfs';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer(), procfsLayer()] });
 * const fs = procFs(kernel);
 * fs.readFile(kernel.initTask, '/proc/net/dev').split('\n')[2]?.trim().startsWith('lo:'); // true
 * fs.readlink(kernel.initTask, '/proc/net'); // 'self/net'
 * ```
 */
export class ProcFs {
  readonly #kernel: Kernel;
  readonly #netFiles = new Map<string, { def: ProcNetFileDef; stages: readonly Stage[] }>();
  readonly #sysctls: SysctlEntry[] = [];
  readonly #sysctlDirs = new Map<string, SysctlDirDef>();
  readonly #procNet: Stage;
  readonly #sysctl: Stage;
  readonly #self: Stage;

  /** @internal the procfs layer creates it. */
  constructor(kernel: Kernel) {
    this.#kernel = kernel;
    this.#procNet = kernel.manifest.stage(PROCFS_STAGES.procNet);
    this.#sysctl = kernel.manifest.stage(PROCFS_STAGES.sysctl);
    this.#self = kernel.manifest.stage(PROCFS_STAGES.procNetSelf);
  }

  /**
   * Add a file to `/proc/net`.
   *
   * @throws Error on a duplicate name or an unknown stage (a definition error).
   */
  registerNetFile(def: ProcNetFileDef): void {
    if (this.#netFiles.has(def.name)) throw new Error(`/proc/net/${def.name} registered twice`);
    this.#netFiles.set(def.name, { def, stages: [this.#procNet, ...def.stages.map((s) => this.#kernel.manifest.stage(s))] });
  }

  /**
   * Add a file to `/proc/sys/net`.
   *
   * @throws Error on a duplicate path or an unknown stage.
   */
  registerSysctl(def: SysctlDef): void {
    if (this.#sysctls.some((s) => s.def.path === def.path)) throw new Error(`/proc/sys/net/${def.path} registered twice`);
    this.#sysctls.push({
      def,
      segs: def.path.split('/'),
      stages: [this.#sysctl, ...def.stages.map((s) => this.#kernel.manifest.stage(s))],
    });
  }

  /** Say what a `*` level of `/proc/sys/net` lists. */
  registerSysctlDir(def: SysctlDirDef): void {
    this.#sysctlDirs.set(def.path, def);
  }

  /**
   * `open(2)` on a `/proc` path: the file goes into the task's lowest free descriptor,
   * bound to the namespace it shows.
   *
   * @throws NetError ENOENT (no such file, or not registered for this namespace yet);
   *   ENOTDIR; EISDIR (a directory opened for writing); EACCES (a read-only file
   *   opened for writing).
   */
  open(task: Task, path: string, mode: OpenMode = 'r'): number {
    const node = this.#resolve(task, path, 'open');
    if (node.kind === 'dir') {
      if (mode !== 'r') throw new NetError('EISDIR', { syscall: 'open' });
      throw new NetError('EISDIR', { syscall: 'read' });
    }
    if (node.kind === 'link') throw new Error('unreachable: links are followed');
    if (mode !== 'r' && (node.mode & 0o200) === 0) throw new NetError('EACCES', { syscall: 'open' });
    return task.install(new ProcFile(node, mode));
  }

  /**
   * `read(2)`: up to `count` characters from the current offset (all that is left by
   * default); `''` at the end.
   *
   * @throws NetError EBADF (not a `/proc` file, or opened write-only).
   */
  read(task: Task, fd: number, count = Number.MAX_SAFE_INTEGER): string {
    return this.#file(task, fd, 'read').read(count);
  }

  /**
   * `write(2)`: hand the text to the file's handler.
   *
   * @throws NetError EBADF; EINVAL for a value the file refuses (nothing changes).
   */
  write(task: Task, fd: number, text: string): number {
    return this.#file(task, fd, 'write').write(text);
  }

  /**
   * Open, read everything, close: what `cat FILE` does.
   *
   * @throws NetError as {@link ProcFs.open}.
   */
  readFile(task: Task, path: string): string {
    const fd = this.open(task, path);
    try {
      return this.read(task, fd);
    } finally {
      task.close(fd);
    }
  }

  /**
   * Open for writing, write, close: what `echo VALUE > FILE` does.
   *
   * @throws NetError as {@link ProcFs.open} and {@link ProcFs.write}.
   */
  writeFile(task: Task, path: string, text: string): void {
    const fd = this.open(task, path, 'w');
    try {
      this.write(task, fd, text);
    } finally {
      task.close(fd);
    }
  }

  /**
   * The names in a directory, sorted as procfs keeps them (by name).
   *
   * @throws NetError ENOENT; ENOTDIR.
   */
  readdir(task: Task, path: string): string[] {
    const node = this.#resolve(task, path, 'open');
    if (node.kind !== 'dir') throw new NetError('ENOTDIR', { syscall: 'scandir' });
    return node.names();
  }

  /**
   * `readlink(2)`.
   *
   * @throws NetError ENOENT; EINVAL when the path is not a symbolic link.
   */
  readlink(task: Task, path: string): string {
    const node = this.#resolve(task, path, 'readlink', false);
    if (node.kind !== 'link') throw new NetError('EINVAL', { syscall: 'readlink' });
    return node.target;
  }

  /**
   * `stat(2)` (following links).
   *
   * @throws NetError ENOENT; ENOTDIR.
   */
  stat(task: Task, path: string): ProcStat {
    const node = this.#resolve(task, path, 'stat');
    if (node.kind === 'dir') return { type: 'dir', mode: 0o555 };
    if (node.kind === 'link') return { type: 'link', mode: 0o777 };
    return { type: 'file', mode: node.mode };
  }

  #file(task: Task, fd: number, syscall: string): ProcFile {
    const f = task.file(fd);
    if (!(f instanceof ProcFile)) throw new NetError('EBADF', { syscall });
    return f;
  }

  /** Walk an absolute path from `/`, following links (the last one only when `follow`). */
  #resolve(task: Task, path: string, syscall: string, follow = true): Node {
    if (!path.startsWith('/')) throw new NetError('ENOENT', { syscall });
    let segs = path.split('/').filter((s) => s !== '' && s !== '.');
    for (let hops = 0; hops < 40; hops++) {
      const out: string[] = [];
      let node: Node = this.#root(task);
      let restarted = false;
      for (let i = 0; i < segs.length; i++) {
        const seg = segs[i] as string;
        if (seg === '..') {
          out.pop();
          node = this.#walk(task, out, syscall);
          continue;
        }
        if (node.kind !== 'dir') throw new NetError('ENOTDIR', { syscall });
        const next = node.child(seg);
        if (next === undefined) throw new NetError('ENOENT', { syscall });
        const last = i === segs.length - 1;
        if (next.kind === 'link' && (!last || follow)) {
          segs = [...out, ...next.target.split('/'), ...segs.slice(i + 1)];
          restarted = true;
          break;
        }
        out.push(seg);
        node = next;
      }
      if (!restarted) return node;
    }
    throw new NetError('ENOENT', { syscall });
  }

  /** The node at a link-free path (used after `..`). */
  #walk(task: Task, segs: readonly string[], syscall: string): Node {
    let node: Node = this.#root(task);
    for (const seg of segs) {
      if (node.kind !== 'dir') throw new NetError('ENOTDIR', { syscall });
      const next = node.child(seg);
      if (next === undefined) throw new NetError('ENOENT', { syscall });
      node = next;
    }
    return node;
  }

  #root(task: Task): Node {
    const proc = this.#procRoot(task);
    return dir(
      () => ['proc'],
      (name) => (name === 'proc' ? proc : undefined),
    );
  }

  #procRoot(task: Task): Node {
    const kernel = this.#kernel;
    const selfLink = (): boolean => kernel.stages.isOn(this.#self) || task.net.isInit;
    return dir(
      () => ['net', 'self', 'sys', ...kernel.tasks().map((t) => String(t.pid))],
      (name) => {
        if (name === 'net') {
          if (kernel.stages.gate(this.#self, task.net)) return { kind: 'link', target: 'self/net' };
          return this.#netDir(task.net);
        }
        if (name === 'self') return { kind: 'link', target: String(task.pid) };
        if (name === 'sys') return dir(() => ['net'], (n) => (n === 'net' ? this.#sysctlDir(task.net, []) : undefined));
        if (!/^[1-9][0-9]*$/.test(name)) return undefined;
        const target = kernel.task(Number(name));
        if (target === undefined || !target.alive) return undefined;
        return dir(
          () => (selfLink() ? ['net'] : []),
          (n) => (n === 'net' && kernel.stages.gate(this.#self, task.net) ? this.#netDir(target.net) : undefined),
        );
      },
    );
  }

  #visible(stages: readonly Stage[], net: Net): boolean {
    if (net.isInit) return true;
    for (const s of stages) if (!this.#kernel.stages.isOn(s)) return false;
    return true;
  }

  #open(stages: readonly Stage[], net: Net): boolean {
    for (const s of stages) if (!this.#kernel.stages.gate(s, net)) return false;
    return true;
  }

  #netDir(net: Net): Node {
    const ctx: ProcContext = { kernel: this.#kernel, net };
    return dir(
      () => [...this.#netFiles.values()].filter((f) => this.#visible(f.stages, net)).map((f) => f.def.name),
      (name) => {
        const f = this.#netFiles.get(name);
        if (f === undefined || !this.#open(f.stages, net)) return undefined;
        return { kind: 'file', mode: 0o444, ctx, read: () => f.def.show(ctx), write: undefined };
      },
    );
  }

  /** The `/proc/sys/net` directory at `prefix` (literal names), for `net`. */
  #sysctlDir(net: Net, prefix: readonly string[]): Node {
    const ctx: ProcContext = { kernel: this.#kernel, net };
    return dir(
      () => {
        const names = new Set<string>();
        for (const s of this.#sysctls) {
          if (s.segs.length <= prefix.length || !this.#visible(s.stages, net)) continue;
          const wild = this.#match(ctx, s.segs, prefix);
          if (wild === undefined) continue;
          const seg = s.segs[prefix.length] as string;
          if (seg === '*') for (const n of this.#dirNames(ctx, s.segs, prefix.length, wild)) names.add(n);
          else names.add(seg);
        }
        return [...names];
      },
      (name) => {
        const path = [...prefix, name];
        const matches: { s: SysctlEntry; wild: string[] }[] = [];
        for (const s of this.#sysctls) {
          if (s.segs.length < path.length) continue;
          const wild = this.#match(ctx, s.segs, path);
          if (wild !== undefined) matches.push({ s, wild });
        }
        const first = matches[0];
        if (first === undefined) return undefined;
        let usable = matches.filter((m) => this.#visible(m.s.stages, net));
        // Only tables not registered for this namespace match: the gate decides (and
        // counts the refusal against the first closed stage).
        if (usable.length === 0) usable = this.#open(first.s.stages, net) ? matches : [];
        if (usable.length === 0) return undefined;
        const leaf = usable.find((m) => m.s.segs.length === path.length);
        if (leaf === undefined) return this.#sysctlDir(net, path);
        if (!this.#open(leaf.s.stages, net)) return undefined;
        const def = leaf.s.def;
        const write = def.write;
        return {
          kind: 'file',
          mode: write === undefined ? 0o444 : 0o644,
          ctx,
          read: () => def.read(ctx, leaf.wild),
          write: write === undefined ? undefined : (text: string) => write.call(def, ctx, text, leaf.wild),
        };
      },
    );
  }

  /** Whether `path` matches the first segments of `segs`; the names `*` matched if so. */
  #match(ctx: ProcContext, segs: readonly string[], path: readonly string[]): string[] | undefined {
    const wild: string[] = [];
    for (let i = 0; i < path.length; i++) {
      const seg = segs[i] as string;
      const name = path[i] as string;
      if (seg === '*') {
        if (!this.#dirNames(ctx, segs, i, wild).includes(name)) return undefined;
        wild.push(name);
      } else if (seg !== name) return undefined;
    }
    return wild;
  }

  #dirNames(ctx: ProcContext, segs: readonly string[], level: number, outer: readonly string[]): readonly string[] {
    const d = this.#sysctlDirs.get(segs.slice(0, level + 1).join('/'));
    return d === undefined ? [] : d.names(ctx, outer);
  }
}

function dir(names: () => string[], child: (name: string) => Node | undefined): Node {
  return { kind: 'dir', names: () => names().sort(byteOrder), child };
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The `/proc` filesystem of a kernel booted with the procfs layer.
 *
 * @throws Error when the procfs layer is not registered.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { socketsLayer } from '@netstage/sockets';
 * import { procFs, procfsLayer } from '@netstage/procfs';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer(), procfsLayer()] });
 * procFs(kernel).readdir(kernel.initTask, '/proc/sys/net').includes('ipv4'); // true
 * ```
 */
export function procFs(kernel: Kernel): ProcFs {
  return kernel.state(PROCFS);
}
