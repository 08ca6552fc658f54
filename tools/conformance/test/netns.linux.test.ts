import { Kernel, NetError } from '@netstage/core-net';
import { describe, expect, it } from 'vitest';
import { linuxAvailable, runLinuxSteps } from '../src/linux.js';

// `ip netns` on the real kernel and netstage's /run/netns registry, side by side
// (reference §3.1, §3.4, §5). Root only: elsewhere the suite reports itself skipped.
const linux = linuxAvailable();

function message(action: () => unknown): string {
  try {
    action();
    return '';
  } catch (err) {
    if (err instanceof NetError) return `${err.message}\n`;
    throw err;
  }
}

describe.skipIf(!linux)('ip netns against real Linux', () => {
  it('errors and listings match iproute2 word for word', { timeout: 60_000 }, () => {
    const long = 'n'.repeat(256);
    const steps = [
      'ip netns add nst-a',
      'ip netns add nst-a',
      'ip netns add nst/x',
      'ip netns add ..',
      `ip netns add ${long}`,
      'ip netns del nst-zz',
      'ip netns exec nst-zz true',
      'ip netns pids nst-zz',
      'ip netns add nst-b',
      'ip netns add nst-c',
      'ip netns list',
      'ip netns del nst-b',
      'ip netns list',
      'ip netns exec nst-c ip netns identify',
      'ip netns del nst-a; ip netns del nst-c; ip netns list',
    ];
    const real = runLinuxSteps(steps);
    expect(real).toHaveLength(steps.length);

    const kernel = Kernel.boot();
    const ns = kernel.netns;
    const sim = [
      message(() => ns.add('nst-a')),
      message(() => ns.add('nst-a')),
      message(() => ns.add('nst/x')),
      message(() => ns.add('..')),
      message(() => ns.add(long)),
      message(() => ns.del('nst-zz')),
      message(() => ns.exec('nst-zz', kernel.initTask)),
      message(() => ns.pids('nst-zz')),
      message(() => ns.add('nst-b')),
      message(() => ns.add('nst-c')),
    ];
    sim.forEach((m, i) => expect(`${steps[i]}: ${real[i]?.stderr}`).toBe(`${steps[i]}: ${m}`));
    expect(real[10]?.stdout).toBe(ns.list().map((n) => `${n}\n`).join(''));
    ns.del('nst-b');
    expect(real[12]?.stdout).toBe(ns.list().map((n) => `${n}\n`).join(''));
    const sh = ns.exec('nst-c', kernel.initTask);
    expect(real[13]?.stdout).toBe(ns.identify(sh.net).map((n) => `${n}\n`).join(''));
    sh.exit();
    ns.del('nst-a');
    ns.del('nst-c');
    expect(real[14]?.stdout).toBe('');
    expect(ns.list()).toEqual([]);
    kernel.clock.runUntilIdle();
    expect(kernel.netCount).toBe(1);
  });
});
