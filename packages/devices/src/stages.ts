/**
 * The devices layer's stages: the device half of the 2007 series, the per-namespace
 * loopback, the v2.6.25 rtnetlink link methods, v2.6.29's deletion of virtual devices on
 * exit, and 2012's per-namespace ifindex.
 *
 * @module
 */

import type { StageDef } from '@netstage/core-net';

/** Stage ids of this layer, for code that names them. */
export const DEVICE_STAGES = {
  tag: 'dev-ns-tag',
  init: 'dev-ns-init',
  rx: 'dev-rx-ns-safe',
  events: 'dev-events-ns-safe',
  list: 'dev-list-per-ns',
  allocName: 'dev-alloc-name-ns',
  move: 'dev-move',
  moveNetlink: 'dev-move-netlink',
  loopback: 'loopback-per-ns',
  rtnlSocket: 'rtnl-netns-socket',
  rtnlLink: 'rtnl-link-methods',
  virtualExit: 'virt-dev-delete-on-exit',
  ifindex: 'ifindex-per-ns',
} as const;

/**
 * The stages `@netstage/devices` contributes, in upstream order.
 *
 * @remarks
 * Commits from reference §1 (patches 05, 09, 10, 11, 13, 14, 15, 16 and the loopback
 * patch) and §2.2.
 *
 * @example
 * ```ts
 * import { devicesStages } from '@netstage/devices';
 * devicesStages.map((s) => s.id).includes('dev-move'); // true
 * ```
 */
