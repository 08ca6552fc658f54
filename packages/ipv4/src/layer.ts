/**
 * The ipv4 layer: what it registers with a kernel.
 *
 * @module
 */

import type { Layer } from '@netstage/core-net';
import { IPV4_SYSCTLS, Ipv4Sysctls } from './conf.js';
import { FIB, Fib, INET, IPV4, Ipv4, type InDevice } from './inet.js';
import { ipv4Stages } from './stages.js';
import type { NetDevice } from '@netstage/devices';

/**
 * The ipv4 layer, to pass after the devices layer:
 * `Kernel.boot({ layers: [devicesLayer(), ipv4Layer()] })`.
 *
 * It registers three pernet subsystems — the IPv4 settings (copied from initNet for a
 * new namespace), the routing tables (created on first use) and the per-device IPv4
 * state — and subscribes to the device-event chain (`inetdev_event`, then
 * `fib_netdev_event`).
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer()] });
 * kernel.layers; // ['core-net', 'devices', 'ipv4']
 * ```
 */
export function ipv4Layer(): Layer {
  return {
    name: 'ipv4',
    stages: ipv4Stages,
    register(kernel) {
      kernel.registerPernetSubsys({
        name: 'ipv4-sysctls',
        key: IPV4_SYSCTLS,
        init: (net) => Ipv4Sysctls.inheriting(net.isInit ? undefined : kernel.initNet.state(IPV4_SYSCTLS)),
      });
      kernel.registerPernetSubsys({ name: 'ipv4-fib', key: FIB, init: () => new Fib() });
      kernel.registerPernetSubsys({ name: 'ipv4-inet', key: INET, init: () => new Map<NetDevice, InDevice>() });
      kernel.setState(IPV4, new Ipv4(kernel));
    },
  };
}
