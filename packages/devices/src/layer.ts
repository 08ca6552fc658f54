/**
 * The devices layer: what it registers with a kernel.
 *
 * @module
 */

import type { Layer } from '@netstage/core-net';
import { DEVICES, IFINDEX, NETDEV, Netdev } from './netdev.js';
import { DEVICE_STAGES, devicesStages } from './stages.js';
import { DeviceTable } from './table.js';

/** Options of {@link devicesLayer}. */
export interface DevicesOptions {
  /** NICs present in initNet at boot, in order (`['eth0', 'eth1']`); none by default. */
  readonly nics?: readonly string[];
}

/**
 * The devices layer, to pass to `Kernel.boot({ layers: [devicesLayer()] })`.
 *
 * It registers, in this order (so exits run in reverse): the device list and the
 * ifindex cursor (subsystems; the cursor is the namespace's device table itself), then
 * the loopback device and the exit handler that deletes or evacuates a dying
 * namespace's devices (device ops) — so `lo` comes up after every subsystem and is the
 * last device to go. NICs named in `options.nics` are created in initNet, after `lo`.
 *
 * @remarks
 * `net_dev_init()` (`net/core/dev.c`): `netdev_net_ops`, `loopback_net_ops`,
 * `default_device_ops`.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer, netdev } from '@netstage/devices';
 * const kernel = Kernel.boot({ layers: [devicesLayer({ nics: ['eth0'] })] });
 * netdev(kernel).devices(kernel.initNet).map((d) => `${d.ifindex}: ${d.name}`); // ['1: lo', '2: eth0']
 * ```
 */
export function devicesLayer(options: DevicesOptions = {}): Layer {
  return {
    name: 'devices',
    stages: devicesStages,
    register(kernel) {
      const core = new Netdev(kernel);
      kernel.setState(NETDEV, core);
      kernel.registerPernetSubsys({ name: 'netdev', key: DEVICES, init: () => new DeviceTable() });
      // The cursor is the namespace's own device table (see IfindexCursor); while
      // ifindex-per-ns is off this runs for initNet only and every namespace uses its table.
      kernel.registerPernetSubsys({ name: 'ifindex', key: IFINDEX, init: (net) => net.state(DEVICES) });
      kernel.registerPernetDevice({
        name: 'loopback',
        stage: DEVICE_STAGES.loopback,
        init: (net) => {
          core.createLoopback(net);
        },
        exit: (net) => {
          const lo = core.loopback(net);
          if (lo !== undefined) core.unregister(lo);
        },
      });
      kernel.registerPernetDevice({
        name: 'default-device',
        stage: DEVICE_STAGES.move,
        exit: (net) => core.evacuate(net),
      });
      for (const name of options.nics ?? []) core.register(core.newNic(kernel.initNet, name, core.randomMac()), kernel.initNet);
    },
  };
}
