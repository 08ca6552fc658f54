/**
 * `ip`: iproute2's command over netstage's control surfaces. This module is the front
 * end (`ip/ip.c`): global options, `-n NS`, the object table with iproute2's prefix
 * matching, and the help and error texts; the objects live in their own modules.
 *
 * @module
 */

import { NetError } from '@netstage/core-net';
import type { Command, Proc, ProcContext } from '../../shell/process.js';
import { finished } from '../../shell/process.js';
import { ipAddr } from './addr.js';
import { ipLink } from './link.js';
import { ipNeigh } from './neigh.js';
import { ipNetns } from './netns.js';
import { ipMatches, type IpObjectCommand, type IpOptions } from './options.js';
import { ipRoute } from './route.js';

/** The version line of the iproute2 this command imitates (`ip -V`). */
export const IP_VERSION = 'ip utility, iproute2-6.1.0, libbpf 1.1.2\n';

/**
 * `ip help`, `ip` alone, `ip -help`: iproute2 6.1's usage, on standard error, status 255.
 *
 * @example
 * ```ts
 * import { IP_USAGE } from '@netstage/cli';
 * IP_USAGE.startsWith('Usage: ip [ OPTIONS ] OBJECT'); // true
 * ```
 */
export const IP_USAGE = [
  'Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }',
  '       ip [ -force ] -batch filename',
  'where  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp |',
  '                   link | macsec | maddress | monitor | mptcp | mroute | mrule |',
  '                   neighbor | neighbour | netconf | netns | nexthop | ntable |',
  '                   ntbl | route | rule | sr | tap | tcpmetrics |',
  '                   token | tunnel | tuntap | vrf | xfrm }',
  '       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |',
  '                    -h[uman-readable] | -iec | -j[son] | -p[retty] |',
  '                    -f[amily] { inet | inet6 | mpls | bridge | link } |',
  '                    -4 | -6 | -M | -B | -0 |',
  '                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |',
  '                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |',
  '                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |',
  '                    -c[olor]}',
  '',
].join('\n');

/**
 * The objects in the order iproute2 6.1 tries them, so that an abbreviation picks the
 * first object it is a prefix of (`ip n` is `neighbor`, `ip net` is `netns`). Objects
 * netstage does not model answer as unknown.
 */
const OBJECTS: readonly (readonly [string, IpObjectCommand | undefined])[] = [
  ['address', ipAddr],
  ['addrlabel', undefined],
  ['maddress', undefined],
  ['route', ipRoute],
  ['rule', undefined],
  ['neighbor', ipNeigh],
  ['neighbour', ipNeigh],
  ['ntable', undefined],
  ['ntbl', undefined],
  ['link', ipLink],
  ['l2tp', undefined],
  ['fou', undefined],
  ['ila', undefined],
  ['macsec', undefined],
  ['tunnel', undefined],
  ['tuntap', undefined],
  ['tap', undefined],
  ['token', undefined],
  ['tcpmetrics', undefined],
  ['tcp_metrics', undefined],
  ['monitor', undefined],
  ['xfrm', undefined],
  ['mroute', undefined],
  ['mrule', undefined],
  ['netns', ipNetns],
  ['netconf', undefined],
  ['vrf', undefined],
  ['sr', undefined],
  ['nexthop', undefined],
  ['mptcp', undefined],
  ['ioam', undefined],
  ['help', undefined],
];

/** Global options in the order `ip.c` tests them (first prefix match wins). */
const GLOBAL_OPTIONS = [
  '-loops', '-family', '-4', '-6', '-0', '-M', '-B', '-human', '-human-readable', '-iec', '-stats',
  '-statistics', '-details', '-resolve', '-oneline', '-timestamp', '-tshort', '-Version', '-force',
  '-batch', '-rcvbuf', '-color', '-help', '-netns', '-Numeric', '-all', '-json', '-pretty', '-brief',
] as const;

type GlobalOption = (typeof GLOBAL_OPTIONS)[number];

interface MutableOptions {
  oneline: boolean;
  brief: boolean;
  stats: number;
  details: boolean;
  family: 'inet' | 'link' | undefined;
}

