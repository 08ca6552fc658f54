// Shared by the procfs tests: a kernel with every layer, namespaces with shells, and the
// leak check every test ends with.
import { Kernel, type BootOptions, type Net, type Task } from '@netstage/core-net';
import { LinkControl, devicesLayer } from '@netstage/devices';
import { InetControl, ipv4Layer } from '@netstage/ipv4';
import { socketsLayer } from '@netstage/sockets';
import { expect } from 'vitest';
import { procFs, procfsLayer, type ProcFs } from '../src/index.js';

export interface World {
  readonly kernel: Kernel;
  readonly links: LinkControl;
  readonly inet: InetControl;
  readonly fs: ProcFs;
  /** `ip netns add NAME` and a shell inside it. */
  ns(name: string): { net: Net; sh: Task };
  /** `cat PATH` as `task`. */
  cat(task: Task, path: string): string;
  end(): void;
}

export function world(options: Omit<BootOptions, 'layers'> = {}): World {
  const kernel = Kernel.boot({ ...options, layers: [devicesLayer(), ipv4Layer(), socketsLayer(), procfsLayer()] });
  const fs = procFs(kernel);
  const shells: Task[] = [];
  return {
    kernel,
    fs,
    links: new LinkControl(kernel),
    inet: new InetControl(kernel),
    ns(name) {
      const net = kernel.netns.add(name);
      const sh = kernel.netns.exec(name, kernel.initTask);
      shells.push(sh);
      return { net, sh };
    },
    cat(task, path) {
      return fs.readFile(task, path);
    },
    end() {
      for (const sh of shells) if (sh.alive) sh.exit();
      for (const t of kernel.tasks()) if (t !== kernel.initTask) t.exit();
      for (const fd of kernel.initTask.fds()) kernel.initTask.close(fd);
      for (const n of kernel.netns.list()) kernel.netns.del(n);
      kernel.clock.runUntilIdle();
      expect(kernel.netCount).toBe(1);
      expect(kernel.dyingCount).toBe(0);
    },
  };
}
