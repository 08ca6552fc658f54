/**
 * The stage framework: the manifest of historical conversion steps, selections of it,
 * and the gates that entry points ask.
 *
 * @module
 */

/**
 * One historical conversion step, as data, written in the layer package that owns it.
 *
 * @example
 * ```ts
 * import type { StageDef } from '@netstage/core-net';
 * const def: StageDef = {
 *   id: 'example-per-ns',
 *   layer: 'core-net',
 *   order: 24_900,
 *   subject: '[NET]: An example conversion',
 *   commit: '0000000000000000000000000000000000000000',
 *   release: 'v2.6.24',
 *   opens: ['example entry point'],
 *   whileOff: 'EINVAL for non-initial namespaces',
 *   requires: [],
 * };
 * ```
 */
export interface StageDef {
  /** Stable id, kebab-case: `dev-list-per-ns`. */
  readonly id: string;
  /** The layer package that owns it: `core-net`, `devices`, `ipv4`, `sockets`, `procfs`. */
  readonly layer: string;
  /**
   * Its place in the upstream series: `rank * 1000 + index`, where v2.6.N ranks N and
   * vM.N (from v3.0 on) ranks `M * 100 + N`; so v2.6.24's patch 03 is `24_003` and a
   * v3.7 commit `307_001`. Stages compose in ascending order; numbers must be unique.
   */
  readonly order: number;
  /** The upstream commit subject, verbatim. */
  readonly subject: string;
  /**
   * `false` when the subject could not be checked against the mainline history (the
   * commit id is right; the wording is a best reconstruction). Omitted: verified.
   */
  readonly subjectVerified?: false;
  /** The full 40-hex mainline commit id. */
  readonly commit: string;
  /** The first release that contains the commit: `v2.6.24`. */
  readonly release: string;
  /** The entry points it opens to non-initial namespaces. */
  readonly opens: readonly string[];
  /** What a non-initial namespace sees while it is off. */
  readonly whileOff: string;
  /** Ids of the stages it depends on (Kconfig `depends on`; transitive). */
  readonly requires: readonly string[];
  /**
   * `namespace` (the default): a fence that always lets `initNet` through.
   * `kernel`: a kernel-wide option such as `CONFIG_NET_NS`, closed for every namespace
   * while off.
   */
  readonly scope?: 'namespace' | 'kernel';
}

/** A stage in a composed manifest: its definition plus its number in the series. */
export interface Stage extends StageDef {
  /** 1-based position in the composed series. */
  readonly number: number;
  /** 0-based index, for array lookups on hot paths. */
  readonly index: number;
}

/**
 * A definition error in the stage data itself (a duplicate id, a missing or later
 * requirement, a cycle). It is a programming error of a layer package, not bad user
 * input, so it throws at composition time.
 */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

const ID_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const COMMIT_PATTERN = /^[0-9a-f]{40}$/;

/**
 * The composed, ordered list of every stage contributed by the layers a kernel runs.
 *
 * @remarks
 * Mirrors a patch series: each layer contributes its stages as data, and the series
 * order is the upstream order (`StageDef.order`). A requirement must come earlier in
 * the series, so every prefix of the series is a consistent selection — the property
 * that makes bisecting safe (`Documentation/process/submitting-patches.rst`).
 *
 * @example
 * ```ts
 * import { Manifest, coreNetStages } from '@netstage/core-net';
 * const manifest = Manifest.compose([coreNetStages]);
 * manifest.stages.map((s) => s.id); // ['net-ns-basic', 'net-ns-task', 'net-ns-clone']
 * manifest.get('net-ns-clone')?.number; // 3
 * ```
 */
export class Manifest {
  /** The stages in series order. */
  readonly stages: readonly Stage[];
  readonly #byId: ReadonlyMap<string, Stage>;

  private constructor(stages: readonly Stage[]) {
    this.stages = stages;
    this.#byId = new Map(stages.map((s) => [s.id, s]));
  }

