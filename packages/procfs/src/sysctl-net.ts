/**
 * The `/proc/sys/net` keys netstage models, with Linux's parsing rules; the values live
 * in the lower layers (ipv4's {@link @netstage/ipv4!Ipv4Sysctls} and per-device `conf`,
 * UDP's port range, AF_UNIX's queue length, the socket core's `somaxconn`).
 *
 * The parsers follow `kernel/sysctl.c` as Linux 6.18 runs it (every rule below was
 * checked by writing to the files of a scratch namespace):
 *
 * - leading white space (`isspace`: space, `\t`, `\n`, `\v`, `\f`, `\r`) is skipped;
 * - a number is C's `strtoul` with base 0 (`0x10` is 16, `010` is 8), an optional `-`
 *   but no `+`, at most 20 characters with the sign (`proc_get_long`'s 22-byte buffer);
 * - what follows a number must be a space, `\t` or `\n`, else EINVAL (`1x`, `1\r`, `1,2`);
 * - a file with room for N values takes the first N and ignores the rest (`1 2` sets 1,
 *   `1 x` sets 1); fewer values leave the others as they were;
 * - a write with no value (`\n`, spaces) is EINVAL; an empty write changes nothing;
 * - an out-of-range value is EINVAL, and a refused write changes nothing.
 *
 * @module
 */

import { NetError, type Net } from '@netstage/core-net';
import { INET, IPV4_SYSCTLS, ipv4, type DevConf, type InDevice } from '@netstage/ipv4';
import { SOCK_NET, UDP, UNIX } from '@netstage/sockets';
import type { ProcContext, SysctlDef, SysctlDirDef } from './vfs.js';

/**
 * The tick rate the millisecond sysctls are rounded to: `CONFIG_HZ` of the reference
 * machine (6.18, `CONFIG_HZ_250`).
 *
 * @remarks
 * `proc_dointvec_ms_jiffies` (`kernel/sysctl.c`) stores milliseconds as jiffies with
 * `msecs_to_jiffies` (rounding up) and shows `jiffies_to_msecs`: with HZ 250, writing
 * `1001` to `icmp_ratelimit` reads back `1004`.
 *
 * @example
 * ```ts
 * import { SYSCTL_HZ } from '@netstage/procfs';
 * SYSCTL_HZ; // 250
 * ```
 */
export const SYSCTL_HZ = 250;

const INT_MAX = 2n ** 31n - 1n;
const UINT_MAX = 2n ** 32n - 1n;
const ULONG_MAX = 2n ** 64n - 1n;
/** `TMPBUFLEN` less one: a number (with its sign) this long is refused. */
const NUMBER_MAX_LEN = 21;
/** `GID_T_MAX`: the largest group `ping_group_range` takes. */
const GID_T_MAX = 4_294_967_294n;
/** `ip_unprivileged_port_start`'s default: `ip_local_port_range` may not start below it. */
const PROT_SOCK = 1024;

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
}

function einval(): NetError {
  return new NetError('EINVAL', { syscall: 'write' });
}

/** One number as `proc_get_long` returns it: a magnitude and a sign. */
interface RawNumber {
  readonly neg: boolean;
  readonly mag: bigint;
}

/** `strtoul` with base 0 over `s` from `i`: the value and where it stopped, or undefined on overflow. */
function strtoul(s: string, i: number): { value: bigint; end: number } | undefined {
  let base = 10n;
  let digits = '0123456789';
  if (s[i] === '0') {
    const x = s[i + 1];
    if ((x === 'x' || x === 'X') && /[0-9a-fA-F]/.test(s[i + 2] ?? '')) {
      base = 16n;
      digits = '0123456789abcdef';
      i += 2;
    } else {
      base = 8n;
      digits = '01234567';
    }
  }
  let value = 0n;
  let end = i;
  while (end < s.length) {
    const d = digits.indexOf((s[end] as string).toLowerCase());
    if (d < 0) break;
    value = value * base + BigInt(d);
    if (value > ULONG_MAX) return undefined;
    end++;
  }
  return { value, end };
}

