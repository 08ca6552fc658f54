// Shared by the ipv4 tests: a kernel with devices and ipv4, namespaces with shells, a
// compact route rendering, and the leak check every test ends with.
import { Kernel, NetError, type BootOptions, type Net, type Task } from '@netstage/core-net';
import { LinkControl, devicesLayer, netdev } from '@netstage/devices';
import { expect } from 'vitest';
import { InetControl, ipv4, ipv4Layer, ipv4ToString, parseIpv4, type Route } from '../src/index.js';

export interface World {
  readonly kernel: Kernel;
  readonly links: LinkControl;
  readonly inet: InetControl;
  ns(name: string): { net: Net; sh: Task };
  withFd<T>(task: Task, name: string, fn: (fd: number) => T): T;
  end(): void;
}

export function world(options: Omit<BootOptions, 'layers'> = {}): World {
  const kernel = Kernel.boot({ ...options, layers: [devicesLayer(), ipv4Layer()] });
  const shells: Task[] = [];
  return {
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
    end() {
      for (const sh of shells) sh.exit();
      for (const n of kernel.netns.list()) kernel.netns.del(n);
      kernel.clock.runUntilIdle();
      expect(kernel.netCount).toBe(1);
      expect(kernel.dyingCount).toBe(0);
      // No IPv4 state may outlive its device.
      const core = netdev(kernel);
      for (const dev of ipv4StateDevices(kernel)) expect(core.devices(dev.net)).toContain(dev);
    },
  };
}

function ipv4StateDevices(kernel: Kernel) {
  const ip = ipv4(kernel);
  return netdev(kernel).devices(kernel.initNet).filter((d) => ip.inDevice(d) !== undefined);
}

/** An address from text. */
export function ip(text: string): number {
  const n = parseIpv4(text);
  if (n === undefined) throw new Error(`bad address ${text}`);
  return n;
}

/** A route the way `ip route` words it (without `proto` for boot routes' default). */
export function routeLine(r: Route): string {
  const dst = r.prefixLen === 32 && (r.type === 'local' || r.type === 'broadcast') ? ipv4ToString(r.dst) : r.prefixLen === 0 ? 'default' : `${ipv4ToString(r.dst)}/${r.prefixLen}`;
  const parts = [r.type === 'unicast' ? '' : `${r.type} `, dst];
  if (r.gateway !== 0) parts.push(` via ${ipv4ToString(r.gateway)}`);
  if (r.dev !== undefined) parts.push(` dev ${r.dev.name}`);
  if (r.protocol === 'kernel') parts.push(' proto kernel');
  const scope = r.scope === 254 ? 'host' : r.scope === 253 ? 'link' : undefined;
  if (scope !== undefined) parts.push(` scope ${scope}`);
  if (r.prefsrc !== 0) parts.push(` src ${ipv4ToString(r.prefsrc)}`);
  if (r.metric !== 0) parts.push(` metric ${r.metric}`);
  return parts.join('');
}

/** The NetError `fn` throws. */
export function netErrorOf(fn: () => unknown): NetError {
  try {
    fn();
  } catch (err) {
    if (err instanceof NetError) return err;
    throw err;
  }
  throw new Error('expected a NetError, but nothing was thrown');
}
