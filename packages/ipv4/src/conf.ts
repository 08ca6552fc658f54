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
export function copyDevConf(c: Readonly<DevConf>): DevConf {
  return { forwarding: c.forwarding, promoteSecondaries: c.promoteSecondaries };
}

/** The kernel's defaults for `conf/all` and `conf/default`, shared until a namespace writes one. */
const DEVCONF_DEFAULTS: Readonly<DevConf> = Object.freeze({ forwarding: 0, promoteSecondaries: 0 });

/** A copy of `c` when it differs from the defaults; undefined (the shared defaults) when not. */
function ownCopy(c: Readonly<DevConf> | undefined): DevConf | undefined {
  if (c === undefined || (c.forwarding === DEVCONF_DEFAULTS.forwarding && c.promoteSecondaries === DEVCONF_DEFAULTS.promoteSecondaries)) {
    return undefined;
  }
  return copyDevConf(c);
}

/** The namespace-wide knobs, as one block a namespace shares until it writes one. */
interface Knobs {
  ipDefaultTtl: number;
  icmpEchoIgnoreAll: number;
  icmpRatelimit: number;
  icmpRatemask: number;
  pingGroupRange: readonly [number, number];
}

/** The kernel's defaults for the knobs, shared by every namespace that has not written one. */
const KNOB_DEFAULTS: Readonly<Knobs> = Object.freeze({
  ipDefaultTtl: 64,
  icmpEchoIgnoreAll: 0,
  icmpRatelimit: 1000,
  icmpRatemask: 6168,
  // The empty range `1 0`.
  pingGroupRange: Object.freeze([1, 0] as const),
});

/**
 * A namespace's IPv4 settings.
 *
 * Copy-on-write: until a namespace writes a setting it reads the kernel defaults that
 * every namespace shares, so an idle namespace carries no copies. `conf/all` and
 * `conf/default` become the namespace's own when taken for writing
 * ({@link Ipv4Sysctls.all}, {@link Ipv4Sysctls.default});
 * {@link Ipv4Sysctls.confOf} reads either without taking it. The knobs
 * (`ip_default_ttl`, the ICMP ones, `ping_group_range`) become the namespace's own on
 * the first write to any of them.
 *
 * @example
 * ```ts
 * import { Ipv4Sysctls } from '@netstage/ipv4';
 * const s = new Ipv4Sysctls();
 * s.confOf('all').forwarding; // 0: the shared defaults
 * s.all.forwarding = 1;       // conf/all becomes this namespace's own
 * s.ipForward;                // 1
 * s.ipDefaultTtl = 32;        // so do the knobs
 * ```
 */
export class Ipv4Sysctls {
  #all: DevConf | undefined;
  #default: DevConf | undefined;
  #knobs: Readonly<Knobs> = KNOB_DEFAULTS;

  /**
   * The knobs of `s`, its own from now on. Static, as an instance method would cost
   * every instance a slot for its private brand.
   */
  static #own(s: Ipv4Sysctls): Knobs {
    if (s.#knobs === KNOB_DEFAULTS) s.#knobs = { ...KNOB_DEFAULTS };
    return s.#knobs as Knobs;
  }

  /** `ip_default_ttl`. */
  get ipDefaultTtl(): number {
    return this.#knobs.ipDefaultTtl;
  }

  set ipDefaultTtl(value: number) {
    Ipv4Sysctls.#own(this).ipDefaultTtl = value;
  }

  /** `icmp_echo_ignore_all`. */
  get icmpEchoIgnoreAll(): number {
    return this.#knobs.icmpEchoIgnoreAll;
  }

  set icmpEchoIgnoreAll(value: number) {
    Ipv4Sysctls.#own(this).icmpEchoIgnoreAll = value;
  }

  /** `icmp_ratelimit` (ms). */
  get icmpRatelimit(): number {
    return this.#knobs.icmpRatelimit;
  }

  set icmpRatelimit(value: number) {
    Ipv4Sysctls.#own(this).icmpRatelimit = value;
  }

  /** `icmp_ratemask`. */
  get icmpRatemask(): number {
    return this.#knobs.icmpRatemask;
  }

  set icmpRatemask(value: number) {
    Ipv4Sysctls.#own(this).icmpRatemask = value;
  }

  /**
   * `ping_group_range`: the groups (low, high, inclusive) whose members may create ICMP
   * ping sockets (`net/ipv4/ping.c`, `ping_init_sock`). The default `1 0` is an empty
   * range: nobody, root included — the check is on the group only. Replaced as a whole
   * when written.
   */
  get pingGroupRange(): readonly [number, number] {
    return this.#knobs.pingGroupRange;
  }

  set pingGroupRange(value: readonly [number, number]) {
    Ipv4Sysctls.#own(this).pingGroupRange = value;
  }

  /** `conf/all`, this namespace's own from now on (copied from the defaults on first use). */
  get all(): DevConf {
    return (this.#all ??= copyDevConf(DEVCONF_DEFAULTS));
  }

  /** `conf/default`: what a new device starts with; this namespace's own from now on. */
  get default(): DevConf {
    return (this.#default ??= copyDevConf(DEVCONF_DEFAULTS));
  }

  /** `conf/all` or `conf/default` for reading, without making a copy of its own. */
  confOf(which: 'all' | 'default'): Readonly<DevConf> {
    return (which === 'all' ? this.#all : this.#default) ?? DEVCONF_DEFAULTS;
  }

  /** `ip_forward` is `conf/all/forwarding`. */
  get ipForward(): number {
    return this.confOf('all').forwarding;
  }

  /**
   * A new namespace's settings: `conf/all` and `conf/default` copied from initNet's (as
   * `devinet_init_net` does while `devconf_inherit_init_net` is 0) — shared with the
   * defaults when initNet's are the defaults — the rest at their defaults.
   */
  static inheriting(init: Ipv4Sysctls | undefined): Ipv4Sysctls {
    const s = new Ipv4Sysctls();
    if (init !== undefined) {
      s.#all = ownCopy(init.#all);
      s.#default = ownCopy(init.#default);
    }
    return s;
  }
}

/** Each namespace's IPv4 settings; initNet's for all while `devinet-conf-per-ns` is off. */
export const IPV4_SYSCTLS = defineNetKey<Ipv4Sysctls>('ipv4-sysctls', { stage: IPV4_STAGES.devconf });
