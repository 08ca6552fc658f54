// Shared by the sockets tests: a kernel with devices, ipv4 and sockets; namespaces with
// shells; UDP sockets; and the leak check every test ends with.
import { Kernel, NetError, type BootOptions, type Net, type Task } from '@netstage/core-net';
import { LinkControl, devicesLayer } from '@netstage/devices';
import { InetControl, ipv4Layer, parseIpv4 } from '@netstage/ipv4';
import { expect } from 'vitest';
import { UdpSocket, socketLayer, socketsLayer } from '../src/index.js';

export interface World {
  readonly kernel: Kernel;
  readonly links: LinkControl;
  readonly inet: InetControl;
  ns(name: string): { net: Net; sh: Task };
  withFd<T>(task: Task, name: string, fn: (fd: number) => T): T;
  /** A new UDP socket of `task` (in its current namespace) and its descriptor. */
  udp(task: Task): { sock: UdpSocket; fd: number };
  end(): void;
}

export function world(options: Omit<BootOptions, 'layers'> = {}): World {
  const kernel = Kernel.boot({ ...options, layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
  const shells: Task[] = [];
  const w: World = {
    kernel,
    links: new LinkControl(kernel),
    inet: new InetControl(kernel),
    ns(name) {
      const net = kernel.netns.add(name);
      const sh = kernel.netns.exec(name, kernel.initTask);
      shells.push(sh);
      return { net, sh };
    },
    withFd(task, name, fn) {
      const fd = kernel.netns.open(name, task);
      try {
        return fn(fd);
      } finally {
        task.close(fd);
      }
    },
    udp(task) {
      const layer = socketLayer(kernel);
      const fd = layer.socket(task, 'inet', 'dgram');
      return { sock: layer.fdSocket(task, fd) as UdpSocket, fd };
    },
    end() {
      for (const sh of shells) sh.exit();
      for (const t of kernel.tasks()) if (t !== kernel.initTask) t.exit();
      for (const fd of kernel.initTask.fds()) kernel.initTask.close(fd);
      for (const n of kernel.netns.list()) kernel.netns.del(n);
      kernel.clock.runUntilIdle();
      expect(kernel.netCount).toBe(1);
      expect(kernel.dyingCount).toBe(0);
    },
  };
  return w;
}

/** Reference §5's topology: rsch-a (veth0 10.200.0.1/24) and rsch-b (veth1 10.200.0.2/24), lo up in both. */
export function pair(w: World): { a: { net: Net; sh: Task }; b: { net: Net; sh: Task } } {
  const a = w.ns('rsch-a');
  const b = w.ns('rsch-b');
  w.links.set(a.sh, 'lo', { up: true });
  w.links.set(b.sh, 'lo', { up: true });
  w.withFd(a.sh, 'rsch-b', (fd) => w.links.add(a.sh, { kind: 'veth', name: 'veth0', peer: { name: 'veth1', netns: { fd } } }));
  w.inet.addAddress(a.sh, 'veth0', { local: ip('10.200.0.1'), prefixLen: 24 });
  w.inet.addAddress(b.sh, 'veth1', { local: ip('10.200.0.2'), prefixLen: 24 });
  w.links.set(a.sh, 'veth0', { up: true });
  w.links.set(b.sh, 'veth1', { up: true });
  return { a, b };
}

export function ip(text: string): number {
  const n = parseIpv4(text);
  if (n === undefined) throw new Error(text);
  return n;
}

export function netErrorOf(fn: () => unknown): NetError {
  try {
    fn();
  } catch (err) {
    if (err instanceof NetError) return err;
    throw err;
  }
  throw new Error('expected a NetError, but nothing was thrown');
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const str = (b: Uint8Array): string => new TextDecoder().decode(b);