/**
 * The values written to a file with room for `count` of them, as `__do_proc_dointvec`
 * (and `__do_proc_doulongvec_minmax`) read a write buffer. Each is checked by `conv`,
 * which throws EINVAL for a value the file does not take.
 *
 * @throws NetError EINVAL for no value at all or a malformed one.
 */
function parseVector<T>(text: string, count: number, conv: (n: RawNumber) => T): T[] {
  const out: T[] = [];
  let pos = 0;
  for (let i = 0; i < count; i++) {
    while (pos < text.length && isSpace(text[pos])) pos++;
    if (pos >= text.length) break;
    // proc_get_long: copy at most NUMBER_MAX_LEN characters, take one number.
    const size = text.length - pos;
    const tmp = text.slice(pos, pos + NUMBER_MAX_LEN);
    let p = 0;
    const neg = tmp[0] === '-' && size > 1;
    if (neg) p++;
    if (!/[0-9]/.test(tmp[p] ?? '')) throw einval();
    const num = strtoul(tmp, p);
    if (num === undefined) throw einval();
    const len = num.end;
    if (len === NUMBER_MAX_LEN) throw einval();
    const next = text[pos + len];
    if (len < size && next !== ' ' && next !== '\t' && next !== '\n') throw einval();
    out.push(conv({ neg, mag: num.value }));
    pos += len;
  }
  if (out.length === 0) throw einval();
  return out;
}

/** `do_proc_dointvec_conv` plus `proc_dointvec_minmax`'s bounds. */
function intConv(min = -(INT_MAX + 1n), max = INT_MAX): (n: RawNumber) => number {
  return ({ neg, mag }) => {
    if (neg ? mag > INT_MAX + 1n : mag > INT_MAX) throw einval();
    const v = neg ? -mag : mag;
    if (v < min || v > max) throw einval();
    return Number(v);
  };
}

/** `proc_dou8vec_minmax`: unsigned (a sign is EINVAL, even `-0`), within bounds, at most 255. */
function u8Conv(min: bigint, max: bigint): (n: RawNumber) => number {
  return ({ neg, mag }) => {
    if (neg || mag > UINT_MAX || mag < min || mag > max || mag > 255n) throw einval();
    return Number(mag);
  };
}

/** `proc_doulongvec_minmax`: unsigned long within bounds; a sign is EINVAL. */
function ulongConv(min: bigint, max: bigint): (n: RawNumber) => number {
  return ({ neg, mag }) => {
    if (neg || mag < min || mag > max) throw einval();
    return Number(mag);
  };
}

/**
 * `do_proc_dointvec_ms_jiffies_conv`: the value (negated as an unsigned long when it has a
 * sign) is cut to 32 bits for `msecs_to_jiffies`, which refuses what is negative as an
 * int; jiffies round up. Returns what reads back, in milliseconds.
 */
function msJiffiesConv({ neg, mag }: RawNumber): number {
  const ul = neg ? (ULONG_MAX + 1n - mag) & ULONG_MAX : mag;
  const ms = ul & UINT_MAX;
  if (ms > INT_MAX) throw einval();
  const hz = BigInt(SYSCTL_HZ);
  const jiffies = (ms * hz + 999n) / 1000n;
  if (jiffies > INT_MAX) throw einval();
  return Number((jiffies * 1000n) / hz);
}

/** One integer, as `proc_dointvec` and friends take it. */
function one(text: string, conv: (n: RawNumber) => number): number | undefined {
  if (text === '') return undefined;
  return parseVector(text, 1, conv)[0];
}

// -- the conf/ directories -------------------------------------------------------------

function inDevices(net: Net): InDevice[] {
  return [...net.state(INET).values()];
}

/** The `DevConf` `conf/<name>` shows in `net`. @throws NetError ENOENT for a vanished device. */
function devConf(net: Net, name: string): DevConf {
  const s = net.state(IPV4_SYSCTLS);
  if (name === 'all') return s.all;
  if (name === 'default') return s.default;
  const inDev = inDevices(net).find((d) => d.dev.name === name);
  if (inDev === undefined) throw new NetError('ENOENT');
  return inDev.conf;
}

