/**
 * The reference model: what the namespaces, tasks, handles and names should be, kept
 * by the simplest bookkeeping that can be right, and the invariant checks that compare
 * it with a real kernel.
 *
 * @module
 */

import type { Kernel, Net, StageSelection, Task } from '@netstage/core-net';
import { PROBE } from './probe-layer.js';

/** An open namespace handle (an open file description) and how many descriptors share it. */
export interface ModelFile {
  readonly ns: number;
  fds: number;
}

/** A task: its pid, namespace and descriptor table. */
export interface ModelTask {
  readonly pid: number;
  ns: number;
  fds: (ModelFile | undefined)[];
}

/** A namespace: whether it is alive, and its probe value. */
export interface ModelNs {
  readonly id: number;
  alive: boolean;
  value: number;
}

/** Which stages are on, as the model needs them. */
export interface ModelStages {
  readonly task: boolean;
  readonly clone: boolean;
  readonly probe: boolean;
}

/** Read the model's stage flags off a selection. */
export function modelStages(selection: StageSelection): ModelStages {
  const on = new Set(selection.ids());
  return { task: on.has('net-ns-task'), clone: on.has('net-ns-clone'), probe: on.has('probe-per-ns') };
}

/** The reference model. */
export class Model {
  readonly tasks: ModelTask[];
  readonly nss: ModelNs[] = [{ id: 0, alive: true, value: 0 }];
  /** name → namespace, in creation order. */
  readonly names = new Map<string, number>();
  #nextPid = 2;

  constructor(readonly stages: ModelStages) {
    this.tasks = [{ pid: 1, ns: 0, fds: [] }];
  }

  /**
   * The tasks commands act through: every task but pid 1, which stays in initNet as
   * init does. There is always at least one (Exit keeps the last).
   */
  actors(): ModelTask[] {
    return this.tasks.slice(1);
  }

  /** Counted references the model expects on a namespace. */
  refs(ns: number): number {
    let n = ns === 0 ? 1 : 0; // the kernel's own reference on initNet
    const files = new Set<ModelFile>();
    for (const t of this.tasks) {
      if (t.ns === ns) n++;
      for (const f of t.fds) if (f !== undefined && f.ns === ns) files.add(f);
    }
    for (const v of this.names.values()) if (v === ns) n++;
    return n + files.size;
  }

  /** A new namespace. */
  newNs(): number {
    const id = this.nss.length;
    this.nss.push({ id, alive: true, value: 0 });
    return id;
  }

  /** A new task in `ns` with a copy of `fds` (each file gains a descriptor). */
  spawn(ns: number, fds: readonly (ModelFile | undefined)[]): ModelTask {
    for (const f of fds) if (f !== undefined) f.fds++;
    const task: ModelTask = { pid: this.#nextPid++, ns, fds: fds.slice() };
    this.tasks.push(task);
    return task;
  }

  /** Install a file in the lowest free descriptor. */
  install(task: ModelTask, file: ModelFile): number {
    file.fds++;
    let fd = task.fds.indexOf(undefined);
    if (fd < 0) fd = task.fds.length;
    task.fds[fd] = file;
    return fd;
  }

  /** Close a descriptor. */
  close(task: ModelTask, fd: number): void {
    const f = task.fds[fd] as ModelFile;
    task.fds[fd] = undefined;
    f.fds--;
  }

  /** Exit a task. */
  exit(task: ModelTask): void {
    for (let fd = 0; fd < task.fds.length; fd++) if (task.fds[fd] !== undefined) this.close(task, fd);
    this.tasks.splice(this.tasks.indexOf(task), 1);
  }

  /** Mark namespaces with no references dead; call after every step. */
  settle(): void {
    for (const ns of this.nss) if (ns.alive && this.refs(ns.id) === 0) ns.alive = false;
  }

  /** Whether a non-initial namespace can hold its own probe value. */
  probeOpen(ns: number): boolean {
    return ns === 0 || this.stages.probe;
  }
}

/** The real side: a kernel and the model-id → Net mapping. */
export class Real {
  readonly nets: Net[];
  constructor(readonly kernel: Kernel) {
    this.nets = [kernel.initNet];
  }