export const devicesStages: readonly StageDef[] = [
  {
    id: DEVICE_STAGES.tag,
    layer: 'devices',
    order: 24_005,
    subject: '[NET]: Add a network namespace tag to struct net_device',
    commit: '4a1c537113cdc688aabc3fb9bb6ed18ec821c779',
    release: 'v2.6.24',
    opens: ['a device records the namespace it belongs to (dev_net)'],
    whileOff: 'devices can only belong to initNet: registering one elsewhere fails with EINVAL',
    requires: ['net-ns-basic'],
  },
  {
    id: DEVICE_STAGES.init,
    layer: 'devices',
    order: 24_009,
    subject: '[NET]: Initialize the network namespace of network devices.',
    commit: '6d34b1c27a72d5d1c73c567b2f6b1fde316e0eae',
    release: 'v2.6.24',
    opens: ['registering a device in a namespace other than initNet'],
    whileOff: 'registering a device outside initNet fails with EINVAL',
    requires: [DEVICE_STAGES.tag],
  },
  {
    id: DEVICE_STAGES.rx,
    layer: 'devices',
    order: 24_010,
    subject: '[NET]: Make packet reception network namespace safe',
    commit: 'e730c15519d09ea528b4d2f1103681fa5937c0e6',
    release: 'v2.6.24',
    opens: ['the receive dispatch for devices outside initNet (each handler still behind its own stage)'],
    whileOff: 'frames arriving on devices outside initNet are dropped and counted',
    requires: [DEVICE_STAGES.init],
  },
  {
    id: DEVICE_STAGES.events,
    layer: 'devices',
    order: 24_011,
    subject: '[NET]: Make device event notification network namespace safe',
    commit: 'e9dc86534051b78e41e5b746cccc291b57a3a311',
    release: 'v2.6.24',
    opens: ['device events for devices outside initNet (each subscriber still behind its own stage)'],
    whileOff: 'events of devices outside initNet reach no subscriber (NOTIFY_DONE)',
    requires: [DEVICE_STAGES.init],
  },
  {
    id: DEVICE_STAGES.list,
    layer: 'devices',
    order: 24_013,
    subject: '[NET]: Make the device list and device lookups per namespace.',
    commit: '881d966b48b035ab3f3aeaae0f3d3f9b584f45b2',
    release: 'v2.6.24',
    opens: ['a device list, name and ifindex lookups per namespace'],
    whileOff: 'one device list for the kernel (initNet\'s): lookups from other namespaces find nothing',
    requires: [DEVICE_STAGES.init],
  },
  {
    id: DEVICE_STAGES.allocName,
    layer: 'devices',
    order: 24_014,
    subject: '[NET]: Factor out __dev_alloc_name from dev_alloc_name',
    commit: 'b267b179648e46ea8e2a44f7314a23eb6aee1d6c',
    release: 'v2.6.24',
    opens: ['%d name patterns resolved in the namespace a device is entering'],
    whileOff: 'a %d pattern for a device entering another namespace fails with EINVAL',
    requires: [DEVICE_STAGES.list],
  },
  {
    id: DEVICE_STAGES.move,
    layer: 'devices',
    order: 24_015,
    subject: '[NET]: Implement network device movement between namespaces',
    commit: 'ce286d327341295f58d89864d746a524287cfdf9',
    release: 'v2.6.24',
    opens: ['dev_change_net_namespace', 'devices returned to initNet when their namespace exits'],
    whileOff: 'moving a device between namespaces fails with EINVAL',
    // A move is unregister here and register there: only safe once every layer hears
    // about devices outside initNet (patch 11).
    requires: [DEVICE_STAGES.list, DEVICE_STAGES.allocName, DEVICE_STAGES.events],
  },
  {
    id: DEVICE_STAGES.moveNetlink,
    layer: 'devices',
    order: 24_016,
    subject: '[NET]: netlink support for moving devices between network namespaces.',
    commit: 'd8a5ec672768c3cf4d51d7a63fc071520afa1617',
    release: 'v2.6.24',
    opens: ['link set … netns by pid or handle; a veth peer created in another namespace'],
    whileOff: 'a link request naming another namespace fails with EINVAL',
    requires: [DEVICE_STAGES.move],
  },
  {
    id: DEVICE_STAGES.loopback,
    layer: 'devices',
    order: 24_101,
    subject: '[NET]: Make the loopback device per network namespace.',
    commit: '2774c7aba6c97a2535be3309a2209770953780b3',
    release: 'v2.6.24',
    opens: ['a loopback device in every namespace'],
    whileOff: 'namespaces other than initNet have no lo',
    requires: [DEVICE_STAGES.list],
  },
  {
    id: DEVICE_STAGES.rtnlSocket,
    layer: 'devices',
    order: 25_001,
    subject: '[NET]: Make rtnetlink infrastructure network namespace aware',
    commit: '97c53cacf00d1f5aa04adabfebcc806ca8b22b10',
    subjectVerified: false,
    release: 'v2.6.25',
    opens: ['an rtnetlink kernel socket in every namespace'],
    whileOff: 'link requests from a non-initial namespace fail with ECONNREFUSED (no rtnetlink socket there)',
    requires: [DEVICE_STAGES.list, 'net-ns-clone'],
  },
  {
    id: DEVICE_STAGES.rtnlLink,
    layer: 'devices',
    order: 25_002,
    subject: '[NET]: Make the rtnetlink link methods network namespace aware',
    commit: '4b3da706bbe4613d2fe4df8df4d965954ea98964',
    subjectVerified: false,
    release: 'v2.6.25',
    opens: ['link add, delete, set and show from any namespace'],
    whileOff: 'link changes from a non-initial namespace fail with EINVAL; link dumps there are empty',
    // A namespace that can make devices must be able to hand them back when it exits.
    requires: [DEVICE_STAGES.rtnlSocket, DEVICE_STAGES.move],
  },
  {
    id: DEVICE_STAGES.virtualExit,
    layer: 'devices',
    order: 29_001,
    subject: 'netns: Delete virtual network devices when their namespace exits',
    commit: 'd0c082cea6dfb9b674b4f6e1e84025662dbd24e8',
    subjectVerified: false,
    release: 'v2.6.29',
    opens: ['virtual devices (veth, dummy) deleted when their namespace exits'],
    whileOff: 'virtual devices are moved back to initNet, like physical ones, when their namespace exits',
    requires: [DEVICE_STAGES.move],
  },
  {
    id: DEVICE_STAGES.ifindex,
    layer: 'devices',
    order: 307_001,
    subject: 'net: Make ifindex generation per-net namespace',
    commit: 'aa79e66eee5d525e2fcbd2a5fcb87ae3dd4aa9e9',
    release: 'v3.7',
    opens: ['an ifindex counter per namespace (lo is always 1)'],
    whileOff: 'one ifindex counter for the kernel, checked for clashes in the target namespace only',
    requires: [DEVICE_STAGES.list],
  },
];
