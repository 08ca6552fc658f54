/**
 * Per-namespace IPv4 settings (values only; the `/proc/sys/net/ipv4` files come with
 * procfs): `ipv4_devconf` for `all`, `default` and each device, and the namespace-wide
 * knobs (`net/ipv4/devinet.c`, `net/ipv4/sysctl_net_ipv4.c`).
 *
 * @module
 */

import { defineNetKey } from '@netstage/core-net';
import { IPV4_STAGES } from './stages.js';

/** The `conf/<x>/` settings netstage models. */
export interface DevConf {
  /** `forwarding`. */
  forwarding: number;
  /** `promote_secondaries`: promote a secondary when its primary goes (kernel default 0). */
  promoteSecondaries: number;
}

/** A copy of a `DevConf`. */
export function copyDevConf(c: DevConf): DevConf {
  return { forwarding: c.forwarding, promoteSecondaries: c.promoteSecondaries };
}

/** A namespace's IPv4 settings. */
export class Ipv4Sysctls {
  /** `conf/all`. */
  all: DevConf = { forwarding: 0, promoteSecondaries: 0 };
  /** `conf/default`: what a new device starts with. */
  default: DevConf = { forwarding: 0, promoteSecondaries: 0 };
  /** `ip_default_ttl`. */
  ipDefaultTtl = 64;
  /** `icmp_echo_ignore_all`. */
  icmpEchoIgnoreAll = 0;
  /** `icmp_ratelimit` (ms). */
  icmpRatelimit = 1000;
  /** `icmp_ratemask`. */
  icmpRatemask = 6168;
  /**
   * `ping_group_range`: the groups (low, high, inclusive) whose members may create ICMP
   * ping sockets (`net/ipv4/ping.c`, `ping_init_sock`). The default `1 0` is an empty
   * range: nobody, root included — the check is on the group only.
   */
  pingGroupRange: [number, number] = [1, 0];

  /** `ip_forward` is `conf/all/forwarding`. */
  get ipForward(): number {
    return this.all.forwarding;
  }

  /**
   * A new namespace's settings: `conf/all` and `conf/default` copied from initNet's (as
   * `devinet_init_net` does while `devconf_inherit_init_net` is 0), the rest at their
   * defaults.
   */
  static inheriting(init: Ipv4Sysctls | undefined): Ipv4Sysctls {
    const s = new Ipv4Sysctls();
    if (init !== undefined) {
      s.all = copyDevConf(init.all);
      s.default = copyDevConf(init.default);
    }
    return s;
  }
}

/** Each namespace's IPv4 settings; initNet's for all while `devinet-conf-per-ns` is off. */
export const IPV4_SYSCTLS = defineNetKey<Ipv4Sysctls>('ipv4-sysctls', { stage: IPV4_STAGES.devconf });
