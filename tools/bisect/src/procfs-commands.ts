/**
 * The procfs layer's operations: an actor reads a `/proc/net` file, holds one open, reads
 * or writes a `/proc/sys/net` key — each predicted from the model first. A file that
 * exists where its stage is off, a row of one namespace in another's file, or a sysctl
 * value leaking across namespaces fails the run.
 *
 * @module
 */

import fc from 'fast-check';
import { netdev } from '@netstage/devices';
import { procFs } from '@netstage/procfs';
import { OK, Step, expectOutcome, pick, type Cmd, type Outcome } from './commands.js';
import type { Model, ModelFile, Real } from './model.js';

/**
 * The `/proc/net` files and the stages (besides `proc-net-per-ns`) a non-initial
 * namespace needs to see each: the harness's own table, written from the reference
 * (§1 patch 07, §2.2), not read from the implementation.
 */
const NET_FILES: Readonly<Record<string, readonly string[]>> = {
  dev: ['dev-list-per-ns'],
  dev_mcast: ['dev-list-per-ns'],
  netlink: [],
  icmp: [],
  route: ['proc-route-per-ns', 'fib-tables-per-ns'],
  raw: ['proc-raw-per-ns'],
  tcp: ['proc-tcp-per-ns'],
  udp: ['proc-udp-per-ns', 'udp-lookup-per-ns'],
  arp: ['proc-arp-per-ns', 'neigh-per-ns'],
  sockstat: ['proc-sockstat-per-ns'],
  snmp: ['proc-snmp-per-ns', 'snmp-per-ns'],
  netstat: ['proc-netstat-per-ns'],
  unix: ['unix-per-ns'],
  packet: ['packet-per-ns'],
};

/** The sysctls the harness writes: default value and the stages (besides `net-sysctl-per-ns`) they need. */
const SYSCTLS: Readonly<Record<string, { readonly initial: number; readonly stages: readonly string[] }>> = {
  'core/somaxconn': { initial: 4096, stages: [] },
  'unix/max_dgram_qlen': { initial: 10, stages: ['unix-per-ns'] },
};

function fileVisible(model: Readonly<Model>, ns: number, name: string): boolean {
  return ns === 0 || ['proc-net-per-ns', ...(NET_FILES[name] ?? [])].every((id) => model.stages.on.has(id));
}

function sysctlVisible(model: Readonly<Model>, ns: number, key: string): boolean {
  return ns === 0 || ['net-sysctl-per-ns', ...(SYSCTLS[key]?.stages ?? [])].every((id) => model.stages.on.has(id));
}

function sysctlValue(model: Readonly<Model>, ns: number, key: string): number {
  return model.nss[ns]?.sysctls.get(key) ?? SYSCTLS[key]?.initial ?? Number.NaN;
}

/** The local ports of `/proc/net/udp` rows. */
function udpPorts(text: string): number[] {
  return text
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => parseInt((l.trim().split(/\s+/)[1] ?? '').split(':')[1] ?? '', 16));
}

/** The device names of `/proc/net/dev` rows. */
function devNames(text: string): string[] {
  return text
    .split('\n')
    .slice(2)
    .filter((l) => l.includes(':'))
    .map((l) => l.split(':')[0]?.trim() ?? '');
}

/** `/proc/net/route` rows without a device (`*`): blackholes, as `a.b.c.d/len`. */
function deviceLessRoutes(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.split('\t');
    if (f[0] !== '*') continue;
    const le = (h: string): number[] => [6, 4, 2, 0].map((i) => parseInt(h.slice(i, i + 2), 16));
    const dst = le(f[1] ?? '').join('.');
    const len = le(f[7] ?? '').reduce((n, b) => n + (b.toString(2).match(/1/g)?.length ?? 0), 0);
    out.push(`${dst}/${len}`);
  }
  return out;
}

/** `/proc/net/arp` rows as `device:address`. */
function arpRows(text: string): string[] {
  return text
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const f = l.trim().split(/\s+/);
      return `${f[5] ?? ''}:${f[0] ?? ''}`;
    });
}

