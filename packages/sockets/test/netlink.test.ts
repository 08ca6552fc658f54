import { Kernel, stagePrefixes } from '@netstage/core-net';
import { IFF, devicesLayer, netdev } from '@netstage/devices';
import { ipv4Layer } from '@netstage/ipv4';
import { describe, expect, it } from 'vitest';
import { NETLINK_ROUTE, NetlinkSocket, socketLayer, socketsLayer } from '../src/index.js';
import { ip, netErrorOf, pair, world, type World } from './support.js';

const manifest = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] }).manifest;
const prefixes = stagePrefixes(manifest);

function netlink(w: World, task: Parameters<World['udp']>[0], type: 'raw' | 'dgram' = 'raw'): { nl: NetlinkSocket; fd: number } {
  const layer = socketLayer(w.kernel);
  const fd = layer.socket(task, 'netlink', type, NETLINK_ROUTE);
  const nl = layer.fdSocket(task, fd);
  if (!(nl instanceof NetlinkSocket)) throw new Error('not a netlink socket');
  return { nl, fd };
}

const names = (links: readonly { name: string }[]): string[] => links.map((l) => l.name);

describe('AF_NETLINK / NETLINK_ROUTE control socket', () => {
  it('lists the links of its own namespace, not another one', () => {
    const w = world();
    const { a, b } = pair(w);
    const { nl, fd } = netlink(w, a.sh);
    expect(nl.net).toBe(a.net);
    expect(nl.family).toBe('netlink');
    expect(names(nl.request({ kind: 'link', op: 'show' }))).toEqual(['lo', 'veth0']);
    const other = netlink(w, b.sh, 'dgram');
    expect(names(other.nl.request({ kind: 'link', op: 'show' }))).toEqual(['lo', 'veth1']);
    a.sh.close(fd);
    b.sh.close(other.fd);
    w.end();
  });

  it('keeps configuring its namespace after the task moves with setns', () => {
    const w = world();
    const { a, b } = pair(w);
    const { nl, fd } = netlink(w, a.sh);
    w.withFd(a.sh, 'rsch-b', (nsfd) => a.sh.setns(nsfd));
    expect(a.sh.net).toBe(b.net);
    expect(names(nl.request({ kind: 'link', op: 'show' }, a.sh))).toEqual(['lo', 'veth0']);
    // A new socket of the moved task is in rsch-b.
    const fresh = netlink(w, a.sh);
    expect(names(fresh.nl.request({ kind: 'link', op: 'show' }, a.sh))).toEqual(['lo', 'veth1']);
    a.sh.close(fd);
    a.sh.close(fresh.fd);
    w.end();
  });

  it('adds and deletes a dummy link, and reports errors as ip would', () => {
    const w = world();
    const { a } = pair(w);
    const { nl, fd } = netlink(w, a.sh);
    const tasks = w.kernel.tasks().length;
    const info = nl.request({ kind: 'link', op: 'add', link: { kind: 'dummy', name: 'dummy0' } });
    expect(info.name).toBe('dummy0');
    expect(info.ifindex).toBe(3);
    expect(names(w.links.show(a.sh))).toEqual(['lo', 'veth0', 'dummy0']);
    expect(w.kernel.tasks().length).toBe(tasks); // the kernel-internal task is gone

    const exists = netErrorOf(() => nl.request({ kind: 'link', op: 'add', link: { kind: 'dummy', name: 'dummy0' } }));
    expect(exists.code).toBe('EEXIST');
    const lo = netErrorOf(() => nl.request({ kind: 'link', op: 'del', name: 'lo' }));
    expect(lo.code).toBe('EOPNOTSUPP');
    nl.request({ kind: 'link', op: 'del', name: 'dummy0' });
    expect(names(w.links.show(a.sh))).toEqual(['lo', 'veth0']);
    const gone = netErrorOf(() => nl.request({ kind: 'link', op: 'del', name: 'dummy0' }));
    expect(gone.code).toBe('ENODEV');
    expect(gone.message).toContain('Cannot find device "dummy0"');
    expect(w.kernel.tasks().length).toBe(tasks);
    a.sh.close(fd);
    w.end();
  });

  it('sets links, and manages addresses and routes in its namespace', () => {
    const w = world();
    const { a } = pair(w);
    const { nl, fd } = netlink(w, a.sh);
    nl.request({ kind: 'link', op: 'add', link: { kind: 'dummy', name: 'dummy0' } });
    nl.request({ kind: 'link', op: 'set', name: 'dummy0', change: { up: true } });
    expect((nl.request({ kind: 'link', op: 'show', name: 'dummy0' })[0]?.flags ?? 0) & IFF.UP).toBe(IFF.UP);
    const addr = nl.request({ kind: 'addr', op: 'add', dev: 'dummy0', spec: { local: ip('10.9.0.1'), prefixLen: 24 } });
    expect(addr.local).toBe(ip('10.9.0.1'));
    const dumps = nl.request({ kind: 'addr', op: 'show', dev: 'dummy0' });
    expect(dumps[0]?.addrs.map((x) => x.local)).toEqual([ip('10.9.0.1')]);
    expect(nl.request({ kind: 'route', op: 'get', dst: ip('10.9.0.7') }).dev?.name).toBe('dummy0');
    nl.request({ kind: 'route', op: 'add', route: { dst: ip('10.8.0.0'), prefixLen: 16, dev: 'dummy0' } });
    expect(nl.request({ kind: 'route', op: 'show' }).some((r) => r.dst === ip('10.8.0.0'))).toBe(true);
    nl.request({ kind: 'route', op: 'del', route: { dst: ip('10.8.0.0'), prefixLen: 16, dev: 'dummy0' } });
    const none = netErrorOf(() => nl.request({ kind: 'route', op: 'del', route: { dst: ip('10.8.0.0'), prefixLen: 16 } }));
    expect(none.code).toBe('ESRCH');
    nl.request({ kind: 'addr', op: 'del', dev: 'dummy0', local: ip('10.9.0.1'), prefixLen: 24 });
    nl.request({ kind: 'addr', op: 'flush', dev: 'dummy0' });
    expect(nl.request({ kind: 'addr', op: 'show', dev: 'dummy0' })[0]?.addrs).toEqual([]);
    // Nothing of this reached initNet.
    expect(names(w.links.show(w.kernel.initTask))).toEqual(['lo']);
    a.sh.close(fd);
    w.end();
  });

  it('refuses other types and protocols, and requests on a closed socket', () => {
    const w = world();
    const { a } = pair(w);
    const layer = socketLayer(w.kernel);
    const before = a.sh.fds();
    expect(netErrorOf(() => layer.socket(a.sh, 'netlink', 'raw', 16)).code).toBe('EPROTONOSUPPORT');
    expect(netErrorOf(() => layer.socket(a.sh, 'netlink', 'raw', 99)).code).toBe('EPROTONOSUPPORT');
    expect(netErrorOf(() => layer.socket(a.sh, 'netlink', 'stream')).code).toBe('ESOCKTNOSUPPORT');
    expect(a.sh.fds()).toEqual(before);
    const { nl, fd } = netlink(w, a.sh);
    a.sh.close(fd);
    expect(netErrorOf(() => nl.request({ kind: 'link', op: 'show' })).code).toBe('EBADF');
    w.end();
  });

  it('a socket alone keeps its namespace alive until it closes', () => {
    const w = world();
    const { a } = pair(w);
    const { nl, fd } = netlink(w, a.sh);
    const held = w.kernel.initTask.install(nl.get());
    a.sh.close(fd);
    w.kernel.netns.del('rsch-a');
    a.sh.exit();
    w.kernel.clock.runUntilIdle();
    expect(names(nl.request({ kind: 'link', op: 'show' }))).toEqual(['lo', 'veth0']);
    w.kernel.initTask.close(held);
    w.end();
  });

  it.each(prefixes.map((p, i) => [i, p.ids().at(-1) ?? '(none)', p] as const))(
    'prefix %i (through %s): created everywhere; ECONNREFUSED outside initNet until rtnl-netns-socket',
    (_i, _last, stages) => {
      const w = world({ stages });
      const init = w.kernel.initTask;
      const root = netlink(w, init);
      expect(names(root.nl.request({ kind: 'link', op: 'show' }))).toContain('lo');
      root.nl.request({ kind: 'link', op: 'add', link: { kind: 'dummy', name: 'dummy0' } });
      root.nl.request({ kind: 'link', op: 'del', name: 'dummy0' });
      init.close(root.fd);

      if (stages.ids().includes('net-ns-clone')) {
        const { net, sh } = w.ns('nst-other');
        const { nl, fd } = netlink(w, sh); // never EAFNOSUPPORT
        expect(nl.net).toBe(net);
        const devices = names(netdev(w.kernel).devices(net));
        const tasks = w.kernel.tasks().length;
        if (stages.ids().includes('rtnl-netns-socket')) {
          expect(() => nl.request({ kind: 'link', op: 'show' })).not.toThrow();
        } else {
          for (const req of [
            { kind: 'link', op: 'show' },
            { kind: 'link', op: 'add', link: { kind: 'dummy', name: 'dummy0' } },
            { kind: 'route', op: 'show' },
            { kind: 'addr', op: 'show' },
          ] as const) {
            const err = netErrorOf(() => nl.request(req));
            expect(err.code).toBe('ECONNREFUSED');
          }
          expect(names(netdev(w.kernel).devices(net))).toEqual(devices);
          expect(w.kernel.tasks().length).toBe(tasks);
        }
        sh.close(fd);
      }
      w.end();
    },
  );
});
