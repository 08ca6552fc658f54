/**
 * The operations the harness throws at a kernel, each predicting its outcome from the
 * model before running it for real. core-net's: fork, exit, unshare, setns, namespace
 * handles, `ip netns add | del | exec`, the event queue; plus the probe layer's gated
 * read and write.
 *
 * @module
 */

import fc from 'fast-check';
import { NetError, type ErrnoCode } from '@netstage/core-net';
import { checkInvariants, checkTornDown, type Model, type ModelFile, type ModelTask, type Real } from './model.js';
import { probeRead, probeWrite } from './probe-layer.js';

/** What a call should do: succeed, or fail with this errno (and message, when given). */
export type Outcome = { readonly ok: true } | { readonly ok: false; readonly code: ErrnoCode; readonly message?: string };

/** Success. */
export const OK: Outcome = { ok: true };

/** Run `action` and check it succeeded or failed exactly as predicted. */
export function expectOutcome<T>(what: string, want: Outcome, action: () => T): T | undefined {
  let got: Outcome;
  let value: T | undefined;
  try {
    value = action();
    got = OK;
  } catch (err) {
    if (!(err instanceof NetError)) throw err;
    got = { ok: false, code: err.code, message: err.message };
  }
  if (want.ok !== got.ok || (!want.ok && !got.ok && (want.code !== got.code || (want.message !== undefined && want.message !== got.message)))) {
    const show = (o: Outcome): string => (o.ok ? 'success' : `${o.code}${o.message === undefined ? '' : ` "${o.message}"`}`);
    throw new Error(`refusal mismatch in ${what}: expected ${show(want)}, got ${show(got)}`);
  }
  return value;
}

/** The `n`th item, wrapping around. */
export function pick<T>(items: readonly T[], n: number): T {
  return items[n % items.length] as T;
}

/** The descriptors a task has open. */
export function openFds(task: ModelTask): number[] {
  const out: number[] = [];
  task.fds.forEach((f, fd) => {
    if (f !== undefined) out.push(fd);
  });
  return out;
}

/** A harness command. */
export type Cmd = fc.Command<Model, Real>;

/** Whether some actor has a descriptor open. */
function anyFd(model: Readonly<Model>): boolean {
  return model.actors().some((t) => openFds(t).length > 0);
}

/** Pick an actor with an open descriptor, and one of its descriptors. */
function pickFd(model: Model, t: number, f: number): { mt: ModelTask; fd: number } {
  const mt = pick(model.actors().filter((x) => openFds(x).length > 0), t);
  return { mt, fd: pick(openFds(mt), f) };
}

/** A command that checks every invariant after it ran. */
export abstract class Step implements Cmd {
  check(_model: Readonly<Model>): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    this.apply(model, real);
    checkInvariants(model, real);
  }
  abstract apply(model: Model, real: Real): void;
  abstract toString(): string;
}

class Fork extends Step {
  constructor(readonly t: number) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const child = expectOutcome('fork', OK, () => real.task(mt.pid).fork());
    const m = model.spawn(mt.ns, mt.fds);
    if (child?.pid !== m.pid) throw new Error(`fork gave pid ${child?.pid}, model ${m.pid}`);
  }
  toString(): string {
    return `fork(t${this.t})`;
  }
}

class Exit extends Step {
  constructor(readonly t: number) {
    super();
  }
  override check(model: Readonly<Model>): boolean {
    return model.actors().length > 1;
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    expectOutcome('exit', OK, () => real.task(mt.pid).exit());
    model.exit(mt);
  }
  toString(): string {
    return `exit(t${this.t})`;
  }
}

class Unshare extends Step {
  constructor(readonly t: number) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const task = real.task(mt.pid);
    const want: Outcome = model.stages.clone ? OK : { ok: false, code: 'EINVAL' };
    expectOutcome('unshare', want, () => task.unshare({ net: true }));
    if (want.ok) {
      mt.ns = model.newNs();
      real.nets[mt.ns] = task.net;
    }
  }
  toString(): string {
    return `unshare(t${this.t})`;
  }
}

/** The namespace names commands use. */
export const NAMES = ['red', 'blue', 'green'] as const;

class NetnsAdd extends Step {
  constructor(readonly name: string, readonly t: number) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    let want: Outcome = OK;
    if (model.names.has(this.name)) {
      want = { ok: false, code: 'EEXIST', message: `Cannot create namespace file "/run/netns/${this.name}": File exists` };
    } else if (!model.stages.clone) {
      want = { ok: false, code: 'EINVAL', message: `Failed to create a new network namespace "${this.name}": Invalid argument` };
    }
    const net = expectOutcome('ip netns add', want, () => real.kernel.netns.add(this.name, real.task(mt.pid)));
    if (want.ok && net !== undefined) {
      const ns = model.newNs();
      real.nets[ns] = net;
      model.names.set(this.name, ns);
    }
  }
  toString(): string {
    return `netnsAdd(${this.name}, t${this.t})`;
  }
}

class NetnsDel extends Step {
  constructor(readonly name: string) {
    super();
  }
  apply(model: Model, real: Real): void {
    const want: Outcome = model.names.has(this.name)
      ? OK
      : { ok: false, code: 'ENOENT', message: `Cannot remove namespace file "/run/netns/${this.name}": No such file or directory` };
    expectOutcome('ip netns del', want, () => real.kernel.netns.del(this.name));
    model.names.delete(this.name);
  }
  toString(): string {
    return `netnsDel(${this.name})`;
  }
}