/**
 * `ip [OPTIONS] OBJECT COMMAND ...`: parses the global options, enters the namespace
 * `-n` names (the process's own task joins it), and hands the rest to the object.
 *
 * @remarks
 * iproute2 6.1 `ip/ip.c` (`main`, `do_cmd`); `-n` is `netns_switch()` in
 * `lib/namespace.c`. Unknown options exit 255, unknown objects 1, usage 255.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { netstageCommands, netstageLayers, runArgv } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * runArgv(netstageCommands(), kernel, ['ip', '-o', 'l', 'show', 'lo']).stdout;
 * // '1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n'
 * ```
 */
export const ipCommand: Command = (ctx) => {
  const argv = ctx.argv.slice(1);
  const opts: MutableOptions = { oneline: false, brief: false, stats: 0, details: false, family: undefined };
  while (argv.length > 0 && (argv[0] ?? '').startsWith('-')) {
    const raw = argv.shift() as string;
    if (raw === '--') break;
    const opt = raw.startsWith('--') ? raw.slice(1) : raw;
    const which: GlobalOption | undefined = GLOBAL_OPTIONS.find((o) => ipMatches(opt, o));
    switch (which) {
      case '-4':
        opts.family = 'inet';
        break;
      case '-0':
        opts.family = 'link';
        break;
      case '-family': {
        const fam = argv.shift();
        if (fam === 'inet') opts.family = 'inet';
        else if (fam === 'link') opts.family = 'link';
        else return fail(ctx, `Error: argument "${fam ?? '(null)'}" is wrong: invalid protocol family\n\n`, 255);
        break;
      }
      case '-stats':
      case '-statistics':
        opts.stats++;
        break;
      case '-details':
        opts.details = true;
        break;
      case '-oneline':
        opts.oneline = true;
        break;
      case '-brief':
        opts.brief = true;
        break;
      case '-Version':
        ctx.stdout.write(IP_VERSION);
        return finished(0);
      case '-help':
        return fail(ctx, IP_USAGE, 255);
      case '-netns': {
        const name = argv.shift();
        const status = enterNetns(ctx, name);
        if (status !== 0) return finished(status);
        break;
      }
      case '-loops':
      case '-rcvbuf':
        argv.shift();
        break;
      case '-human':
      case '-human-readable':
      case '-iec':
      case '-resolve':
      case '-timestamp':
      case '-tshort':
      case '-force':
      case '-Numeric':
      case '-all':
      case '-color':
        break;
      default:
        return fail(ctx, `Option "${raw}" is unknown, try "ip -help".\n`, 255);
    }
  }
  const object = argv.shift();
  if (object === undefined) return fail(ctx, IP_USAGE, 255);
  const entry = OBJECTS.find(([name]) => ipMatches(object, name));
  if (entry?.[0] === 'help') return fail(ctx, IP_USAGE, 255);
  const run = entry?.[1];
  if (run === undefined) return fail(ctx, `Object "${object}" is unknown, try "ip help".\n`, 1);
  const frozen: IpOptions = { ...opts };
  return run(ctx, argv, frozen);
};

/** `-n NAME`: join `/run/netns/NAME` with the process's own task; 0 or the exit status. */
function enterNetns(ctx: ProcContext, name: string | undefined): number {
  if (name === undefined) {
    ctx.stderr.write('Cannot open network namespace "(null)": No such file or directory\n');
    return 255;
  }
  try {
    const fd = ctx.kernel.netns.open(name, ctx.task);
    try {
      ctx.task.setns(fd);
    } finally {
      ctx.task.close(fd);
    }
    return 0;
  } catch (err) {
    if (!(err instanceof NetError)) throw err;
    const what = err.syscall === 'setns' ? `setting the network namespace "${name}" failed: ${err.strerror}` : (err.detail ?? err.message);
    ctx.stderr.write(`${what}\n`);
    return 255;
  }
}

function fail(ctx: ProcContext, text: string, status: number): Proc {
  ctx.stderr.write(text);
  return finished(status);
}