function sameSet(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
  const x = [...a].map(String).sort();
  const y = [...b].map(String).sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * `cat /proc/net/FILE` as an actor: ENOENT while the file's stages are off for its
 * namespace; otherwise rows of that namespace only — `dev` lists exactly its devices,
 * `udp` exactly its sockets bound on harness ports, `route` exactly its blackholes (the
 * rows without a device), `arp` exactly its neighbour entries.
 */
class ProcRead extends Step {
  constructor(readonly t: number, readonly file: string) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const want: Outcome = fileVisible(model, mt.ns, this.file) ? OK : { ok: false, code: 'ENOENT' };
    const task = real.task(mt.pid);
    const text = expectOutcome(`read /proc/net/${this.file}`, want, () => procFs(real.kernel).readFile(task, `/proc/net/${this.file}`));
    if (text === undefined) return;
    const net = real.nets[mt.ns];
    if (net === undefined) throw new Error(`harness: no kernel namespace ${mt.ns}`);
    if (this.file === 'dev') {
      const kernelList = netdev(real.kernel).devices(net).map((d) => d.name);
      if (!sameSet(devNames(text), kernelList)) {
        throw new Error(`isolation: /proc/net/dev of namespace ${mt.ns} lists [${devNames(text).join(',')}], its devices are [${kernelList.join(',')}]`);
      }
      if (model.stages.on.has('dev-list-per-ns')) {
        const modelList = model.devsOf(mt.ns).map((d) => d.name);
        if (!sameSet(devNames(text), modelList)) {
          throw new Error(`isolation: /proc/net/dev of namespace ${mt.ns} lists [${devNames(text).join(',')}], model [${modelList.join(',')}]`);
        }
      }
    }
    if (this.file === 'udp') {
      const harness = udpPorts(text).filter((p) => p === 5000 || p === 5001);
      const modelPorts = model.openSocks().filter((s) => s.ns === mt.ns && s.port !== undefined).map((s) => s.port as number);
      if (!sameSet(harness, modelPorts)) {
        throw new Error(`isolation: /proc/net/udp of namespace ${mt.ns} shows ports [${harness.join(',')}], model [${modelPorts.join(',')}]`);
      }
    }
    if (this.file === 'route') {
      const want = [...(model.nss[mt.ns]?.blackholes ?? [])];
      if (!sameSet(deviceLessRoutes(text), want)) {
        throw new Error(`isolation: /proc/net/route of namespace ${mt.ns} has blackholes [${deviceLessRoutes(text).join(',')}], model [${want.join(',')}]`);
      }
    }
    if (this.file === 'arp') {
      const want = model.neighs.filter((n) => n.dev.ns === mt.ns).map((n) => `${n.dev.name}:10.66.0.${n.k}`);
      if (!sameSet(arpRows(text), want)) {
        throw new Error(`isolation: /proc/net/arp of namespace ${mt.ns} lists [${arpRows(text).join(',')}], model [${want.join(',')}]`);
      }
    }
  }
  toString(): string {
    return `cat(t${this.t}, /proc/net/${this.file})`;
  }
}

/** Open a `/proc/net` file and keep the descriptor: the file pins its namespace. */
class ProcHold extends Step {
  constructor(readonly t: number, readonly file: string) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const want: Outcome = fileVisible(model, mt.ns, this.file) ? OK : { ok: false, code: 'ENOENT' };
    const fd = expectOutcome(`open /proc/net/${this.file}`, want, () => procFs(real.kernel).open(real.task(mt.pid), `/proc/net/${this.file}`));
    if (fd === undefined) return;
    const file: ModelFile = { ns: mt.ns, fds: 0, proc: true };
    const mfd = model.install(mt, file);
    if (fd !== mfd) throw new Error(`open gave fd ${fd}, model ${mfd}`);
  }
  toString(): string {
    return `open(t${this.t}, /proc/net/${this.file})`;
  }
}

/** `cat /proc/sys/net/KEY`: the actor's namespace's own value, or ENOENT while fenced. */
class SysctlRead extends Step {
  constructor(readonly t: number, readonly key: string) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const want: Outcome = sysctlVisible(model, mt.ns, this.key) ? OK : { ok: false, code: 'ENOENT' };
    const text = expectOutcome(`read /proc/sys/net/${this.key}`, want, () => procFs(real.kernel).readFile(real.task(mt.pid), `/proc/sys/net/${this.key}`));
    if (text === undefined) return;
    const expected = sysctlValue(model, mt.ns, this.key);
    if (text !== `${expected}\n`) {
      throw new Error(`${mt.ns === 0 ? 'init equivalence' : 'isolation'}: ${this.key} in namespace ${mt.ns} reads ${JSON.stringify(text)}, model ${expected}`);
    }
  }
  toString(): string {
    return `sysctl(t${this.t}, ${this.key})`;
  }
}

/** `echo VALUE > /proc/sys/net/KEY`: changes the actor's namespace only. */
class SysctlWrite extends Step {
  constructor(readonly t: number, readonly key: string, readonly value: number) {
    super();
  }
  apply(model: Model, real: Real): void {
    const mt = pick(model.actors(), this.t);
    const want: Outcome = sysctlVisible(model, mt.ns, this.key) ? OK : { ok: false, code: 'ENOENT' };
    expectOutcome(`write /proc/sys/net/${this.key}`, want, () => procFs(real.kernel).writeFile(real.task(mt.pid), `/proc/sys/net/${this.key}`, `${this.value}\n`));
    if (want.ok) model.nss[mt.ns]?.sysctls.set(this.key, this.value);
  }
  toString(): string {
    return `sysctl -w(t${this.t}, ${this.key}=${this.value})`;
  }
}

/** The procfs commands, as fast-check arbitraries. */
export function procfsCommandArbitraries(): fc.Arbitrary<Cmd>[] {
  const t = fc.nat({ max: 15 });
  const file = fc.constantFrom(...Object.keys(NET_FILES));
  const key = fc.constantFrom(...Object.keys(SYSCTLS));
  return [
    fc.tuple(t, file).map(([x, f]) => new ProcRead(x, f)),
    fc.tuple(t, fc.constantFrom('dev', 'udp', 'route', 'arp')).map(([x, f]) => new ProcRead(x, f)),
    fc.tuple(t, file).map(([x, f]) => new ProcHold(x, f)),
    fc.tuple(t, key).map(([x, k]) => new SysctlRead(x, k)),
    fc.tuple(t, key, fc.integer({ min: 11, max: 999 })).map(([x, k, v]) => new SysctlWrite(x, k, v)),
  ];
}
