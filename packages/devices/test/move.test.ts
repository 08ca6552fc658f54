import { describe, expect, it } from 'vitest';
import { IFF, parseMac } from '../src/index.js';
import { listing, netErrorOf, world, type World } from './support.js';

function mac(text: string): number {
  const m = parseMac(text);
  if (m === undefined) throw new Error(text);
  return m;
}

/** Transcript 4.B's start: rsch-a and rsch-b, lo up, veth0 (a) <-> veth1 (b), both up. */
function twoNamespaces(): World & { a: ReturnType<World['ns']>; b: ReturnType<World['ns']> } {
  const w = world();
  const a = w.ns('rsch-a');
  const b = w.ns('rsch-b');
  w.links.set(a.sh, 'lo', { up: true });
  w.links.set(b.sh, 'lo', { up: true });
  w.withFd(a.sh, 'rsch-b', (fd) =>
    w.links.add(a.sh, {
      kind: 'veth',
      name: 'veth0',
      address: mac('02:00:00:00:0a:01'),
      peer: { name: 'veth1', address: mac('02:00:00:00:0b:01'), netns: { fd } },
    }),
  );
  w.links.set(a.sh, 'veth0', { up: true });
  w.links.set(b.sh, 'veth1', { up: true });
  return Object.assign(w, { a, b });
}