  /**
   * Compose the stage lists of several layers into one series.
   *
   * @throws ManifestError when the data is inconsistent: a malformed or duplicate id,
   *   a duplicate order, a malformed commit id, a missing requirement, a cycle, or a
   *   requirement that comes later in the series.
   */
  static compose(groups: readonly (readonly StageDef[])[]): Manifest {
    const defs = groups.flat();
    const seen = new Map<string, StageDef>();
    const orders = new Map<number, string>();
    for (const def of defs) {
      if (!ID_PATTERN.test(def.id)) throw new ManifestError(`stage id '${def.id}' is not kebab-case`);
      if (seen.has(def.id)) throw new ManifestError(`stage '${def.id}' is defined twice`);
      if (!Number.isInteger(def.order) || def.order < 0) {
        throw new ManifestError(`stage '${def.id}' has an invalid order ${def.order}`);
      }
      const clash = orders.get(def.order);
      if (clash !== undefined) {
        throw new ManifestError(`stages '${clash}' and '${def.id}' share the order ${def.order}`);
      }
      if (!COMMIT_PATTERN.test(def.commit)) {
        throw new ManifestError(`stage '${def.id}' has a malformed commit id '${def.commit}'`);
      }
      seen.set(def.id, def);
      orders.set(def.order, def.id);
    }
    for (const def of defs) {
      for (const req of def.requires) {
        if (!seen.has(req)) throw new ManifestError(`stage '${def.id}' requires '${req}', which no layer defines`);
      }
    }
    findCycle(seen);
    for (const def of defs) {
      for (const req of def.requires) {
        const r = seen.get(req) as StageDef;
        if (r.order >= def.order) {
          throw new ManifestError(`stage '${def.id}' requires '${req}', which comes later in the series`);
        }
      }
    }
    const sorted = [...defs].sort((a, b) => a.order - b.order);
    return new Manifest(sorted.map((def, index) => Object.freeze({ ...def, number: index + 1, index })));
  }

  /** Number of stages in the series. */
  get length(): number {
    return this.stages.length;
  }

  /** Look a stage up by id. */
  get(id: string): Stage | undefined {
    return this.#byId.get(id);
  }

  /**
   * Look a stage up by id, throwing when it is missing: for layer code that names its
   * own stages, where a missing one is a programming error.
   *
   * @throws ManifestError when no stage has that id.
   */
  stage(id: string): Stage {
    const s = this.#byId.get(id);
    if (s === undefined) throw new ManifestError(`no stage '${id}' in the manifest`);
    return s;
  }

  /** Every stage `id` depends on, directly or transitively, in series order. */
  requirementsOf(id: string): readonly Stage[] {
    const out = new Set<Stage>();
    const visit = (s: Stage): void => {
      for (const req of s.requires) {
        const r = this.stage(req);
        if (!out.has(r)) {
          out.add(r);
          visit(r);
        }
      }
    };
    visit(this.stage(id));
    return [...out].sort((a, b) => a.index - b.index);
  }

  /**
   * Parse a stage selection as the `--stage` option takes it.
   *
   * - `all` (the default) or `none`;
   * - a number `N`: the first N stages of the series (`0` is `none`);
   * - one stage id: the series up to and including that stage, as checking out a commit;
   * - a comma-separated list of ids or numbers: exactly those stages, each of whose
   *   requirements must be in the list too.
   *
   * Never throws: a bad selection comes back as `{ ok: false, error }` with one line
   * that says what is wrong.
   *
   * @example
   * ```ts
   * import { Manifest, coreNetStages } from '@netstage/core-net';
   * const m = Manifest.compose([coreNetStages]);
   * m.select('2');            // { ok: true, selection } with net-ns-basic and net-ns-task on
   * m.select('net-ns-clone,net-ns-basic');
   * // { ok: false, error: "stage 'net-ns-clone' requires 'net-ns-task', which is not selected" }
   * ```
   */
  select(spec: string): SelectionResult {
    const text = spec.trim();
    const on = new Uint8Array(this.stages.length);
    if (text === '' ) return fail(`empty stage selection: give all, none, a number, a stage id or a list`);
    if (text === 'all') {
      on.fill(1);
      return { ok: true, selection: new StageSelection(this, on, 'all') };
    }
    if (text === 'none') return { ok: true, selection: new StageSelection(this, on, 'none') };
    if (!text.includes(',')) {
      if (/^\d+$/.test(text)) {
        const n = Number(text);
        if (n > this.stages.length) {
          return fail(`stage ${text} is out of range: the series has ${this.stages.length} stages (0-${this.stages.length})`);
        }
        on.fill(1, 0, n);
        return { ok: true, selection: new StageSelection(this, on, text) };
      }
      const s = this.#byId.get(text);
      if (s === undefined) return fail(unknownStage(text));
      on.fill(1, 0, s.number);
      return { ok: true, selection: new StageSelection(this, on, text) };
    }
    const picked: Stage[] = [];
    for (const raw of text.split(',')) {
      const item = raw.trim();
      if (item === '') return fail(`empty item in stage list '${text}'`);
      let s: Stage | undefined;
      if (/^\d+$/.test(item)) {
        s = this.stages[Number(item) - 1];
        if (s === undefined) {
          return fail(`stage ${item} is out of range: the series has ${this.stages.length} stages (1-${this.stages.length})`);
        }
      } else {
        s = this.#byId.get(item);
        if (s === undefined) return fail(unknownStage(item));
      }
      on[s.index] = 1;
      picked.push(s);
    }
    for (const s of picked) {
      for (const req of this.requirementsOf(s.id)) {
        if (on[req.index] === 0) return fail(`stage '${s.id}' requires '${req.id}', which is not selected`);
      }
    }
    return { ok: true, selection: new StageSelection(this, on, text) };
  }
}