  task(pid: number): Task {
    const t = this.kernel.task(pid);
    if (t === undefined) throw new Error(`harness: no task ${pid} in the kernel`);
    return t;
  }
}

function fail(message: string): never {
  throw new Error(`invariant broken: ${message}`);
}

/**
 * Compare every observable the model predicts with the kernel: live namespaces and
 * their reference counts, hidden and torn-down ones, tasks and their namespaces, names,
 * and the probe state of every namespace (isolation) and of initNet (init equivalence).
 */
export function checkInvariants(model: Model, real: Real): void {
  const k = real.kernel;
  model.settle();
  const alive = model.nss.filter((n) => n.alive);
  if (k.netCount !== alive.length) fail(`kernel has ${k.netCount} live namespaces, model ${alive.length}`);
  for (const ns of model.nss) {
    const net = real.nets[ns.id];
    if (net === undefined) fail(`model namespace ${ns.id} has no kernel namespace`);
    if (ns.alive) {
      if (net.lifecycle !== 'alive') fail(`namespace ${ns.id} is ${net.lifecycle} but still referenced`);
      if (k.netById(net.id) !== net) fail(`namespace ${ns.id} is alive but hidden from lookups`);
      const want = model.refs(ns.id);
      if (net.refs !== want) fail(`namespace ${ns.id} holds ${net.refs} references, model says ${want}`);
      if (model.probeOpen(ns.id)) {
        const got = net.state(PROBE).value;
        if (got !== ns.value) {
          fail(`${ns.id === 0 ? 'init equivalence' : 'isolation'}: namespace ${ns.id} probe value ${got}, model ${ns.value}`);
        }
      } else if (net.hasOwnState(PROBE)) {
        fail(`namespace ${ns.id} has its own probe state while its stage is off`);
      }
    } else {
      if (net.lifecycle === 'alive') fail(`namespace ${ns.id} outlives its last reference`);
      if (k.netById(net.id) !== undefined) fail(`namespace ${ns.id} is dying but still found by id`);
      if (net.refs !== 0) fail(`namespace ${ns.id} is dying with ${net.refs} references`);
    }
  }
  const tasks = k.tasks();
  if (tasks.length !== model.tasks.length) fail(`kernel has ${tasks.length} tasks, model ${model.tasks.length}`);
  for (const mt of model.tasks) {
    const t = real.task(mt.pid);
    if (t.net !== real.nets[mt.ns]) fail(`task ${mt.pid} is in namespace ${t.net.id}, model says ${mt.ns}`);
    if (t.fdCount !== mt.fds.filter((f) => f !== undefined).length) fail(`task ${mt.pid} descriptor count differs`);
  }
  const names = [...model.names.keys()].reverse();
  const listed = k.netns.list();
  if (listed.join(',') !== names.join(',')) fail(`ip netns list gives [${listed.join(',')}], model [${names.join(',')}]`);
  for (const [name, ns] of model.names) {
    if (k.netns.get(name) !== real.nets[ns]) fail(`name ${name} is bound to the wrong namespace`);
  }
}

/** After the queue has drained: every let-go namespace is torn down with empty slots. */
export function checkTornDown(model: Model, real: Real): void {
  if (real.kernel.dyingCount !== 0) fail(`${real.kernel.dyingCount} namespaces still dying after the queue drained`);
  for (const ns of model.nss) {
    const net = real.nets[ns.id] as Net;
    if (!ns.alive && (net.lifecycle !== 'dead' || net.filledSlots !== 0)) {
      fail(`namespace ${ns.id} is ${net.lifecycle} with ${net.filledSlots} state slots after teardown`);
    }
  }
}