/**
 * `devinet_sysctl_forward`: `conf/all` (and `ip_forward`, the same int) goes through
 * ipv4's `setIpForward`, which spreads a changed value to `conf/default` and every
 * device; `conf/default` and `conf/<dev>` change only themselves.
 */
function writeForwarding(ctx: ProcContext, name: string, text: string): void {
  const v = one(text, intConv());
  if (v === undefined) return;
  const conf = devConf(ctx.net, name);
  if (name === 'all') ipv4(ctx.kernel).setIpForward(ctx.net, v);
  else conf.forwarding = v;
}

/**
 * The `*` directories of `/proc/sys/net`: `ipv4/conf/*` lists `all`, `default` and one
 * directory per device that has IPv4 state (`in_device`).
 *
 * @remarks
 * `devinet_sysctl_register()` in `net/ipv4/devinet.c` adds `conf/<dev>` when
 * `inetdev_init()` runs (NETDEV_REGISTER) and renames or removes it with the device
 * (checked on 6.18: a renamed device's directory is renamed; a device whose MTU drops
 * below 68 loses its `in_device` and its directory, which comes back when the MTU does).
 * Names sort bytewise (`A1 _x all d0 default lo`), as the sysctl rbtree keeps them.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { socketsLayer } from '@netstage/sockets';
 * import { procFs, procfsLayer } from '@netstage/procfs';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer(), procfsLayer()] });
 * procFs(kernel).readdir(kernel.initTask, '/proc/sys/net/ipv4/conf'); // ['all', 'default', 'lo']
 * ```
 */
export const netSysctlDirs: readonly SysctlDirDef[] = [
  {
    path: 'ipv4/conf/*',
    names: (ctx) => ['all', 'default', ...inDevices(ctx.net).map((d) => d.dev.name)],
  },
];

const DEVCONF = ['devinet-conf-per-ns'];

function wild(names: readonly string[]): string {
  return names[0] ?? '';
}

/**
 * The keys of `/proc/sys/net`, each reading and writing the state of the namespace the
 * file was opened in.
 *
 * @remarks
 * - `ipv4/ip_forward`, `ipv4/conf/{all,default,<dev>}/forwarding`: `devinet_sysctl_forward`
 *   over `proc_dointvec` (`net/ipv4/devinet.c`): any int, `-3` included; a change of
 *   `ip_forward` or `conf/all` spreads to `conf/default` and every device.
 * - `ipv4/ip_default_ttl`: `proc_dou8vec_minmax`, 1–255; `ipv4/icmp_echo_ignore_all`:
 *   `proc_dou8vec_minmax`, 0–1 (`net/ipv4/sysctl_net_ipv4.c`).
 * - `ipv4/icmp_ratelimit`: `proc_dointvec_ms_jiffies`, rounded to {@link SYSCTL_HZ}.
 * - `ipv4/ip_local_port_range`: `ipv4_local_port_range`: two ints 1–65535, low ≤ high and
 *   low ≥ 1024 (`ip_unprivileged_port_start`); one value moves only the low end.
 * - `ipv4/ping_group_range`: `ipv4_ping_group_range` over `proc_doulongvec_minmax`, groups
 *   0–4294967294; high below low stores the empty range `1 0` without an error.
 * - `core/somaxconn`: `proc_dointvec_minmax` from 0 (`net/core/sysctl_net_core.c`).
 * - `unix/max_dgram_qlen`: `proc_dointvec` (`net/unix/sysctl_net_unix.c`).
 *
 * Two-value files read tab-separated (`32768\t60999\n`), as `__do_proc_dointvec` prints.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { socketsLayer } from '@netstage/sockets';
 * import { procFs, procfsLayer } from '@netstage/procfs';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer(), procfsLayer()] });
 * const fs = procFs(kernel);
 * fs.writeFile(kernel.initTask, '/proc/sys/net/ipv4/ip_forward', '1\n');
 * fs.readFile(kernel.initTask, '/proc/sys/net/ipv4/conf/lo/forwarding'); // '1\n'
 * fs.readFile(kernel.initTask, '/proc/sys/net/ipv4/ip_local_port_range'); // '32768\t60999\n'
 * ```
 */
