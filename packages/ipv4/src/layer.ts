/**
 * The ipv4 layer: what it registers with a kernel.
 *
 * @module
 */

import type { Layer } from '@netstage/core-net';
import { IPV4_SYSCTLS, Ipv4Sysctls } from './conf.js';
import { Fib } from './fib.js';
import { FIB, INET, IPV4, InetDevices, Ipv4 } from './inet.js';
import { NEIGH, NeighTable } from './neigh.js';
import { SNMP, Snmp } from './snmp.js';
import { FRAGS, IPV4_STACK, Ipv4Stack } from './stack.js';
import { ipv4Stages } from './stages.js';

/**
 * The ipv4 layer, to pass after the devices layer:
 * `Kernel.boot({ layers: [devicesLayer(), ipv4Layer()] })`.
 *
 * It registers its pernet subsystems — the IPv4 settings (copied from initNet for a
 * new namespace), the routing tables (created on first use), the per-device IPv4
 * state, the SNMP counters and the neighbour table — subscribes to the device-event
 * chain (`inetdev_event`, `fib_netdev_event`, the ARP notifier) and registers the IPv4
 * and ARP receive handlers and ICMP.
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
      kernel.registerPernetSubsys({ name: 'ipv4-inet', key: INET, init: () => new InetDevices() });
      kernel.registerPernetSubsys({ name: 'ipv4-snmp', key: SNMP, init: () => new Snmp() });
      kernel.registerPernetSubsys({
        name: 'ipv4-neigh',
        key: NEIGH,
        init: () => new NeighTable(),
        // neigh_table exit: nothing may fire for a namespace that is gone.
        exit: (_net, table) => {
          for (const n of table.all()) if (n.timer !== undefined) kernel.clock.cancelTimer(n.timer);
        },
      });
      kernel.setState(IPV4, new Ipv4(kernel));
      const stack = new Ipv4Stack(kernel);
      kernel.setState(IPV4_STACK, stack);
      kernel.registerPernetSubsys({ name: 'ipv4-icmp', exit: (net) => stack._forget(net) });
      kernel.registerPernetSubsys({
        name: 'ipv4-frags',
        key: FRAGS,
        init: (net) => stack._newReassembler(net),
        exit: (_net, queues) => queues.clear(),
      });
    },
  };
}
