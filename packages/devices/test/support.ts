// Shared by the devices tests: a kernel with the devices layer, namespaces by name,
// shells in them, and the leak check every test ends with.
import { Kernel, NetError, type BootOptions, type Net, type Task } from '@netstage/core-net';
import { expect } from 'vitest';
import { LinkControl, devicesLayer, netdev, type DevicesOptions, type Netdev, type NetDevice } from '../src/index.js';

export interface World {
  readonly kernel: Kernel;
  readonly core: Netdev;
  readonly links: LinkControl;
  /** Create a named namespace and a shell in it. */
  ns(name: string): { net: Net; sh: Task };
  /** A device by namespace and name, or fail. */
  dev(net: Net, name: string): NetDevice;
  /** Run `fn` with a descriptor for /run/netns/NAME open in `task` (as `ip` opens it). */
  withFd<T>(task: Task, name: string, fn: (fd: number) => T): T;
  /**
   * Exit every shell, delete every name, drain the queue, and demand that only initNet
   * remains, with no device left in a dead namespace and every event subscription and
   * protocol handler the test added removed again.
   */
  end(): void;
}

export function world(options: Omit<BootOptions, 'layers'> & { devices?: DevicesOptions } = {}): World {
  const { devices, ...boot } = options;
  const kernel = Kernel.boot({ ...boot, layers: [devicesLayer(devices)] });
  const core = netdev(kernel);
  const shells: Task[] = [];
  const subscribers = core.chain.size;
  const handlers = core.handlers.size;
  const made: NetDevice[] = [];
  const unsubscribe = core.chain.subscribe({ name: 'leak-check', onEvent: (e, d) => e === 'register' && made.push(d) });
  return {
    kernel,
    core,
    links: new LinkControl(kernel),
    ns(name) {
      const net = kernel.netns.add(name);
      const sh = kernel.netns.exec(name, kernel.initTask);
      shells.push(sh);
      return { net, sh };
    },
    dev(net, name) {
      const d = core.byName(net, name);
      if (d === undefined) throw new Error(`no device ${name} in namespace ${net.id}`);
      return d;
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
      for (const d of made) if (d.registered) expect(d.net).toBe(kernel.initNet);
      unsubscribe();
      expect(core.chain.size).toBe(subscribers);
      expect(core.handlers.size).toBe(handlers);
    },
  };
}

/** The NetError `fn` throws; fails when it throws nothing or something else. */
export function netErrorOf(fn: () => unknown): NetError {
  try {
    fn();
  } catch (err) {
    if (err instanceof NetError) return err;
    throw err;
  }
  throw new Error('expected a NetError, but nothing was thrown');
}

/** Delete every named namespace and check that nothing is left. */
export function expectNoLeak(kernel: Kernel): void {
  for (const name of kernel.netns.list()) kernel.netns.del(name);
  kernel.clock.runUntilIdle();
  expect(kernel.netCount).toBe(1);
  expect(kernel.dyingCount).toBe(0);
}

/** `ifindex: name` for every device of a namespace, in ifindex order. */
export function listing(w: World, net: Net): string[] {
  return w.core.devices(net).map((d) => `${d.ifindex}: ${d.name}`);
}