export const netSysctls: readonly SysctlDef[] = [
  {
    path: 'ipv4/ip_forward',
    stages: DEVCONF,
    read: (ctx) => `${ctx.net.state(IPV4_SYSCTLS).all.forwarding}\n`,
    write: (ctx, text) => writeForwarding(ctx, 'all', text),
  },
  {
    path: 'ipv4/conf/*/forwarding',
    stages: DEVCONF,
    read: (ctx, names) => `${devConf(ctx.net, wild(names)).forwarding}\n`,
    write: (ctx, text, names) => writeForwarding(ctx, wild(names), text),
  },
  {
    path: 'ipv4/ip_default_ttl',
    stages: DEVCONF,
    read: (ctx) => `${ctx.net.state(IPV4_SYSCTLS).ipDefaultTtl}\n`,
    write: (ctx, text) => {
      const v = one(text, u8Conv(1n, 255n));
      if (v !== undefined) ctx.net.state(IPV4_SYSCTLS).ipDefaultTtl = v;
    },
  },
  {
    path: 'ipv4/icmp_echo_ignore_all',
    stages: ['icmp-per-ns'],
    read: (ctx) => `${ctx.net.state(IPV4_SYSCTLS).icmpEchoIgnoreAll}\n`,
    write: (ctx, text) => {
      const v = one(text, u8Conv(0n, 1n));
      if (v !== undefined) ctx.net.state(IPV4_SYSCTLS).icmpEchoIgnoreAll = v;
    },
  },
  {
    path: 'ipv4/icmp_ratelimit',
    stages: ['icmp-per-ns'],
    read: (ctx) => `${ctx.net.state(IPV4_SYSCTLS).icmpRatelimit}\n`,
    write: (ctx, text) => {
      const v = one(text, msJiffiesConv);
      if (v !== undefined) ctx.net.state(IPV4_SYSCTLS).icmpRatelimit = v;
    },
  },
  {
    path: 'ipv4/ip_local_port_range',
    stages: ['udp-lookup-per-ns'],
    read: (ctx) => {
      const [low, high] = ctx.net.state(UDP).portRange;
      return `${low}\t${high}\n`;
    },
    write: (ctx, text) => {
      if (text === '') return;
      const udp = ctx.net.state(UDP);
      const range: [number, number] = [...udp.portRange];
      parseVector(text, 2, intConv(1n, 65535n)).forEach((v, i) => (range[i] = v));
      if (range[1] < range[0] || range[0] < PROT_SOCK) throw einval();
      udp.portRange = range;
    },
  },
  {
    path: 'ipv4/ping_group_range',
    stages: DEVCONF,
    read: (ctx) => {
      const [low, high] = ctx.net.state(IPV4_SYSCTLS).pingGroupRange;
      return `${low}\t${high}\n`;
    },
    write: (ctx, text) => {
      if (text === '') return;
      const s = ctx.net.state(IPV4_SYSCTLS);
      const range: [number, number] = [...s.pingGroupRange];
      parseVector(text, 2, ulongConv(0n, GID_T_MAX)).forEach((v, i) => (range[i] = v));
      s.pingGroupRange = range[1] < range[0] ? [1, 0] : range;
    },
  },
  {
    path: 'core/somaxconn',
    stages: [],
    read: (ctx) => `${ctx.net.state(SOCK_NET).somaxconn}\n`,
    write: (ctx, text) => {
      const v = one(text, intConv(0n));
      if (v !== undefined) ctx.net.state(SOCK_NET).somaxconn = v;
    },
  },
  {
    path: 'unix/max_dgram_qlen',
    stages: ['unix-per-ns'],
    read: (ctx) => `${ctx.net.state(UNIX).maxDgramQlen}\n`,
    write: (ctx, text) => {
      const v = one(text, intConv());
      if (v !== undefined) ctx.net.state(UNIX).maxDgramQlen = v;
    },
  },
];
