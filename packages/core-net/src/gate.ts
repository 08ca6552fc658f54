/**
 * Evaluating a stage selection inside one kernel: the gates entry points ask, their
 * refusal counters, and explanations.
 *
 * @module
 */

import type { Net } from './net.js';
import type { Manifest, Stage, StageExplanation, StageSelection } from './stage.js';

/**
 * The stages in force in one kernel, and the gates built on them.
 *
 * A gate is always open for `initNet`. For any other namespace it is open only when its
 * stage is on; a closed gate counts a refusal against that namespace and stage, and the
 * caller refuses with the stage's historical behaviour (an errno, a counted drop, an
 * ignored event) — never falling back to `initNet`.
 *
 * @remarks
 * The interim fences of the 2007 series, e.g. `if (net != &init_net) return -EAFNOSUPPORT;`
 * (`net/ipv4/af_inet.c`, v2.6.24) or `if (dev->nd_net != &init_net) goto drop;`.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * const kernel = Kernel.boot({ stages: 'net-ns-task' });
 * const clone = kernel.manifest.stage('net-ns-clone');
 * kernel.stages.isOn(clone);                     // false
 * kernel.stages.gate(clone, kernel.initNet);     // true: initNet is never fenced
 * kernel.stages.explain(clone, kernel.initNet).text;
 * ```
 */
export class StageSet {
  readonly #on: Uint8Array;
  readonly #removed: Uint8Array;
  /** 1 where `initNet` passes a closed gate: every namespace-scoped stage. */
  readonly #initPasses: Uint8Array;

  /** @internal built by the kernel at boot. */
  constructor(
    /** The composed manifest. */
    readonly manifest: Manifest,
    /** The selection in force. */
    readonly selection: StageSelection,
    removedGates: readonly Stage[],
  ) {
    this.#on = new Uint8Array(manifest.length);
    for (const s of manifest.stages) this.#on[s.index] = selection.has(s.index) ? 1 : 0;
    this.#removed = new Uint8Array(manifest.length);
    for (const s of removedGates) this.#removed[s.index] = 1;
    this.#initPasses = new Uint8Array(manifest.length);
    for (const s of manifest.stages) this.#initPasses[s.index] = s.scope === 'kernel' ? 0 : 1;
  }

  /** Whether a stage is on in this kernel. */
  isOn(stage: Stage): boolean {
    return this.#on[stage.index] === 1;
  }

  /**
   * The gate at an entry point: may `net` pass? Counts a refusal when it may not.
   *
   * A namespace-scoped stage's gate always lets `initNet` through. A kernel-scoped
   * stage (a Kconfig option such as `CONFIG_NET_NS`) is closed for every namespace while
   * off; `net` is then the caller's namespace, which the refusal is counted against.
   *
   * Hot-path safe: a few typed-array reads, no allocation.
   */
  gate(stage: Stage, net: Net): boolean {
    const i = stage.index;
    if (this.#on[i] === 1 || (net.isInit && this.#initPasses[i] === 1) || this.#removed[i] === 1) return true;
    net._countRefusal(i, this.#on.length);
    return false;
  }

  /** How many times the gates of `stage` refused `net`. */
  refusals(stage: Stage, net: Net): number {
    return net.refusals(stage.index);
  }

  /**
   * Why the gate of `stage` is open or closed for `net`. Never throws.
   *
   * @example
   * ```ts
   * import { Kernel } from '@netstage/core-net';
   * const kernel = Kernel.boot({ stages: 'none' });
   * const e = kernel.stages.explain(kernel.manifest.stage('net-ns-task'), kernel.initNet);
   * e.open;   // true
   * e.reason; // 'initial-namespace'
   * ```
   */
  explain(stage: Stage, net: Net): StageExplanation {
    const on = this.isOn(stage);
    const requirementOff = this.#requirementOff(stage);
    const why = this.why(stage);
    if (on) return { stage, on, open: true, reason: 'selected', requirementOff, text: `on: ${why}` };
    if (this.#removed[stage.index] === 1) {
      return { stage, on, open: true, reason: 'gate-removed', requirementOff, text: `off: ${why}; its gate is removed (test switch)` };
    }
    if (net.isInit && stage.scope !== 'kernel') {
      return { stage, on, open: true, reason: 'initial-namespace', requirementOff, text: `off: ${why}; open for the initial namespace` };
    }
    return { stage, on, open: false, reason: 'not-selected', requirementOff, text: `off: ${why}; ${stage.whileOff}` };
  }

  /**
   * A short reason for a stage's state, independent of any namespace: what the
   * `netstage stages` table prints in its last column.
   *
   * @example
   * ```ts
   * import { Kernel } from '@netstage/core-net';
   * const kernel = Kernel.boot({ stages: '1' });
   * kernel.stages.why(kernel.manifest.stage('net-ns-clone'));
   * // "not in selection '1'; requires 'net-ns-task', which is off"
   * ```
   */
  why(stage: Stage): string {
    const spec = this.selection.spec;
    if (this.isOn(stage)) return `in selection '${spec}'`;
    const off = this.#requirementOff(stage);
    return `not in selection '${spec}'${off === undefined ? '' : `; requires '${off.id}', which is off`}`;
  }

  #requirementOff(stage: Stage): Stage | undefined {
    if (this.isOn(stage)) return undefined;
    return this.manifest.requirementsOf(stage.id).find((r) => !this.isOn(r));
  }
}
