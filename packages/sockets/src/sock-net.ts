/**
 * Per-namespace settings of the socket core (`net.core.*`), read by the protocols:
 * `somaxconn`, the cap on a listening socket's accept backlog.
 *
 * @module
 */

import { defineNetKey } from '@netstage/core-net';

/**
 * `net.core.somaxconn`'s default: the largest backlog `listen()` grants.
 *
 * @remarks
 * `SOMAXCONN` in `include/linux/socket.h` (4096 since v5.4, 19f92a030ca6 "net: increase
 * SOMAXCONN to 4096"); `net->core.sysctl_somaxconn` is set to it in `sysctl_core_net_init()`
 * (`net/core/sysctl_net_core.c`).
 *
 * @example
 * ```ts
 * import { SOMAXCONN } from '@netstage/sockets';
 * SOMAXCONN; // 4096
 * ```
 */
export const SOMAXCONN = 4096;

/**
 * One namespace's socket-core settings.
 *
 * @remarks
 * The `core` part of `struct net` (`struct netns_core`, `include/net/netns/core.h`): each
 * namespace has its own since v2.6.25 (95bdfccb2bf4, the per-namespace sysctl tables),
 * starting from the default rather than from initNet's value.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { SOCK_NET, socketsLayer } from '@netstage/sockets';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
 * kernel.initNet.state(SOCK_NET).somaxconn; // 4096
 * ```
 */
export class SockNet {
  /** `net.core.somaxconn`: `listen()` caps its backlog at this (`__sys_listen`). */
  somaxconn = SOMAXCONN;
}

/**
 * Each namespace's socket-core settings, filled by the sockets layer's pernet init.
 *
 * @remarks
 * `net->core` (`sysctl_core_net_init()` in `net/core/sysctl_net_core.c`).
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { SOCK_NET, socketsLayer } from '@netstage/sockets';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
 * const child = kernel.initTask.fork();
 * child.unshare({ net: true });
 * child.net.state(SOCK_NET).somaxconn = 128;
 * kernel.initNet.state(SOCK_NET).somaxconn; // 4096
 * child.exit();
 * ```
 */
export const SOCK_NET = defineNetKey<SockNet>('sock-net');
