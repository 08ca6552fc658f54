import { Kernel, NetError, stagePrefixes } from '@netstage/core-net';
import { devicesLayer } from '@netstage/devices';
import { ipv4Layer } from '@netstage/ipv4';
import { describe, expect, it } from 'vitest';
import { SOCKET_STAGES, socketsLayer } from '../src/index.js';
import { ip, netErrorOf, str, text, world } from './support.js';

const manifest = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] }).manifest;
const prefixes = stagePrefixes(manifest);

describe('the sockets stages (reference §2.1: inet_create fence, then inet_netns_ok)', () => {
  it('compose in upstream order among the other layers', () => {
    const ids = manifest.stages.map((s) => s.id);
    const ours = Object.values(SOCKET_STAGES);
    expect(ids.filter((id) => (ours as readonly string[]).includes(id))).toEqual([
      'sock-ns-tag',
      'sock-create-ns-safe',
      'packet-per-ns',
      'unix-per-ns',
      'udp-lookup-per-ns',
      'inet-create-per-protocol',
      'inet-protocols-netns-ok',
    ]);
    // 2342fd7e and 92f1fecb landed the same day, after ip_rcv's per-protocol gate (f145049a).
    expect(ids.indexOf('inet-create-per-protocol')).toBeGreaterThan(ids.indexOf('ip-rcv-per-protocol'));
  });

  it.each(prefixes.map((p, i) => [i, p.ids().at(-1) ?? '(none)', p] as const))(
    'prefix %i (through %s): UDP over lo in initNet as before; AF_INET elsewhere only once UDP is netns_ok',
    (_i, _last, stages) => {
      const w = world({ stages });
      const init = w.kernel.initTask;
      w.links.set(init, 'lo', { up: true });
      const rx = w.udp(init);
      rx.sock.bind({ address: ip('127.0.0.1'), port: 5000 });
      const tx = w.udp(init);
      tx.sock.send(text('hello'), { address: ip('127.0.0.1'), port: 5000 });
      w.kernel.clock.runUntilIdle();
      const d = rx.sock.recv();
      expect(str(d.data)).toBe('hello');
      expect(d.from.port).toBe(tx.sock.local.port);

      if (stages.ids().includes('net-ns-clone')) {
        const { sh } = w.ns('nst-other');
        const open = stages.ids().includes(SOCKET_STAGES.netnsOk);
        if (open) {
          // Same port, other namespace: no conflict (fa4d3c62), and the socket is there.
          const other = w.udp(sh);
          other.sock.bind({ address: 0, port: 5000 });
          expect(other.sock.net).toBe(sh.net);
        } else {
          const before = sh.fds();
          const err = netErrorOf(() => w.udp(sh));
          expect(err).toBeInstanceOf(NetError);
          expect(err.code).toBe('EAFNOSUPPORT');
          expect(sh.fds()).toEqual(before);
        }
      }
      for (const fd of init.fds()) init.close(fd);
      w.end();
    },
  );
});
