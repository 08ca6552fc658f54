/**
 * `ip netns`: named namespaces (`/run/netns`) over the kernel's netns registry.
 *
 * @module
 */

import { NetError, type Net } from '@netstage/core-net';
import type { Proc, ProcContext, Wait } from '../../shell/process.js';
import { finished } from '../../shell/process.js';
import { ipMatches, type IpObjectCommand } from './options.js';

/**
 * `ip netns help`: iproute2 6.1's usage text (standard error, status 255).
 *
 * @example
 * ```ts
 * import { IP_NETNS_USAGE } from '@netstage/cli';
 * IP_NETNS_USAGE.startsWith('Usage:\tip netns list'); // true
 * ```
 */
export const IP_NETNS_USAGE = [
  'Usage:\tip netns list',
  '\tip netns add NAME',
  '\tip netns attach NAME PID',
  '\tip netns set NAME NETNSID',
  '\tip [-all] netns delete [NAME]',
  '\tip netns identify [PID]',
  '\tip netns pids NAME',
  '\tip [-all] netns exec [NAME] cmd ...',
  '\tip netns monitor',
  '\tip netns list-id [target-nsid POSITIVE-INT] [nsid POSITIVE-INT]',
  'NETNSID := auto | POSITIVE-INT',
  '',
].join('\n');

/** iproute2's `invalid_name()`: empty, too long, `/`, `.` or `..`. */
function invalidName(name: string): boolean {
  return name.length === 0 || new TextEncoder().encode(name).length > 255 || name.includes('/') || name === '.' || name === '..';
}

/**
 * `ip netns …`: `list` (the default), `list-id`, `add`, `delete`, `identify [PID]`,
 * `pids NAME`, `exec NAME CMD…`, `help`.
 *
 * @remarks
 * iproute2 6.1 `ip/ipnetns.c` (`do_netns`, `netns_list`, `netns_add`, `netns_delete`,
 * `netns_exec`, `netns_identify`, `netns_pids`, `ipnetns_list_id`); reference §3.1, §4 C.
 * `exec` runs the command as a child whose task has joined the namespace, and exits
 * with its status.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { netstageCommands, netstageLayers, runArgv } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * const table = netstageCommands();
 * runArgv(table, kernel, ['ip', 'netns', 'add', 'red']);
 * runArgv(table, kernel, ['ip', 'netns', 'exec', 'red', 'ip', 'netns', 'identify']).stdout; // 'red\n'
 * ```
 */
export const ipNetns: IpObjectCommand = (ctx, args) => {
  const [cmd, ...rest] = args;
  if (cmd === undefined) return list(ctx);
  const name = rest[0];
  if (name !== undefined && invalidName(name)) return fail(ctx, `Invalid netns name "${name}"\n`, 255);
  if (ipMatches(cmd, 'list') || ipMatches(cmd, 'show') || ipMatches(cmd, 'lst')) return list(ctx);
  if (cmd === 'list-id') return listId(ctx);
  if (ipMatches(cmd, 'help')) return fail(ctx, IP_NETNS_USAGE, 255);
  if (ipMatches(cmd, 'add')) return named(ctx, name, (n) => void ctx.kernel.netns.add(n, ctx.task));
  if (ipMatches(cmd, 'delete')) return named(ctx, name, (n) => ctx.kernel.netns.del(n));
  if (ipMatches(cmd, 'identify')) return identify(ctx, name);
  if (ipMatches(cmd, 'pids')) {
    return named(ctx, name, (n) => {
      for (const pid of ctx.kernel.netns.pids(n)) ctx.stdout.write(`${pid}\n`);
    });
  }
  if (ipMatches(cmd, 'exec')) return exec(ctx, rest);
  return fail(ctx, `Command "${cmd}" is unknown, try "ip netns help".\n`, 255);
};

function fail(ctx: ProcContext, text: string, status: number): Proc {
  ctx.stderr.write(text);
  return finished(status);
}

/** Run `body` on a required name; registry errors print their iproute2 text, status 1. */
function named(ctx: ProcContext, name: string | undefined, body: (name: string) => void): Proc {
  if (name === undefined) return fail(ctx, 'No netns name specified\n', 1);
  try {
    body(name);
    return finished(0);
  } catch (err) {
    if (err instanceof NetError) return fail(ctx, `${err.detail ?? err.message}\n`, 1);
    throw err;
  }
}

/** The name of `net` as iproute2 finds it: the first `/run/netns` entry bound to it. */
function nameOf(ctx: ProcContext, net: Net): string | undefined {
  return ctx.kernel.netns.identify(net)[0];
}

/** `ip netns list`: each name, with `(id: N)` when the caller's namespace has an id for it. */
function list(ctx: ProcContext): Proc {
  for (const name of ctx.kernel.netns.list()) {
    const net = ctx.kernel.netns.get(name);
    const id = net === undefined ? -1 : ctx.task.net.peerId(net);
    ctx.stdout.write(id >= 0 ? `${name} (id: ${id})\n` : `${name}\n`);
  }
  return finished(0);
}

/** `ip netns list-id`: the caller's namespace ids. */
function listId(ctx: ProcContext): Proc {
  for (const { id, net } of ctx.task.net.peerIds()) {
    const name = nameOf(ctx, net);
    ctx.stdout.write(name === undefined ? `nsid ${id} \n` : `nsid ${id} (iproute2 netns name: ${name})\n`);
  }
  return finished(0);
}

/** `ip netns identify [PID]`: the names bound to that task's namespace, on one line. */
function identify(ctx: ProcContext, pidText: string | undefined): Proc {
  let net = ctx.task.net;
  if (pidText !== undefined) {
    if (!/^[0-9]+$/.test(pidText)) return fail(ctx, `Specified string '${pidText}' is not a pid\n`, 1);
    const task = ctx.kernel.task(Number(pidText));
    if (task === undefined || !task.alive) return fail(ctx, 'Cannot open network namespace: No such file or directory\n', 1);
    net = task.net;
  }
  ctx.stdout.write(`${ctx.kernel.netns.identify(net).join(' ')}\n`);
  return finished(0);
}

/** `ip netns exec NAME CMD…`: a child in NAME runs CMD; its status is ours. */
function* exec(ctx: ProcContext, words: readonly string[]): Generator<Wait, number, undefined> {
  const [name, ...argv] = words;
  if (name === undefined) return failed(ctx, 'No netns name specified\n', 1);
  if (argv.length === 0) return failed(ctx, 'No command specified\n', 1);
  const program = argv[0] as string;
  let task;
  try {
    task = ctx.kernel.netns.exec(name, ctx.task);
  } catch (err) {
    if (err instanceof NetError) return failed(ctx, `${err.detail ?? err.message}\n`, 255);
    throw err;
  }
  // iproute2 execvp()s the command in the namespace; a name it cannot find is its error.
  if (!ctx.has(program)) {
    task.exit();
    return failed(ctx, `exec of "${program}" failed: No such file or directory\n`, 1);
  }
  const child = ctx.spawn(argv, task);
  for (;;) {
    const r = child.next();
    if (r.done === true) return r.value;
    yield r.value;
  }
}

function failed(ctx: ProcContext, text: string, status: number): number {
  ctx.stderr.write(text);
  return status;
}
