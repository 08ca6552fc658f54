import { describe, expect, it } from 'vitest';
import { NicDevice } from '../src/index.js';
import { listing, world } from './support.js';

describe('devices when their namespace exits (reference §3.4)', () => {
  it('deleting rsch-b destroys veth1 and with it veth0 in rsch-a (transcript 4.I)', () => {
    const w = world();
    const a = w.ns('rsch-a');
    const b = w.ns('rsch-b');
    w.withFd(a.sh, 'rsch-b', (fd) => w.links.add(a.sh, { kind: 'veth', name: 'veth0', peer: { name: 'veth1', netns: { fd } } }));
    b.sh.exit();
    w.kernel.netns.del('rsch-b');
    expect(listing(w, a.net)).toEqual(['1: lo', '2: veth0']); // teardown is asynchronous
    w.kernel.clock.runUntilIdle();
    expect(listing(w, a.net)).toEqual(['1: lo']);
    expect(w.kernel.netns.list()).toEqual(['rsch-a']);
    w.end();
  });

  it('a namespace held by a task keeps its devices after ip netns del (transcript 4.H)', () => {
    const w = world();
    const a = w.ns('a');
    w.links.add(a.sh, { kind: 'dummy', name: 'd0' });
    w.kernel.netns.del('a');
    w.kernel.clock.runUntilIdle();
    expect(listing(w, a.net)).toEqual(['1: lo', '2: d0']);
    w.end();
  });

  it('a NIC goes back to initNet under its own name when that is free', () => {
    const w = world({ devices: { nics: ['eth0', 'eth1'] } });
    const a = w.ns('a');
    w.withFd(w.kernel.initTask, 'a', (fd) => w.links.set(w.kernel.initTask, 'eth1', { netns: { fd } }));
    const eth1 = w.dev(a.net, 'eth1');
    expect(eth1).toBeInstanceOf(NicDevice);
    expect(listing(w, w.kernel.initNet)).toEqual(['1: lo', '2: eth0']);
    a.sh.exit();
    w.kernel.netns.del('a');
    w.kernel.clock.runUntilIdle();
    expect(listing(w, w.kernel.initNet)).toEqual(['1: lo', '2: eth0', '3: eth1']);
    expect(eth1.net).toBe(w.kernel.initNet);
    expect(eth1.up).toBe(false);
    w.end();
  });

  it('…as dev<ifindex> when its name is taken there, else dev%d', () => {
    const w = world({ devices: { nics: ['eth0', 'eth1', 'eth2'] } });
    const a = w.ns('a');
    const init = w.kernel.initTask;
    w.withFd(init, 'a', (fd) => {
      w.links.set(init, 'eth1', { netns: { fd } });
      w.links.set(init, 'eth2', { netns: { fd } });
    });
    // In 'a': rename both so their old names can be retaken in initNet.
    w.links.set(a.sh, 'eth1', { name: 'x1' });
    w.links.set(a.sh, 'eth2', { name: 'x2' });
    w.links.add(init, { kind: 'dummy', name: 'x1' });
    w.links.add(init, { kind: 'dummy', name: 'x2' });
    w.links.add(init, { kind: 'dummy', name: 'dev4' }); // eth2 was ifindex 4
    expect(listing(w, w.kernel.initNet)).toEqual(['1: lo', '2: eth0', '5: x1', '6: x2', '7: dev4']);
    a.sh.exit();
    w.kernel.netns.del('a');
    w.kernel.clock.runUntilIdle();
    expect(listing(w, w.kernel.initNet)).toEqual(['1: lo', '2: eth0', '3: dev3', '4: dev0', '5: x1', '6: x2', '7: dev4']);
    w.end();
  });

  it("before 'virt-dev-delete-on-exit' (v2.6.24–v2.6.28) virtual devices are moved back to initNet too", () => {
    const w = world({ stages: 'rtnl-link-methods' });
    const a = w.ns('a');
    w.links.add(a.sh, { kind: 'veth', name: 'va', peer: { name: 'vb' } });
    // One global ifindex counter then: a's lo took 2, vb 3, va 4; both keep theirs.
    expect(listing(w, a.net)).toEqual(['2: lo', '3: vb', '4: va']);
    a.sh.exit();
    w.kernel.netns.del('a');
    w.kernel.clock.runUntilIdle();
    expect(listing(w, w.kernel.initNet)).toEqual(['1: lo', '3: vb', '4: va']);
    w.end();
  });
});