describe('moving devices (transcript 4.D, reference §3.2–3.3)', () => {
  it('replays 4.D: name clashes, rename-on-move, ifindex kept when free, cursor not advanced by kept indices', () => {
    const w = twoNamespaces();
    const { a, b } = w;
    expect(listing(w, a.net)).toEqual(['1: lo', '2: veth0']);
    expect(listing(w, b.net)).toEqual(['1: lo', '2: veth1']);

    w.links.add(a.sh, { kind: 'veth', name: 'mv0', peer: { name: 'mv0peer' } });
    w.links.add(b.sh, { kind: 'veth', name: 'mv0', peer: { name: 'mvx' } });
    expect(listing(w, a.net)).toEqual(['1: lo', '2: veth0', '3: mv0peer', '4: mv0']);
    expect(listing(w, b.net)).toEqual(['1: lo', '2: veth1', '3: mvx', '4: mv0']);

    const clash = netErrorOf(() => w.withFd(a.sh, 'rsch-b', (fd) => w.links.set(a.sh, 'mv0', { netns: { fd } })));
    expect(clash.code).toBe('EEXIST');
    expect(clash.message).toBe('Error: An interface with the same name exists in the target netns.');
    expect(listing(w, a.net)).toEqual(['1: lo', '2: veth0', '3: mv0peer', '4: mv0']);

    w.withFd(a.sh, 'rsch-b', (fd) => w.links.set(a.sh, 'mv0', { netns: { fd }, name: 'mv9' }));
    const mv9 = w.dev(b.net, 'mv9');
    expect(mv9.ifindex).toBe(5);
    expect(mv9.up).toBe(false);
    expect(mv9.flags).toBe(IFF.BROADCAST | IFF.MULTICAST);

    w.withFd(b.sh, 'rsch-a', (fd) => w.links.set(b.sh, 'mvx', { netns: { fd } }));
    expect(listing(w, a.net)).toEqual(['1: lo', '2: veth0', '3: mv0peer', '5: mvx']);

    w.links.set(a.sh, 'mv0peer', { up: true });
    expect(w.dev(a.net, 'mv0peer').operstate).toBe('LOWERLAYERDOWN');
    w.withFd(a.sh, 'rsch-b', (fd) => w.links.set(a.sh, 'mv0peer', { netns: { fd } }));
    const moved = w.dev(b.net, 'mv0peer');
    expect(moved.operstate).toBe('DOWN');
    expect(listing(w, b.net)).toEqual(['1: lo', '2: veth1', '3: mv0peer', '4: mv0', '5: mv9']);

    w.links.add(a.sh, { kind: 'veth', name: 'k0', peer: { name: 'k1' } });
    expect(w.dev(a.net, 'k0').ifindex).toBe(7);
    expect(w.dev(a.net, 'k1').ifindex).toBe(6);
    w.withFd(a.sh, 'rsch-b', (fd) => w.links.set(a.sh, 'k0', { netns: { fd } }));
    expect(w.dev(b.net, 'k0').ifindex).toBe(7);

    w.links.del(a.sh, 'k1');
    w.links.del(b.sh, 'mv9');
    w.links.del(a.sh, 'mvx');
    expect(listing(w, a.net)).toEqual(['1: lo', '2: veth0']);
    expect(listing(w, b.net)).toEqual(['1: lo', '2: veth1']);
    w.end();
  });

  it('a moved device keeps its MAC and MTU and arrives DOWN; the peer link follows it', () => {
    const w = twoNamespaces();
    const { a, b } = w;
    w.links.add(a.sh, { kind: 'veth', name: 'p0', peer: { name: 'p1' }, mtu: 9000 });
    w.links.set(a.sh, 'p0', { up: true });
    const p0 = w.dev(a.net, 'p0');
    const before = p0.mac;
    w.withFd(a.sh, 'rsch-b', (fd) => w.links.set(a.sh, 'p0', { netns: { fd } }));
    expect(p0.net).toBe(b.net);
    expect(p0.mac).toBe(before);
    expect(p0.mtu).toBe(9000);
    expect(p0.up).toBe(false);
    const info = w.links.show(a.sh, 'p1')[0];
    expect(info?.peer?.net).toBe(b.net);
    expect(info?.peer?.ifindex).toBe(p0.ifindex);
    w.end();
  });

  it('moves by pid and by handle both land (gVisor #14510)', () => {
    const w = twoNamespaces();
    const { a, b } = w;
    w.links.add(a.sh, { kind: 'dummy', name: 'd1' });
    w.links.add(a.sh, { kind: 'dummy', name: 'd2' });
    w.links.set(a.sh, 'd1', { netns: { pid: b.sh.pid } });
    w.withFd(a.sh, 'rsch-b', (fd) => w.links.set(a.sh, 'd2', { netns: { fd } }));
    expect(w.dev(b.net, 'd1').net).toBe(b.net);
    expect(w.dev(b.net, 'd2').net).toBe(b.net);
    expect(netErrorOf(() => w.links.set(b.sh, 'd1', { netns: { pid: 99_999 } })).code).toBe('ESRCH');
    expect(netErrorOf(() => w.links.set(b.sh, 'd1', { netns: { fd: 42 } })).code).toBe('EBADF');
    w.end();
  });

  it('a %d pattern is resolved in the target namespace', () => {
    const w = twoNamespaces();
    const { a, b } = w;
    w.links.add(b.sh, { kind: 'dummy', name: 'dm0' });
    w.links.add(a.sh, { kind: 'dummy', name: 'dm0' });
    w.withFd(a.sh, 'rsch-b', (fd) => w.links.set(a.sh, 'dm0', { netns: { fd }, name: 'dm%d' }));
    expect(listing(w, b.net)).toContain('4: dm1');
    w.end();
  });

  it('a refused move changes nothing', () => {
    const w = twoNamespaces();
    const { a, b } = w;
    w.links.add(a.sh, { kind: 'dummy', name: 'veth1' });
    w.links.set(a.sh, 'veth1', { up: true, mtu: 1400 });
    const e = netErrorOf(() =>
      w.withFd(a.sh, 'rsch-b', (fd) => w.links.set(a.sh, 'veth1', { netns: { fd }, mtu: 1300, up: false })),
    );
    expect(e.code).toBe('EEXIST');
    const d = w.dev(a.net, 'veth1');
    expect([d.up, d.mtu, d.net]).toEqual([true, 1400, a.net]);
    expect(listing(w, b.net)).toEqual(['1: lo', '2: veth1']);
    w.end();
  });
});
