import { describe, expect, it } from 'vitest';
import {
  Kernel,
  Manifest,
  ManifestError,
  NetError,
  coreNetStages,
  stagePrefixes,
  type Layer,
  type SelectionResult,
  type StageDef,
  type StageSelection,
} from '../src/index.js';
import { expectNoLeak } from './support.js';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';

function def(id: string, order: number, requires: readonly string[] = [], extra: Partial<StageDef> = {}): StageDef {
  return {
    id,
    layer: 'test',
    order,
    subject: `[TEST]: ${id}`,
    commit: COMMIT,
    release: 'v9.9',
    opens: [],
    whileOff: `${id} is off`,
    requires,
    ...extra,
  };
}

function selected(r: SelectionResult): StageSelection {
  if (!r.ok) throw new Error(`expected a selection, got: ${r.error}`);
  return r.selection;
}

function errorOf(r: SelectionResult): string {
  if (r.ok) throw new Error(`expected an error, got the selection '${r.selection.spec}'`);
  return r.error;
}

/** A test layer with one namespace-scoped stage after the core series. */
const probeLayer: Layer = {
  name: 'probe',
  stages: [def('probe-per-ns', 90_000, ['net-ns-clone'], { layer: 'probe', whileOff: 'probe is refused' })],
};

describe('Manifest.compose', () => {
  it('sorts by order and numbers the stages from 1', () => {
    const m = Manifest.compose([[def('c-stage', 30), def('a-stage', 10)], [def('b-stage', 20, ['a-stage'])]]);
    expect(m.stages.map((s) => s.id)).toEqual(['a-stage', 'b-stage', 'c-stage']);
    expect(m.stages.map((s) => s.number)).toEqual([1, 2, 3]);
    expect(m.stages.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(m.length).toBe(3);
    expect(m.get('b-stage')?.number).toBe(2);
    expect(m.get('b-stage')?.subject).toBe('[TEST]: b-stage');
    expect(m.get('nope')).toBeUndefined();
  });

  it("composes core-net's own series", () => {
    const m = Manifest.compose([coreNetStages]);
    expect(m.stages.map((s) => s.id)).toEqual(['net-ns-basic', 'net-ns-task', 'net-ns-clone']);
    expect(m.stage('net-ns-clone').number).toBe(3);
    expect(m.stage('net-ns-clone').scope).toBe('kernel');
    expect(m.stage('net-ns-basic').commit).toBe('5f256becd868bf63b70da8f2769033d6734670e9');
    expect(m.stage('net-ns-task').commit).toBe('772698f6362680b65211f7efc68121f1e4c28aa5');
    expect(m.stage('net-ns-clone').commit).toBe('9dd776b6d7b0b85966b6ddd03e2b2aae59012ab1');
  });

  it('interleaves the stages of several layers by order', () => {
    const m = Manifest.compose([coreNetStages, [def('between', 24_050, ['net-ns-task']), def('first', 1)]]);
    expect(m.stages.map((s) => s.id)).toEqual(['first', 'net-ns-basic', 'net-ns-task', 'between', 'net-ns-clone']);
    expect(m.stage('net-ns-clone').number).toBe(5);
  });

  it('the composed stages cannot be changed', () => {
    const m = Manifest.compose([coreNetStages]);
    const s = m.stage('net-ns-basic');
    expect(Object.isFrozen(s)).toBe(true);
  });

  it('stage() throws ManifestError for an unknown id; get() does not', () => {
    const m = Manifest.compose([coreNetStages]);
    expect(() => m.stage('no-such-stage')).toThrow(ManifestError);
    expect(() => m.stage('no-such-stage')).toThrow("no stage 'no-such-stage' in the manifest");
  });

  it('requirementsOf is transitive and in series order', () => {
    const m = Manifest.compose([[def('d', 40, ['c', 'a']), def('c', 30, ['b']), def('b', 20, ['a']), def('a', 10)]]);
    expect(m.requirementsOf('d').map((s) => s.id)).toEqual(['a', 'b', 'c']);
    expect(m.requirementsOf('a')).toEqual([]);
    expect(Manifest.compose([coreNetStages]).requirementsOf('net-ns-clone').map((s) => s.id)).toEqual([
      'net-ns-basic',
      'net-ns-task',
    ]);
  });

  it('an empty series composes', () => {
    const m = Manifest.compose([]);
    expect(m.length).toBe(0);
    expect(m.stages).toEqual([]);
  });

  const bad: readonly [string, readonly (readonly StageDef[])[], string | RegExp][] = [
    ['a duplicate id', [[def('same', 1)], [def('same', 2)]], "stage 'same' is defined twice"],
    ['a duplicate order', [[def('one', 5), def('two', 5)]], "stages 'one' and 'two' share the order 5"],
    ['an upper-case id', [[def('Bad-Id', 1)]], "stage id 'Bad-Id' is not kebab-case"],
    ['an id with an underscore', [[def('bad_id', 1)]], /not kebab-case/],
    ['an id with a double dash', [[def('bad--id', 1)]], /not kebab-case/],
    ['an id with a trailing dash', [[def('bad-', 1)]], /not kebab-case/],
    ['an id starting with a digit', [[def('1bad', 1)]], /not kebab-case/],
    ['an empty id', [[def('', 1)]], /not kebab-case/],
    ['a negative order', [[def('neg', -1)]], "stage 'neg' has an invalid order -1"],
    ['a fractional order', [[def('frac', 1.5)]], /invalid order 1\.5/],
    ['a short commit', [[def('short', 1, [], { commit: '0123456' })]], "stage 'short' has a malformed commit id '0123456'"],
    ['an upper-case commit', [[def('upper', 1, [], { commit: COMMIT.toUpperCase() })]], /malformed commit id/],
    ['a 41-hex commit', [[def('long', 1, [], { commit: `${COMMIT}0` })]], /malformed commit id/],
    ['a missing requirement', [[def('needy', 1, ['ghost'])]], "stage 'needy' requires 'ghost', which no layer defines"],
    ['a two-stage cycle', [[def('x', 1, ['y']), def('y', 2, ['x'])]], /cycle/],
    ['a three-stage cycle', [[def('p', 1, ['r']), def('q', 2, ['p']), def('r', 3, ['q'])]], /cycle/],
    ['a stage requiring itself', [[def('selfish', 1, ['selfish'])]], /cycle/],
    ['a requirement later in the series', [[def('early', 1, ['late']), def('late', 2)]], "stage 'early' requires 'late', which comes later in the series"],
    ['a core stage required before it exists', [coreNetStages, [def('too-early', 24_000, ['net-ns-basic'])]], "stage 'too-early' requires 'net-ns-basic', which comes later in the series"],
  ];

  it.each(bad)('throws ManifestError for %s', (_what, groups, message) => {
    let caught: unknown;
    try {
      Manifest.compose(groups);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ManifestError);
    expect((caught as ManifestError).name).toBe('ManifestError');
    if (typeof message === 'string') expect((caught as Error).message).toBe(message);
    else expect((caught as Error).message).toMatch(message);
  });

  it('names the stages of a cycle in its message', () => {
    expect(() => Manifest.compose([[def('x', 1, ['y']), def('y', 2, ['x'])]])).toThrow(
      /cycle: (x -> y -> x|y -> x -> y)/,
    );
  });
});

describe('Manifest.select', () => {
  const m = Manifest.compose([coreNetStages]);

  it("'all' selects every stage", () => {
    const s = selected(m.select('all'));
    expect(s.ids()).toEqual(['net-ns-basic', 'net-ns-task', 'net-ns-clone']);
    expect(s.count).toBe(3);
    expect(s.spec).toBe('all');
    expect(s.manifest).toBe(m);
  });

  it("'none' and '0' select nothing", () => {
    for (const spec of ['none', '0']) {
      const s = selected(m.select(spec));
      expect(s.ids()).toEqual([]);
      expect(s.count).toBe(0);
      expect(s.spec).toBe(spec);
    }
  });

  it('a number selects that prefix of the series', () => {
    const s = selected(m.select('2'));
    expect(s.ids()).toEqual(['net-ns-basic', 'net-ns-task']);
    expect(s.has(0)).toBe(true);
    expect(s.has(1)).toBe(true);
    expect(s.has(2)).toBe(false);
    expect(selected(m.select('3')).count).toBe(3);
    expect(selected(m.select('1')).ids()).toEqual(['net-ns-basic']);
  });

  it('a number past the end is out of range', () => {
    expect(errorOf(m.select('4'))).toBe('stage 4 is out of range: the series has 3 stages (0-3)');
    expect(errorOf(m.select('99'))).toBe('stage 99 is out of range: the series has 3 stages (0-3)');
  });

  it('one id selects the series through it, as checking out a commit', () => {
    const s = selected(m.select('net-ns-task'));
    expect(s.ids()).toEqual(['net-ns-basic', 'net-ns-task']);
    expect(s.spec).toBe('net-ns-task');
    expect(selected(m.select('net-ns-basic')).ids()).toEqual(['net-ns-basic']);
    expect(selected(m.select('net-ns-clone')).count).toBe(3);
  });

  it('an unknown id says how to list the stages', () => {
    expect(errorOf(m.select('foo'))).toBe("unknown stage 'foo' (run 'netstage stages' for the list)");
    expect(errorOf(m.select('net-ns-basic,foo'))).toBe("unknown stage 'foo' (run 'netstage stages' for the list)");
    // 'all' is not a stage id inside a list.
    expect(errorOf(m.select('all,none'))).toBe("unknown stage 'all' (run 'netstage stages' for the list)");
  });

  it('a list is checked against requires, naming the missing stage', () => {
    expect(errorOf(m.select('net-ns-clone,net-ns-basic'))).toBe(
      "stage 'net-ns-clone' requires 'net-ns-task', which is not selected",
    );
    expect(errorOf(m.select('net-ns-task,net-ns-clone'))).toBe(
      "stage 'net-ns-task' requires 'net-ns-basic', which is not selected",
    );
  });

  it('a consistent list selects exactly its stages, in series order', () => {
    const s = selected(m.select('net-ns-task,net-ns-basic'));
    expect(s.ids()).toEqual(['net-ns-basic', 'net-ns-task']);
    expect(s.spec).toBe('net-ns-task,net-ns-basic');
    const withGap = Manifest.compose([[def('a', 1), def('b', 2), def('c', 3, ['a'])]]);
    expect(selected(withGap.select('c,a')).ids()).toEqual(['a', 'c']);
    expect(selected(withGap.select('b')).ids()).toEqual(['a', 'b']);
  });

  it('a list of numbers picks stages by number', () => {
    expect(selected(m.select('1,2')).ids()).toEqual(['net-ns-basic', 'net-ns-task']);
    expect(selected(m.select('3, 2 ,1')).count).toBe(3);
    expect(selected(m.select('1,net-ns-task')).ids()).toEqual(['net-ns-basic', 'net-ns-task']);
    expect(errorOf(m.select('2,3'))).toBe("stage 'net-ns-task' requires 'net-ns-basic', which is not selected");
    expect(errorOf(m.select('1,4'))).toBe('stage 4 is out of range: the series has 3 stages (1-3)');
    expect(errorOf(m.select('0,1'))).toBe('stage 0 is out of range: the series has 3 stages (1-3)');
  });

  it('an empty item in a list is an error', () => {
    expect(errorOf(m.select('1,,2'))).toBe("empty item in stage list '1,,2'");
    expect(errorOf(m.select('net-ns-basic,'))).toBe("empty item in stage list 'net-ns-basic,'");
    expect(errorOf(m.select(','))).toBe("empty item in stage list ','");
  });

  it('an empty selection is an error', () => {
    const msg = 'empty stage selection: give all, none, a number, a stage id or a list';
    expect(errorOf(m.select(''))).toBe(msg);
    expect(errorOf(m.select('   '))).toBe(msg);
  });

  it('surrounding blanks are ignored', () => {
    expect(selected(m.select('  all ')).count).toBe(3);
    expect(selected(m.select(' 1 ')).ids()).toEqual(['net-ns-basic']);
  });

  it('never throws, whatever the input', () => {
    const inputs = ['', ',', ',,,', 'all,', '-1', '1.5', '1e3', 'ALL', 'net-ns-task,,', 'x'.repeat(10_000), '\u0000', '99999999999999999999', '1,1', '  ,  '];
    for (const spec of inputs) {
      let r: SelectionResult | undefined;
      expect(() => {
        r = m.select(spec);
      }).not.toThrow();
      expect(r).toBeDefined();
    }
    expect(errorOf(m.select('-1'))).toBe("unknown stage '-1' (run 'netstage stages' for the list)");
    expect(selected(m.select('1,1')).ids()).toEqual(['net-ns-basic']);
  });

  it('stagePrefixes walks every prefix from none to all', () => {
    const prefixes = stagePrefixes(m);
    expect(prefixes.map((s) => s.count)).toEqual([0, 1, 2, 3]);
    expect(prefixes.map((s) => s.spec)).toEqual(['0', '1', '2', '3']);
    expect(prefixes[2]?.ids()).toEqual(['net-ns-basic', 'net-ns-task']);
  });
});

describe('StageSet: gates', () => {
  it('isOn follows the selection', () => {
    const k = Kernel.boot({ stages: 'net-ns-task' });
    expect(k.stages.isOn(k.manifest.stage('net-ns-basic'))).toBe(true);
    expect(k.stages.isOn(k.manifest.stage('net-ns-task'))).toBe(true);
    expect(k.stages.isOn(k.manifest.stage('net-ns-clone'))).toBe(false);
    expect(k.stages.selection.spec).toBe('net-ns-task');
    expect(k.stages.manifest).toBe(k.manifest);
  });

  it('a namespace-scoped gate is always open for initNet, and counts nothing', () => {
    for (const stages of ['none', '1', 'all']) {
      const k = Kernel.boot({ stages });
      for (const id of ['net-ns-basic', 'net-ns-task']) {
        const s = k.manifest.stage(id);
        expect(k.stages.gate(s, k.initNet)).toBe(true);
        expect(k.stages.refusals(s, k.initNet)).toBe(0);
      }
    }
  });

  it("the kernel-scoped 'net-ns-clone' gate refuses even initNet while off, and counts it", () => {
    const k = Kernel.boot({ stages: 'net-ns-task' });
    const clone = k.manifest.stage('net-ns-clone');
    expect(k.stages.gate(clone, k.initNet)).toBe(false);
    expect(k.stages.gate(clone, k.initNet)).toBe(false);
    expect(k.stages.refusals(clone, k.initNet)).toBe(2);
    expect(k.stages.refusals(k.manifest.stage('net-ns-task'), k.initNet)).toBe(0);
    const on = Kernel.boot({ stages: 'all' });
    expect(on.stages.gate(on.manifest.stage('net-ns-clone'), on.initNet)).toBe(true);
    expect(on.stages.refusals(on.manifest.stage('net-ns-clone'), on.initNet)).toBe(0);
  });

  it('a stage that is off refuses other namespaces, counted per stage and per namespace', () => {
    const k = Kernel.boot({ stages: 'net-ns-clone', layers: [probeLayer] });
    const probe = k.manifest.stage('probe-per-ns');
    const clone = k.manifest.stage('net-ns-clone');
    const a = k.netns.add('a');
    const b = k.netns.add('b');
    expect(k.stages.gate(probe, a)).toBe(false);
    expect(k.stages.gate(probe, a)).toBe(false);
    expect(k.stages.gate(probe, b)).toBe(false);
    expect(k.stages.gate(probe, k.initNet)).toBe(true);
    // A stage that is on lets every namespace through, uncounted.
    expect(k.stages.gate(clone, a)).toBe(true);
    expect(k.stages.refusals(probe, a)).toBe(2);
    expect(k.stages.refusals(probe, b)).toBe(1);
    expect(k.stages.refusals(probe, k.initNet)).toBe(0);
    expect(k.stages.refusals(clone, a)).toBe(0);
    expect(a.refusals(probe.index)).toBe(2);
    k.netns.del('a');
    k.netns.del('b');
    expectNoLeak(k);
  });

  it('with the stage on the gate is open for every namespace', () => {
    const k = Kernel.boot({ stages: 'all', layers: [probeLayer] });
    const probe = k.manifest.stage('probe-per-ns');
    const a = k.netns.add('a');
    expect(k.stages.gate(probe, a)).toBe(true);
    expect(k.stages.refusals(probe, a)).toBe(0);
    k.netns.del('a');
    expectNoLeak(k);
  });

  it('a removed gate (test switch) lets every namespace through while the stage stays off', () => {
    const k = Kernel.boot({ stages: 'net-ns-clone', layers: [probeLayer], unsafeRemoveGates: ['probe-per-ns'] });
    const probe = k.manifest.stage('probe-per-ns');
    const a = k.netns.add('a');
    expect(k.stages.isOn(probe)).toBe(false);
    expect(k.stages.gate(probe, a)).toBe(true);
    expect(k.stages.refusals(probe, a)).toBe(0);
    k.netns.del('a');
    expectNoLeak(k);
  });

  it('removing the kernel-scoped clone gate lets initNet through', () => {
    const k = Kernel.boot({ stages: 'net-ns-basic', unsafeRemoveGates: ['net-ns-clone'] });
    const clone = k.manifest.stage('net-ns-clone');
    expect(k.stages.gate(clone, k.initNet)).toBe(true);
    expect(k.stages.refusals(clone, k.initNet)).toBe(0);
  });
});

describe('StageSet: explain and why', () => {
  it("reason 'selected' when the stage is on", () => {
    const k = Kernel.boot({ stages: 'all' });
    const clone = k.manifest.stage('net-ns-clone');
    const e = k.stages.explain(clone, k.initNet);
    expect(e.stage).toBe(clone);
    expect(e.on).toBe(true);
    expect(e.open).toBe(true);
    expect(e.reason).toBe('selected');
    expect(e.requirementOff).toBeUndefined();
    expect(e.text).toBe("on: in selection 'all'");
  });

  it("reason 'initial-namespace' for an off namespace-scoped stage asked about initNet", () => {
    const k = Kernel.boot({ stages: 'none' });
    const task = k.manifest.stage('net-ns-task');
    const e = k.stages.explain(task, k.initNet);
    expect(e.on).toBe(false);
    expect(e.open).toBe(true);
    expect(e.reason).toBe('initial-namespace');
    expect(e.requirementOff?.id).toBe('net-ns-basic');
    expect(e.text).toBe("off: not in selection 'none'; requires 'net-ns-basic', which is off; open for the initial namespace");
  });

  it("reason 'not-selected' for the kernel-scoped clone stage even in initNet", () => {
    const k = Kernel.boot({ stages: '1' });
    const clone = k.manifest.stage('net-ns-clone');
    const e = k.stages.explain(clone, k.initNet);
    expect(e.on).toBe(false);
    expect(e.open).toBe(false);
    expect(e.reason).toBe('not-selected');
    // The earliest requirement that is off: net-ns-task (net-ns-basic is on).
    expect(e.requirementOff?.id).toBe('net-ns-task');
    expect(e.text).toBe(
      "off: not in selection '1'; requires 'net-ns-task', which is off; unshare({ net: true }) and ip netns add fail with EINVAL, as without CONFIG_NET_NS",
    );
  });

  it("reason 'not-selected' for another namespace, and explain agrees with the gate", () => {
    const k = Kernel.boot({ stages: 'net-ns-clone', layers: [probeLayer] });
    const probe = k.manifest.stage('probe-per-ns');
    const a = k.netns.add('a');
    const e = k.stages.explain(probe, a);
    expect(e.open).toBe(false);
    expect(e.reason).toBe('not-selected');
    expect(e.requirementOff).toBeUndefined(); // its requirement net-ns-clone is on
    expect(e.text).toBe("off: not in selection 'net-ns-clone'; probe is refused");
    expect(k.stages.gate(probe, a)).toBe(e.open);
    // explain never counts a refusal; only the gate does.
    expect(k.stages.refusals(probe, a)).toBe(1);
    k.stages.explain(probe, a);
    expect(k.stages.refusals(probe, a)).toBe(1);
    k.netns.del('a');
    expectNoLeak(k);
  });

  it("reason 'gate-removed' for a stage whose gate the test switch removed", () => {
    const k = Kernel.boot({ stages: 'net-ns-clone', layers: [probeLayer], unsafeRemoveGates: ['probe-per-ns'] });
    const probe = k.manifest.stage('probe-per-ns');
    const a = k.netns.add('a');
    const e = k.stages.explain(probe, a);
    expect(e.on).toBe(false);
    expect(e.open).toBe(true);
    expect(e.reason).toBe('gate-removed');
    expect(e.text).toBe("off: not in selection 'net-ns-clone'; its gate is removed (test switch)");
    k.netns.del('a');
    expectNoLeak(k);
  });

  it('why() names the selection and the first requirement that is off', () => {
    const k = Kernel.boot({ stages: '1' });
    expect(k.stages.why(k.manifest.stage('net-ns-basic'))).toBe("in selection '1'");
    expect(k.stages.why(k.manifest.stage('net-ns-task'))).toBe("not in selection '1'");
    expect(k.stages.why(k.manifest.stage('net-ns-clone'))).toBe("not in selection '1'; requires 'net-ns-task', which is off");
    const none = Kernel.boot({ stages: 'none' });
    expect(none.stages.why(none.manifest.stage('net-ns-clone'))).toBe(
      "not in selection 'none'; requires 'net-ns-basic', which is off",
    );
  });

  it('explain covers every stage and namespace without throwing, and open always matches the gate', () => {
    for (const stages of ['none', '1', '2', 'all']) {
      const k = Kernel.boot({ stages, unsafeRemoveGates: stages === 'all' ? [] : ['net-ns-clone'] });
      const other = k.netns.add('o');
      for (const s of k.manifest.stages) {
        for (const net of [k.initNet, other]) {
          const e = k.stages.explain(s, net);
          expect(e.on).toBe(k.stages.isOn(s));
          expect(k.stages.gate(s, net)).toBe(e.open);
        }
      }
      k.netns.del('o');
      k.clock.runUntilIdle();
      expect(k.netCount).toBe(1);
      expect(k.dyingCount).toBe(0);
    }
  });
});

describe('Kernel.boot: stage options', () => {
  it('defaults to all stages', () => {
    const k = Kernel.boot();
    expect(k.stages.selection.count).toBe(3);
    expect(k.stages.selection.spec).toBe('all');
    expect(k.layers).toEqual(['core-net']);
  });

  it.each([
    ['4', 'stage 4 is out of range: the series has 3 stages (0-3)'],
    ['foo', "unknown stage 'foo' (run 'netstage stages' for the list)"],
    ['net-ns-clone,net-ns-basic', "stage 'net-ns-clone' requires 'net-ns-task', which is not selected"],
    ['', 'empty stage selection: give all, none, a number, a stage id or a list'],
  ])('a bad selection %j throws NetError EINVAL with the one-line error', (stages, message) => {
    let caught: unknown;
    try {
      Kernel.boot({ stages });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(NetError);
    const e = caught as NetError;
    expect(e.code).toBe('EINVAL');
    expect(e.errno).toBe(22);
    expect(e.message).toBe(message);
    expect(e.detail).toBe(message);
    expect(e.message).not.toContain('\n');
  });

  it('the selection is checked against the stages of every layer', () => {
    expect(() => Kernel.boot({ stages: '4' })).toThrow(NetError);
    const k = Kernel.boot({ stages: '4', layers: [probeLayer] });
    expect(k.stages.selection.count).toBe(4);
    expect(k.layers).toEqual(['core-net', 'probe']);
    expect(k.stages.isOn(k.manifest.stage('probe-per-ns'))).toBe(true);
  });

  it('accepts a parsed selection of the same manifest, and refuses one of another', () => {
    const core = Manifest.compose([coreNetStages]);
    const sel = selected(core.select('2'));
    const k = Kernel.boot({ stages: sel });
    expect(k.stages.selection.ids()).toEqual(['net-ns-basic', 'net-ns-task']);
    expect(k.stages.selection.spec).toBe('2');
    expect(() => Kernel.boot({ stages: sel, layers: [probeLayer] })).toThrow(ManifestError);
    expect(() => Kernel.boot({ stages: sel, layers: [probeLayer] })).toThrow(
      'the stage selection was made from a different manifest',
    );
  });

  it('a layer registered twice throws', () => {
    const again: Layer = { name: 'probe' };
    expect(() => Kernel.boot({ layers: [probeLayer, again] })).toThrow(ManifestError);
    expect(() => Kernel.boot({ layers: [probeLayer, again] })).toThrow("layer 'probe' is registered twice");
    expect(() => Kernel.boot({ layers: [{ name: 'core-net' }] })).toThrow("layer 'core-net' is registered twice");
  });

  it("inconsistent layer stage data throws ManifestError at boot", () => {
    const clash: Layer = { name: 'clash', stages: [def('net-ns-task', 99_000)] };
    expect(() => Kernel.boot({ layers: [clash] })).toThrow("stage 'net-ns-task' is defined twice");
  });

  it('an unknown stage in unsafeRemoveGates throws', () => {
    expect(() => Kernel.boot({ unsafeRemoveGates: ['no-such-stage'] })).toThrow(ManifestError);
  });
});
