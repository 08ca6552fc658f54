/**
 * core-net's own stages: the namespace infrastructure of the 2007 series.
 *
 * @module
 */

import type { StageDef } from './stage.js';

/**
 * The stages core-net contributes to the series, in upstream order.
 *
 * - `net-ns-basic` — patch 03: `struct net`, `init_net`, pernet operations.
 * - `net-ns-task` — patch 04: the namespace pointer on tasks.
 * - `net-ns-clone` — `CLONE_NEWNET` for `clone`/`unshare` (`CONFIG_NET_NS`), posted after
 *   the sixteen; kernel-scoped, so while it is off no namespace but `initNet` can exist.
 *
 * @remarks
 * Commits from reference §1; first released in v2.6.24.
 *
 * @example
 * ```ts
 * import { coreNetStages } from '@netstage/core-net';
 * coreNetStages.map((s) => s.id); // ['net-ns-basic', 'net-ns-task', 'net-ns-clone']
 * ```
 */
export const coreNetStages: readonly StageDef[] = [
  {
    id: 'net-ns-basic',
    layer: 'core-net',
    order: 24_003,
    subject: '[NET]: Basic network namespace infrastructure.',
    commit: '5f256becd868bf63b70da8f2769033d6734670e9',
    release: 'v2.6.24',
    opens: ['pernet operations (setup_net, cleanup_net) for every namespace'],
    whileOff: 'pernet state exists for initNet alone',
    requires: [],
  },
  {
    id: 'net-ns-task',
    layer: 'core-net',
    order: 24_004,
    subject: '[NET]: Add a network namespace parameter to tasks',
    commit: '772698f6362680b65211f7efc68121f1e4c28aa5',
    release: 'v2.6.24',
    opens: ['task namespace pointer: setns(fd, CLONE_NEWNET)'],
    whileOff: 'setns into a non-initial namespace fails with EINVAL',
    requires: ['net-ns-basic'],
  },
  {
    id: 'net-ns-clone',
    layer: 'core-net',
    order: 24_100,
    subject: '[NET]: Add network namespace clone & unshare support.',
    commit: '9dd776b6d7b0b85966b6ddd03e2b2aae59012ab1',
    release: 'v2.6.24',
    opens: ['unshare(CLONE_NEWNET)', 'ip netns add'],
    whileOff: 'unshare({ net: true }) and ip netns add fail with EINVAL, as without CONFIG_NET_NS',
    requires: ['net-ns-task'],
    scope: 'kernel',
  },
];