function unknownStage(item: string): string {
  return `unknown stage '${item}' (run 'netstage stages' for the list)`;
}

function fail(error: string): SelectionResult {
  return { ok: false, error };
}

function findCycle(defs: ReadonlyMap<string, StageDef>): void {
  const state = new Map<string, 1 | 2>();
  const path: string[] = [];
  const visit = (id: string): void => {
    const st = state.get(id);
    if (st === 2) return;
    if (st === 1) {
      const from = path.indexOf(id);
      throw new ManifestError(`stage requirements form a cycle: ${[...path.slice(from), id].join(' -> ')}`);
    }
    state.set(id, 1);
    path.push(id);
    for (const req of (defs.get(id) as StageDef).requires) visit(req);
    path.pop();
    state.set(id, 2);
  };
  for (const id of defs.keys()) visit(id);
}

/** The outcome of {@link Manifest.select}. */
export type SelectionResult =
  | { readonly ok: true; readonly selection: StageSelection }
  | { readonly ok: false; readonly error: string };

/**
 * A consistent choice of stages from a manifest (every selected stage's requirements
 * are selected too).
 *
 * @example
 * ```ts
 * import { Manifest, coreNetStages } from '@netstage/core-net';
 * const m = Manifest.compose([coreNetStages]);
 * const r = m.select('net-ns-task');
 * if (r.ok) r.selection.ids(); // ['net-ns-basic', 'net-ns-task']
 * ```
 */
export class StageSelection {
  readonly #on: Uint8Array;

  /** @internal built by {@link Manifest.select} and {@link Manifest.prefixes}. */
  constructor(
    /** The manifest it selects from. */
    readonly manifest: Manifest,
    on: Uint8Array,
    /** The selection as it was written. */
    readonly spec: string,
  ) {
    this.#on = on;
  }

  /** Whether the stage at `index` is selected. */
  has(index: number): boolean {
    return this.#on[index] === 1;
  }

  /** The selected stage ids in series order. */
  ids(): string[] {
    return this.manifest.stages.filter((s) => this.#on[s.index] === 1).map((s) => s.id);
  }

  /** How many stages are selected. */
  get count(): number {
    let n = 0;
    for (const v of this.#on) n += v;
    return n;
  }
}

/**
 * Every prefix of a manifest's series, from `none` to `all`: the selections a bisect
 * walks.
 *
 * @example
 * ```ts
 * import { Manifest, coreNetStages, stagePrefixes } from '@netstage/core-net';
 * stagePrefixes(Manifest.compose([coreNetStages])).map((s) => s.count); // [0, 1, 2, 3]
 * ```
 */
export function stagePrefixes(manifest: Manifest): StageSelection[] {
  const out: StageSelection[] = [];
  for (let n = 0; n <= manifest.length; n++) {
    const on = new Uint8Array(manifest.length);
    on.fill(1, 0, n);
    out.push(new StageSelection(manifest, on, String(n)));
  }
  return out;
}

/** Why a gate is open or closed, from {@link StageSet.explain}. */
export interface StageExplanation {
  /** The stage asked about. */
  readonly stage: Stage;
  /** Whether the stage is on in this kernel. */
  readonly on: boolean;
  /** Whether its gate lets this namespace through. */
  readonly open: boolean;
  /** Machine-readable reason. */
  readonly reason: 'initial-namespace' | 'selected' | 'not-selected' | 'gate-removed';
  /** When off: the earliest requirement that is off too, if any. */
  readonly requirementOff: Stage | undefined;
  /** One line for a person. */
  readonly text: string;
}
