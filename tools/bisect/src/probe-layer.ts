/**
 * A stand-in layer for the harness: one stage, one per-namespace state slot, one gated
 * entry point. It has the shape every real layer will have, so the harness can prove
 * that a missing gate leaks `initNet`'s state before the real layers exist.
 *
 * @module
 */

import { NetError, defineNetKey, type Layer, type StageDef, type Task } from '@netstage/core-net';

/** The probe's stage: on, each namespace has its own probe value; off, only initNet may touch it. */
export const probeStage: StageDef = {
  id: 'probe-per-ns',
  layer: 'probe',
  order: 999_000,
  subject: 'netstage test layer: per-namespace probe value (not an upstream commit)',
  commit: '0000000000000000000000000000000000000000',
  release: 'test',
  opens: ['probe write', 'probe read'],
  whileOff: 'probe calls fail with EAFNOSUPPORT, as socket() did in v2.6.24',
  requires: ['net-ns-clone'],
};

/** The probe's per-namespace state. */
export interface ProbeState {
  value: number;
}

/** Its state slot: resolves to initNet's while `probe-per-ns` is off. */
export const PROBE = defineNetKey<ProbeState>('probe', { stage: probeStage.id });

/** The probe layer, to pass to `Kernel.boot({ layers: [probeLayer] })`. */
export const probeLayer: Layer = {
  name: 'probe',
  stages: [probeStage],
  register(kernel) {
    kernel.registerPernetSubsys({ name: 'probe', key: PROBE, init: () => ({ value: 0 }) });
  },
};

function gated(task: Task): ProbeState {
  const kernel = task.kernel;
  if (!kernel.stages.gate(kernel.manifest.stage(probeStage.id), task.net)) {
    throw new NetError('EAFNOSUPPORT', { syscall: 'probe' });
  }
  return task.net.state(PROBE);
}

/** The gated entry point: set the probe value of the task's namespace. */
export function probeWrite(task: Task, value: number): void {
  gated(task).value = value;
}

/** The gated entry point: read the probe value of the task's namespace. */
export function probeRead(task: Task): number {
  return gated(task).value;
}