class NetnsExec extends Step {
  constructor(readonly name: string, readonly t: number) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const ns = model.names.get(this.name);
    const want: Outcome = ns !== undefined
      ? OK
      : { ok: false, code: 'ENOENT', message: `Cannot open network namespace "${this.name}": No such file or directory` };
    const child = expectOutcome('ip netns exec', want, () => real.kernel.netns.exec(this.name, real.task(mt.pid)));
    if (ns !== undefined) {
      const m = model.spawn(ns, mt.fds);
      if (child?.pid !== m.pid) throw new Error(`exec gave pid ${child?.pid}, model ${m.pid}`);
    }
  }
  toString(): string {
    return `netnsExec(${this.name}, t${this.t})`;
  }
}

class OpenNs extends Step {
  constructor(readonly t: number) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const fd = expectOutcome('open ns', OK, () => real.task(mt.pid).openNetNs());
    const file: ModelFile = { ns: mt.ns, fds: 0 };
    const mfd = model.install(mt, file);
    if (fd !== mfd) throw new Error(`open gave fd ${fd}, model ${mfd}`);
  }
  toString(): string {
    return `openNs(t${this.t})`;
  }
}

class Setns extends Step {
  constructor(readonly t: number, readonly f: number) {
    super();
  }
  override check(model: Readonly<Model>): boolean {
    return anyFd(model);
  }
  apply(model: Model, real: Real): void {
    const { mt, fd } = pickFd(model, this.t, this.f);
    const file = mt.fds[fd] as ModelFile;
    const target = file.ns;
    // A socket or a /proc file is not a namespace file: EINVAL, as setns(2) on any other file.
    const want: Outcome = file.sock === undefined && file.proc === undefined && (target === 0 || model.stages.task) ? OK : { ok: false, code: 'EINVAL' };
    expectOutcome('setns', want, () => real.task(mt.pid).setns(fd));
    if (want.ok) mt.ns = target;
  }
  toString(): string {
    return `setns(t${this.t}, f${this.f})`;
  }
}

class CloseFd extends Step {
  constructor(readonly t: number, readonly f: number) {
    super();
  }
  override check(model: Readonly<Model>): boolean {
    return anyFd(model);
  }
  apply(model: Model, real: Real): void {
    const { mt, fd } = pickFd(model, this.t, this.f);
    expectOutcome('close', OK, () => real.task(mt.pid).close(fd));
    model.close(mt, fd);
  }
  toString(): string {
    return `close(t${this.t}, f${this.f})`;
  }
}

/** Drain the event queue, tearing down namespaces whose last reference went (model first). */
export function runQueue(model: Model, real: Real): Set<number> {
  const touched = model.teardown((d) => real.device(d).ifindex);
  real.kernel.clock.runUntilIdle();
  return touched;
}

class RunQueue extends Step {
  apply(model: Model, real: Real): void {
    runQueue(model, real);
  }
  override run(model: Model, real: Real): void {
    super.run(model, real);
    checkTornDown(model, real);
  }
  toString(): string {
    return 'runUntilIdle()';
  }
}

class ProbeWrite extends Step {
  constructor(readonly t: number, readonly value: number) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const open = model.probeOpen(mt.ns);
    expectOutcome('probe write', open ? OK : { ok: false, code: 'EAFNOSUPPORT' }, () => probeWrite(real.task(mt.pid), this.value));
    if (open) (model.nss[mt.ns] as { value: number }).value = this.value;
  }
  toString(): string {
    return `probeWrite(t${this.t}, ${this.value})`;
  }
}

class ProbeRead extends Step {
  constructor(readonly t: number) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const open = model.probeOpen(mt.ns);
    const got = expectOutcome('probe read', open ? OK : { ok: false, code: 'EAFNOSUPPORT' }, () => probeRead(real.task(mt.pid)));
    const want = model.nss[mt.ns]?.value;
    if (open && got !== want) throw new Error(`probe read gave ${got}, model ${want}`);
  }
  toString(): string {
    return `probeRead(t${this.t})`;
  }
}

/** Every command, as fast-check arbitraries. */
export function commandArbitraries(): fc.Arbitrary<Cmd>[] {
  const t = fc.nat({ max: 15 });
  const name = fc.constantFrom(...NAMES);
  return [
    t.map((x) => new Fork(x)),
    t.map((x) => new Exit(x)),
    t.map((x) => new Unshare(x)),
    fc.tuple(name, t).map(([n, x]) => new NetnsAdd(n, x)),
    name.map((n) => new NetnsDel(n)),
    fc.tuple(name, t).map(([n, x]) => new NetnsExec(n, x)),
    t.map((x) => new OpenNs(x)),
    fc.tuple(t, t).map(([x, f]) => new Setns(x, f)),
    fc.tuple(t, t).map(([x, f]) => new CloseFd(x, f)),
    fc.constant(new RunQueue()),
    fc.tuple(t, fc.integer({ min: 1, max: 1000 })).map(([x, v]) => new ProbeWrite(x, v)),
    t.map((x) => new ProbeRead(x)),
  ];
}
