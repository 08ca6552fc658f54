/**
 * The harness driver: every stage prefix, a fixed number of random command sequences
 * each, a fixed seed unless told otherwise.
 *
 * @module
 */

import fc from 'fast-check';
import { Kernel, stagePrefixes, type Layer, type StageSelection } from '@netstage/core-net';
import { devicesLayer, netdev } from '@netstage/devices';
import { ipv4Layer, ipv4Stack, ipv4ToString } from '@netstage/ipv4';
import { procfsLayer } from '@netstage/procfs';
import { socketsLayer } from '@netstage/sockets';
import { commandArbitraries } from './commands.js';
import { HARNESS_ETHERTYPE, deviceCommandArbitraries } from './device-commands.js';
import { ipv4CommandArbitraries } from './ipv4-commands.js';
import { Model, Real, checkInvariants, checkTornDown, modelStages } from './model.js';
import { probeLayer } from './probe-layer.js';
import { procfsCommandArbitraries } from './procfs-commands.js';
import { socketCommandArbitraries } from './socket-commands.js';

/** Options of {@link bisect}. */
export interface BisectOptions {
  /** Random command sequences per selection. */
  readonly runs: number;
  /** fast-check seed. */
  readonly seed: number;
  /** Longest command sequence (default 60; lengths are spread evenly up to it). */
  readonly maxCommands?: number;
  /** Gates to remove (the test-only switch of `BootOptions.unsafeRemoveGates`). */
  readonly removeGates?: readonly string[];
}

/** The layers the harness boots: core-net's, devices, ipv4, sockets, procfs, and the probe stand-in. */
export const harnessLayers: readonly Layer[] = [devicesLayer(), ipv4Layer(), socketsLayer(), procfsLayer(), probeLayer];

/**
 * The selections the harness walks: every prefix of the series, from none to all — the
 * bisect — and then, for each stage, everything except that stage and the stages that
 * need it, so a stage that the prefixes only ever see switched on together with its
 * successors (the 2007 device patches come before clone/unshare) is also seen off with
 * namespaces around.
 */
export function harnessSelections(): StageSelection[] {
  const manifest = Kernel.boot({ layers: harnessLayers }).manifest;
  const out = stagePrefixes(manifest);
  for (const stage of manifest.stages) {
    const keep = manifest.stages.filter(
      (s) => s !== stage && !manifest.requirementsOf(s.id).includes(stage),
    );
    if (keep.length === manifest.length - 1 && stage.index === manifest.length - 1) continue; // the prefix before 'all'
    const result = manifest.select(keep.length === 0 ? 'none' : keep.map((s) => s.id).join(','));
    if (!result.ok) throw new Error(`harness: ${result.error}`);
    out.push(result.selection);
  }
  return out;
}

/**
 * Run the harness on one selection; throws on the first broken invariant with the
 * selection, the seed and the fast-check replay path in the message.
 */
export function bisect(selection: StageSelection, options: BisectOptions): void {
  const stages = modelStages(selection);
  const property = fc.property(
    fc.commands([...commandArbitraries(), ...deviceCommandArbitraries(), ...ipv4CommandArbitraries(), ...socketCommandArbitraries(), ...procfsCommandArbitraries()], { maxCommands: options.maxCommands ?? 60, size: 'max' }),
    (cmds) => {
      const kernel = Kernel.boot({
        stages: selection,
        layers: harnessLayers,
        ...(options.removeGates === undefined ? {} : { unsafeRemoveGates: options.removeGates }),
      });
      const setup = (): { model: Model; real: Real } => {
        // pid 2, a shell forked from init, is the first actor.
        const model = new Model(stages);
        model.spawn(0, []);
        kernel.initTask.fork();
        const real = new Real(kernel);
        netdev(kernel).handlers.add({
          name: 'harness',
          etherType: HARNESS_ETHERTYPE,
          receive: (_frame, dev) => real.received.push(`${real.nets.indexOf(dev.net)}:${dev.name}`),
        });
        ipv4Stack(kernel).onIcmp((e) => {
          if (e.message.kind === 'echo-reply') real.echoReplies.push(`${real.nets.indexOf(e.net)}:${ipv4ToString(e.src)}`);
        });
        return { model, real };
      };
      fc.modelRun(setup, cmds);
      assertCleanTeardown(kernel);
    },
  );
  const details = fc.check(property, { numRuns: options.runs, seed: options.seed });
  if (details.failed) {
    const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(
      `bisect failed at stage selection '${selection.spec}' [${selection.ids().join(', ')}]\n` +
        `replay: seed ${details.seed}, path "${details.counterexamplePath ?? ''}"\n` +
        `shrunk sequence: ${details.counterexample?.[0]?.toString() ?? '?'}\n${error}`,
    );
  }
}

/**
 * Let go of everything a run made — every task but pid 1 exits, every name goes, pid 1
 * closes its descriptors — drain the queue, and demand that only initNet remains.
 */
function assertCleanTeardown(kernel: Kernel): void {
  for (const t of kernel.tasks()) if (t !== kernel.initTask) t.exit();
  for (const n of kernel.netns.list()) kernel.netns.del(n);
  for (const fd of kernel.initTask.fds()) kernel.initTask.close(fd);
  kernel.clock.runUntilIdle();
  if (kernel.netCount !== 1 || kernel.dyingCount !== 0) {
    throw new Error(`leak after teardown: ${kernel.netCount} live, ${kernel.dyingCount} dying namespaces`);
  }
}

export { Model, Real, checkInvariants, checkTornDown };
