/**
 * The simulated machine: `Kernel` and the `Layer` contract layers register through.
 *
 * @module
 */

import { VirtualClock } from './clock.js';
import { coreNetStages } from './core-stages.js';
import { NetError } from './errno.js';
import { StageSet } from './gate.js';
import { Net, type NetKey } from './net.js';
import { NetnsRegistry } from './netns.js';
import { PernetList, type PernetKind, type PernetOperations } from './pernet.js';
import { Prng } from './random.js';
import { Manifest, ManifestError, type Stage, type StageDef, StageSelection } from './stage.js';
import { Task } from './task.js';

/**
 * What a layer package gives the kernel: its stages, as data, and a `register` that
 * plugs in its pernet operations (and, in later layers, receive handlers, device-event
 * callbacks and files).
 *
 * @example
 * ```ts
 * import { Kernel, defineNetKey, type Layer } from '@netstage/core-net';
 * const HITS = defineNetKey<{ n: number }>('hits');
 * const hits: Layer = {
 *   name: 'hits',
 *   register(kernel) {
 *     kernel.registerPernetSubsys({ name: 'hits', key: HITS, init: () => ({ n: 0 }) });
 *   },
 * };
 * const kernel = Kernel.boot({ layers: [hits] });
 * kernel.initNet.state(HITS).n; // 0
 * ```
 */
export interface Layer {
  /** The layer's name: `devices`. */
  readonly name: string;
  /** The stages it contributes to the series. */
  readonly stages?: readonly StageDef[];
  /** Plug into a freshly booted kernel. */
  readonly register?: (kernel: Kernel) => void;
}

let nextKernelKeyIndex = 0;

/**
 * A typed slot on the kernel itself, for a layer's kernel-wide tables (the device-event
 * chain, the packet-type table): state that Linux keeps in globals because there is one
 * kernel, and netstage hangs off `Kernel` because there may be many.
 */
export interface KernelKey<T> {
  /** A name for messages. */
  readonly name: string;
  /** Slot index. */
  readonly index: number;
  /** Phantom field carrying the state type; never set. */
  readonly __type?: T;
}

/**
 * Define a typed kernel-wide state slot.
 *
 * @example
 * ```ts
 * import { Kernel, defineKernelKey } from '@netstage/core-net';
 * const CHAIN = defineKernelKey<string[]>('example-chain');
 * const kernel = Kernel.boot();
 * kernel.setState(CHAIN, []);
 * kernel.state(CHAIN).push('hello');
 * ```
 */
export function defineKernelKey<T>(name: string): KernelKey<T> {
  return Object.freeze({ name, index: nextKernelKeyIndex++ });
}

/** Options of {@link Kernel.boot}. */
export interface BootOptions {
  /**
   * Which stages are on: a selection as `--stage` takes it (`all`, `none`, a number, a
   * stage id, a comma-separated list) or an already parsed selection. Default `all`.
   */
  readonly stages?: string | StageSelection;
  /** Seed of the kernel's PRNG. Default 0. */
  readonly seed?: number;
  /** Layer packages to register, lowest first. core-net is always there. */
  readonly layers?: readonly Layer[];
  /**
   * Test-only fault injection: the gates of these stages let every namespace through
   * even while the stage is off, as if an entry point had forgotten its gate. State
   * still resolves to `initNet`'s, so a removed gate leaks — which is what the bisect
   * harness must notice. Never set this outside tests.
   */
  readonly unsafeRemoveGates?: readonly string[];
}

/**
 * The simulated kernel: `initNet`, the live namespaces, the pernet registry, the stage
 * set, the virtual clock and event queue, the seeded PRNG, the tasks and the named
 * namespaces.
 *
 * @remarks
 * `net/core/net_namespace.c` (`net_namespace_list`, `setup_net`, `copy_net_ns`,
 * `cleanup_net`) and the process side of `kernel/nsproxy.c`.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * const kernel = Kernel.boot({ stages: 'all', seed: 7 });
 * kernel.netns.add('a');
 * kernel.netCount;          // 2: initNet and 'a'
 * kernel.netns.del('a');    // last reference: 'a' is hidden at once...
 * kernel.netCount;          // 1
 * kernel.clock.runUntilIdle(); // ...and torn down on the event queue
 * ```
 */
