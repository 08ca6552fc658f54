/**
 * The procfs layer: what it registers with a kernel.
 *
 * @module
 */

import type { Layer } from '@netstage/core-net';
import { deviceFiles } from './dev-files.js';
import { ipv4Files } from './ipv4-files.js';
import { socketFiles } from './socket-files.js';
import { netSysctlDirs, netSysctls } from './sysctl-net.js';
import { procfsStages } from './stages.js';
import { PROCFS, ProcFs } from './vfs.js';

/**
 * The procfs layer, to pass last: `Kernel.boot({ layers: [devicesLayer(), ipv4Layer(),
 * socketsLayer(), procfsLayer()] })`.
 *
 * It registers `/proc` with the `/proc/net` files (`dev`, `dev_mcast`, `route`, `arp`,
 * `snmp`, `netstat`, `udp`, `tcp`, `raw`, `icmp`, `unix`, `packet`, `netlink`,
 * `sockstat`) and the `/proc/sys/net` keys netstage models.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { socketsLayer } from '@netstage/sockets';
 * import { procFs, procfsLayer } from '@netstage/procfs';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer(), procfsLayer()] });
 * procFs(kernel).readFile(kernel.initTask, '/proc/sys/net/ipv4/ip_forward'); // '0\n'
 * ```
 */
export function procfsLayer(): Layer {
  return {
    name: 'procfs',
    stages: procfsStages,
    register(kernel) {
      const fs = new ProcFs(kernel);
      for (const f of [...deviceFiles, ...ipv4Files, ...socketFiles]) fs.registerNetFile(f);
      for (const d of netSysctlDirs) fs.registerSysctlDir(d);
      for (const s of netSysctls) fs.registerSysctl(s);
      kernel.setState(PROCFS, fs);
    },
  };
}