export class Kernel {
  /** The composed stage manifest of every registered layer. */
  readonly manifest: Manifest;
  /** The stages in force and their gates. */
  readonly stages: StageSet;
  /** Virtual time and the event queue. */
  readonly clock = new VirtualClock();
  /** The seeded PRNG. */
  readonly random: Prng;
  /** The initial namespace (`init_net`); it never dies. */
  readonly initNet: Net;
  /** pid 1, in `initNet`. */
  readonly initTask: Task;
  /** `/run/netns`: the named namespaces of `ip netns`. */
  readonly netns: NetnsRegistry;
  /** The names of the registered layers, lowest first. */
  readonly layers: readonly string[];

  readonly #pernet = new PernetList();
  readonly #nets = new Map<number, Net>();
  readonly #tasks = new Map<number, Task>();
  readonly #keyOwned: boolean[] = [];
  readonly #kernelSlots: unknown[] = [];
  /** Namespaces whose last reference went and whose teardown has not run yet. */
  readonly #dyingNets = new Set<Net>();
  readonly #cloneStage: Stage;
  #nextNetId = 0;
  #nextPid = 1;

  private constructor(options: BootOptions) {
    const layers = options.layers ?? [];
    const names = new Set<string>(['core-net']);
    for (const l of layers) {
      if (names.has(l.name)) throw new ManifestError(`layer '${l.name}' is registered twice`);
      names.add(l.name);
    }
    this.layers = ['core-net', ...layers.map((l) => l.name)];
    this.manifest = Manifest.compose([coreNetStages, ...layers.map((l) => l.stages ?? [])]);
    const selection = resolveSelection(this.manifest, options.stages ?? 'all');
    const removed = (options.unsafeRemoveGates ?? []).map((id) => this.manifest.stage(id));
    this.stages = new StageSet(this.manifest, selection, removed);
    this.#cloneStage = this.manifest.stage('net-ns-clone');
    this.random = new Prng(options.seed ?? 0);
    this.netns = new NetnsRegistry(this);
    this.initNet = new Net(this, this.#nextNetId++);
    this.#nets.set(this.initNet.id, this.initNet);
    this.initNet.get(); // the kernel's own reference: init_net is static
    this.initTask = this._spawn(this.initNet);
    for (const layer of layers) layer.register?.(this);
  }

  /**
   * Boot a kernel.
   *
   * @throws NetError EINVAL with a one-line `detail` for a bad stage selection;
   *   ManifestError when the layers' stage data is inconsistent.
   */
  static boot(options: BootOptions = {}): Kernel {
    return new Kernel(options);
  }

  /** How many namespaces are alive (visible to lookups), `initNet` included. */
  get netCount(): number {
    return this.#nets.size;
  }

  /** How many namespaces are hidden but not yet torn down. */
  get dyingCount(): number {
    return this.#dyingNets.size;
  }

  /** The live namespaces, in creation order (`net_namespace_list`). */
  nets(): Net[] {
    return [...this.#nets.values()];
  }

  /** A live namespace by id; dying and dead ones are not found. */
  netById(id: number): Net | undefined {
    return this.#nets.get(id);
  }

  /** The live tasks, by ascending pid. */
  tasks(): Task[] {
    return [...this.#tasks.values()];
  }

  /** A live task by pid. */
  task(pid: number): Task | undefined {
    return this.#tasks.get(pid);
  }

  /**
   * Fill a kernel-wide state slot (once, from a layer's `register`).
   *
   * @throws Error if the slot is already filled.
   */
  setState<T>(key: KernelKey<T>, value: T): void {
    if (this.#kernelSlots[key.index] !== undefined) throw new Error(`kernel state '${key.name}' is set twice`);
    this.#kernelSlots[key.index] = value;
  }

  /**
   * A kernel-wide state slot.
   *
   * @throws Error when no layer filled it (its layer is not registered).
   */
  state<T>(key: KernelKey<T>): T {
    const value = this.#kernelSlots[key.index];
    if (value === undefined) throw new Error(`no kernel state '${key.name}': is its layer registered?`);
    return value as T;
  }

  /** Whether a kernel-wide state slot is filled. */
  hasState(key: KernelKey<unknown>): boolean {
    return this.#kernelSlots[key.index] !== undefined;
  }

  /** The pernet ops in init order, with their kinds: for inspection and tests. */
  get pernetOps(): readonly { readonly name: string; readonly kind: PernetKind }[] {
    return this.#pernet.entries;
  }

  /**
   * Register a pernet subsystem (`register_pernet_subsys`): its `init` runs before every
   * device op's, its `exit` after. Runs `init` for the namespaces alive now.
   *
   * @throws whatever an `init` threw, after undoing the ones that finished.
   */
  registerPernetSubsys<T>(ops: PernetOperations<T>): void {
    this.#register(ops as PernetOperations, 'subsys');
  }

  /**
   * Register a pernet device op (`register_pernet_device`): after every subsystem on the
   * way up, before them on the way down.
   *
   * @throws whatever an `init` threw, after undoing the ones that finished.
   */
  registerPernetDevice<T>(ops: PernetOperations<T>): void {
    this.#register(ops as PernetOperations, 'device');
  }

  #register(ops: PernetOperations, kind: PernetKind): void {
    // Registration waits for teardowns in flight, as register_pernet_operations waits on
    // pernet_ops_rwsem while cleanup_net holds it: a new op never meets a half-dead
    // namespace, so its exit only ever runs where its init did.
    for (const net of [...this.#dyingNets]) this.#cleanup(net);
    const stageId = ops.stage ?? ops.key?.stage;
    const perNamespace = stageId === undefined || this.stages.isOn(this.manifest.stage(stageId));
    this.#pernet.register(ops, kind, perNamespace, this.nets());
    if (ops.key !== undefined) this.#keyOwned[ops.key.index] = perNamespace;
  }

  /** @internal `Net.state` only: whether non-initial namespaces own this key's state. */
  _ownsState(key: NetKey<unknown>): boolean {
    return this.#keyOwned[key.index] === true;
  }

  /**
   * @internal `copy_net_ns` + `setup_net`: a new namespace, its pernet `init`s run, made
   * visible. No reference is taken for the caller beyond the one it takes itself.
   *
   * @throws NetError EINVAL while `net-ns-clone` is off; whatever an `init` threw.
   */
  _copyNet(parent: Net): Net {
    if (!this.stages.gate(this.#cloneStage, parent)) throw new NetError('EINVAL', { syscall: 'unshare' });
    // Like setup_net: build first, link into the list only once every init succeeded,
    // so a half-built namespace is never visible.
    const net = new Net(this, this.#nextNetId++);
    try {
      this.#pernet.setup(net);
    } catch (err) {
      net._markDead();
      throw err;
    }
    this.#nets.set(net.id, net);
    return net;
  }

  /** @internal `Net.put` only: the last reference went. Hide now, tear down later. */
  _netDying(net: Net): void {
    this.#nets.delete(net.id);
    this.#dyingNets.add(net);
    this.clock.post(this.#cleanup, net);
  }

  /** `cleanup_net`: every exit in reverse, once (a registration may have run it early). */
  readonly #cleanup = (net: Net): void => {
    if (!this.#dyingNets.delete(net)) return;
    this.#pernet.cleanup(net);
    net._markDead();
  };

  /** @internal `Task` only. */
  _spawn(net: Net): Task {
    const task = new Task(this, this.#nextPid++, net);
    this.#tasks.set(task.pid, task);
    return task;
  }

  /** @internal `Task.exit` only. */
  _reap(task: Task): void {
    this.#tasks.delete(task.pid);
  }
}

function resolveSelection(manifest: Manifest, stages: string | StageSelection): StageSelection {
  if (typeof stages !== 'string') {
    if (stages.manifest.stages.length !== manifest.stages.length
      || stages.manifest.stages.some((s, i) => s.id !== manifest.stages[i]?.id)) {
      throw new ManifestError('the stage selection was made from a different manifest');
    }
    return new StageSelection(manifest, Uint8Array.from(manifest.stages, (s) => (stages.has(s.index) ? 1 : 0)), stages.spec);
  }
  const result = manifest.select(stages);
  if (!result.ok) throw new NetError('EINVAL', { detail: result.error });
  return result.selection;
}
