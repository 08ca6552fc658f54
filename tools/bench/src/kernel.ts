/**
 * The kernel side by side (issue 8, item 6): the workloads of the netstage benchmarks run
 * on the real Linux kernel of this machine, so each netstage figure can be printed next to
 * the kernel's from the same run.
 *
 * Every run happens inside one `unshare --mount --propagation private sh run.sh`, whose
 * first act is to mount a tmpfs on `/run/netns`: the namespaces' names live only in that
 * private mount namespace and vanish with it, and nothing on the host changes. For the
 * traffic runs the script creates two namespaces, `nst-bench-a` and `nst-bench-b`, with
 * IPv6 disabled in each before any device exists, joined by a veth pair (`veth0`
 * 10.231.0.1/24 in A, `veth1` 10.231.0.2/24 in B). A trap deletes every `nst-bench-*`
 * namespace and stops every child it started, whether the run ends well or not; each
 * program also carries its own deadline and `spawnSync` a timeout, so nothing hangs.
 *
 * The traffic programs are small Node `dgram` scripts (`src/kernel/*.mjs`), copied into
 * a private temporary directory (removed afterwards) and started with `ip netns exec`.
 * Each measures its own CPU time with `process.cpuUsage()` (getrusage RUSAGE_SELF: user +
 * system time of every thread of the process) from the moment the run opens (a HELLO
 * handshake, which also resolves ARP) to the moment it closes (FIN), so Node's start-up is
 * not counted. The kernel's packet work lands in those system times: on veth the
 * transmit path hands the packet to the peer's backlog and the receive softirq runs when
 * the sending syscall re-enables bottom halves, in the sender's context, so UDP, IP and
 * the socket wake-up of the far side are charged to whichever process sent. Softirq work
 * deferred to `ksoftirqd` (under overload) and the scheduler's context switches between
 * the two processes are not in either figure: the kernel figures are, if anything,
 * slightly flattering to the kernel.
 *
 * @module
 */

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the Node programs run inside the namespaces are kept (plain `.mjs` files). */
const programs = fileURLToPath(new URL('./kernel/', import.meta.url));

/** The two ends of the veth pair, as the setup script gives them. */
const addressA = '10.231.0.1';
const addressB = '10.231.0.2';
const port = 4000;

/** Time for creating and deleting the namespaces around a run, beyond its own deadline. */
const setupMs = 30_000;

function runs(command: string, args: readonly string[]): boolean {
  const r = spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 });
  return r.error === undefined && r.status === 0;
}

/**
 * Whether the kernel rows can run here: Linux, root, and `ip` (iproute2), `unshare`
 * (util-linux), `bash` and `ping` (iputils) on the PATH; Node is the running one.
 *
 * @remarks
 * Creating network namespaces and veth pairs takes CAP_SYS_ADMIN and CAP_NET_ADMIN in the
 * initial user namespace, so this asks for uid 0 rather than probing capabilities.
 * `bash` times `ping` (its `time` keyword reports a child's rusage to the millisecond).
 *
 * @example
 * ```ts
 * import { kernelAvailable } from './kernel.js';
 * typeof kernelAvailable(); // 'boolean'
 * ```
 */
export function kernelAvailable(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  return (
    runs('ip', ['-V']) &&
    runs('unshare', ['--version']) &&
    runs('bash', ['-c', 'true']) &&
    runs('ping', ['-V']) &&
    existsSync(process.execPath)
  );
}

/**
 * The script that wraps every run: private `/run/netns`, cleanup trap, and (for traffic
 * runs) the two namespaces and their veth pair. `$1` is the private directory, `$2` the
 * Node binary; `body` runs after the setup.
 */
function script(body: string, pair: boolean): string {
  const setup = pair
    ? `
for ns in nst-bench-a nst-bench-b; do
  ip netns add $ns
  ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n $ns link set lo up
done
ip -n nst-bench-a link add veth0 type veth peer name veth1 netns nst-bench-b
ip -n nst-bench-a addr add ${addressA}/24 dev veth0
ip -n nst-bench-b addr add ${addressB}/24 dev veth1
ip -n nst-bench-a link set veth0 up
ip -n nst-bench-b link set veth1 up
`
    : '';
  return `set -eu
DIR=$1
NODE=$2
PIDS=
cleanup() {
  status=$?
  set +e
  for pid in $PIDS; do kill "$pid" 2>/dev/null; done
  for path in /run/netns/nst-bench-*; do
    [ -e "$path" ] && ip netns del "\${path##*/}" 2>/dev/null
  done
  exit $status
}
trap cleanup EXIT
# Long commands run in the background and the script waits for them: a signal interrupts
# wait (but not a foreground command), so a timeout reaches the cleanup at once.
trap 'exit 143' HUP INT TERM
# Private from here on: this mount namespace does not propagate to the host.
if [ -d /run/netns ]; then
  mount -t tmpfs nst-bench /run/netns
else
  mount -t tmpfs nst-bench /run
  mkdir /run/netns
fi
${setup}
${body}
`;
}

/**
 * Run `body` inside a private mount namespace (with the veth pair when `pair`), then
 * return the files it wrote into its private directory.
 */
function inPrivateNamespaces(
  body: string,
  options: { pair: boolean; deadlineMs: number; outputs: readonly string[] },
): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'nst-bench-'));
  try {
    for (const name of readdirSync(programs)) {
      if (name.endsWith('.mjs')) copyFileSync(join(programs, name), join(dir, name));
    }
    writeFileSync(join(dir, 'run.sh'), script(body, options.pair));
    const r = spawnSync(
      'unshare',
      ['--mount', '--propagation', 'private', 'sh', join(dir, 'run.sh'), dir, process.execPath],
      { encoding: 'utf8', timeout: options.deadlineMs + setupMs, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (r.error !== undefined || r.status !== 0) {
      const why = r.error?.message ?? `exit status ${r.status ?? r.signal ?? '?'}`;
      throw new Error(`kernel benchmark failed (${why}): ${r.stderr.trim()}`);
    }
    const out = new Map<string, string>();
    for (const name of options.outputs) {
      const path = join(dir, name);
      if (!existsSync(path)) throw new Error(`kernel benchmark wrote no ${name}: ${r.stderr.trim()}`);
      out.set(name, readFileSync(path, 'utf8'));
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The CPU report a Node program prints on its one line of output. */
interface CpuReport {
  readonly userUs: number;
  readonly systemUs: number;
  readonly [count: string]: number;
}

function report(text: string | undefined, who: string): CpuReport {
  const line = text?.trim().split('\n').pop();
  if (line === undefined || line === '') throw new Error(`${who} printed no result`);
  return JSON.parse(line) as CpuReport;
}

/**
 * Run a server program in namespace B and a client program in namespace A (both from
 * `src/kernel/`), wait for the client then the server, and return both CPU reports.
 */
function serverAndClient(
  server: { readonly program: string; readonly args: string },
  client: { readonly program: string; readonly args: string },
  deadlineMs: number,
): { server: CpuReport; client: CpuReport } {
  const out = inPrivateNamespaces(
    `ip netns exec nst-bench-b "$NODE" "$DIR/${server.program}.mjs" ${server.args} > "$DIR/server.json" &
server=$!
PIDS="$PIDS $server"
ip netns exec nst-bench-a "$NODE" "$DIR/${client.program}.mjs" ${client.args} > "$DIR/client.json" &
client=$!
PIDS="$PIDS $client"
wait $client
wait $server
`,
    { pair: true, deadlineMs, outputs: ['server.json', 'client.json'] },
  );
  return { server: report(out.get('server.json'), server.program), client: report(out.get('client.json'), client.program) };
}

function perCpuSecond(count: number, cpuUs: number): number {
  return cpuUs > 0 ? Math.round(count / (cpuUs / 1e6)) : Infinity;
}

function checkCount(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, not ${value}`);
  }
}

/**
 * Delivered UDP datagrams per CPU-second through the real kernel: Node `dgram` sending
 * `datagrams` datagrams of `size` bytes from namespace A to a socket in namespace B over
 * veth.
 *
 * @remarks
 * The sender (`src/kernel/dgram-source.mjs`) writes on a connected socket as fast as it
 * may, keeping at most 1,024 datagrams beyond the receiver's last acknowledgement; the
 * receiver (`dgram-sink.mjs`, receive buffer 4 MiB, capped by `net.core.rmem_max`)
 * acknowledges every 64th datagram with its running count. So the receive queue never
 * overflows and losses are rare; a window that stalls for 20 ms is presumed lost and
 * reopened. The figure is the receiver's count of datagrams read, divided by the CPU time
 * of both processes (user + system of each, from `process.cpuUsage()`, from the HELLO
 * handshake to the FIN). The acknowledgements (one per 64 datagrams) are in that time;
 * Node's start-up is not. The kernel's UDP, IP and veth work on both sides is mostly
 * charged to the sender's system time (softirq run in its context; see the module note).
 *
 * @example
 * ```ts
 * import { kernelAvailable, kernelUdpThroughput } from './kernel.js';
 * if (kernelAvailable()) kernelUdpThroughput({ datagrams: 1_000, size: 64 }).perCpuSecond > 0; // true
 * ```
 */
export function kernelUdpThroughput(o: { datagrams: number; size: number }): { perCpuSecond: number } {
  checkCount('datagrams', o.datagrams, 1, 100_000_000);
  checkCount('size', o.size, 1, 65_507);
  const deadlineMs = 20_000 + Math.ceil(o.datagrams / 10);
  const { server: sink, client: source } = serverAndClient(
    { program: 'dgram-sink', args: `${addressB} ${port} ${deadlineMs}` },
    { program: 'dgram-source', args: `${addressB} ${port} ${o.datagrams} ${o.size} ${deadlineMs}` },
    deadlineMs,
  );
  const delivered = sink['delivered'] ?? 0;
  const cpuUs = sink.userUs + sink.systemUs + source.userUs + source.systemUs;
  return { perCpuSecond: perCpuSecond(delivered, cpuUs) };
}

/**
 * UDP request/response round trips per CPU-second through the real kernel: a Node `dgram`
 * client in namespace A sends 64 bytes, an echo server in namespace B sends them back, and
 * the client waits for each echo before the next request.
 *
 * @remarks
 * The client (`src/kernel/dgram-requester.mjs`) uses a connected socket; the server
 * (`dgram-echo.mjs`) answers with `sendto` on its bound, unconnected socket, as an echo
 * server does. The figure is completed round trips divided by the CPU time of both
 * processes (user + system, from `process.cpuUsage()`, from the HELLO handshake to the
 * FIN; start-up excluded). Each side's system time holds its own `sendmsg` and, through
 * the softirq run in its context, the other side's receive path. The wake-ups and
 * context switches between the two processes are scheduler work and counted only in so
 * far as they run in those processes' time.
 *
 * @example
 * ```ts
 * import { kernelAvailable, kernelUdpRoundTrips } from './kernel.js';
 * if (kernelAvailable()) kernelUdpRoundTrips({ roundTrips: 200 }).perCpuSecond > 0; // true
 * ```
 */
export function kernelUdpRoundTrips(o: { roundTrips: number }): { perCpuSecond: number } {
  checkCount('roundTrips', o.roundTrips, 1, 100_000_000);
  const deadlineMs = 20_000 + Math.ceil(o.roundTrips / 5);
  const { server: echo, client: requester } = serverAndClient(
    { program: 'dgram-echo', args: `${addressB} ${port} ${deadlineMs}` },
    { program: 'dgram-requester', args: `${addressB} ${port} ${o.roundTrips} ${deadlineMs}` },
    deadlineMs,
  );
  const roundTrips = requester['roundTrips'] ?? 0;
  const cpuUs = echo.userUs + echo.systemUs + requester.userUs + requester.systemUs;
  return { perCpuSecond: perCpuSecond(roundTrips, cpuUs) };
}

/**
 * ICMP echo round trips per CPU-second through the real kernel: `ping -q -c count -i 0`
 * from namespace A to 10.231.0.2 in namespace B.
 *
 * @remarks
 * `-i 0` (allowed to root) sends the next request as soon as the previous reply is in,
 * so exactly one echo is in flight, as in the UDP round trips. The time is ping's own
 * user + system time as bash's `time` keyword reports it (getrusage of the reaped child,
 * `TIMEFORMAT='%3U %3S'`: millisecond resolution, so counts below ~1,000 measure
 * little), with bash started in namespace A first so that neither `ip` nor bash is in
 * it. That includes ping's start-up (opening its socket: well under a millisecond) and
 * the kernel's whole round trip: the echo reply in namespace B is built in the softirq
 * that runs in ping's context when it sends. A `ping -c 1` beforehand resolves ARP. The
 * figure counts replies received (from ping's summary), not requests sent.
 *
 * @example
 * ```ts
 * import { kernelAvailable, kernelPingRoundTrips } from './kernel.js';
 * if (kernelAvailable()) kernelPingRoundTrips({ count: 2_000 }).perCpuSecond > 0; // true
 * ```
 */
export function kernelPingRoundTrips(o: { count: number }): { perCpuSecond: number } {
  checkCount('count', o.count, 1, 100_000_000);
  const deadlineS = 20 + Math.ceil(o.count / 5_000);
  const out = inPrivateNamespaces(
    `ip netns exec nst-bench-a ping -q -c 1 -W 5 ${addressB} > /dev/null
ip netns exec nst-bench-a bash -c 'TIMEFORMAT="%3U %3S"; { time ping -q -c ${o.count} -i 0 -w ${deadlineS} ${addressB} > "$1/ping.out"; } 2> "$1/ping.time"' bash "$DIR" &
PIDS="$PIDS $!"
wait $! || true
`,
    { pair: true, deadlineMs: deadlineS * 1000, outputs: ['ping.out', 'ping.time'] },
  );
  const summary = /(\d+) packets transmitted, (\d+) received/.exec(out.get('ping.out') ?? '');
  const times = /^(\d+\.\d+) (\d+\.\d+)\s*$/m.exec(out.get('ping.time') ?? '');
  if (summary === null || times === null) {
    throw new Error(`ping gave no summary: ${out.get('ping.out') ?? ''} ${out.get('ping.time') ?? ''}`);
  }
  const received = Number(summary[2]);
  if (received === 0) throw new Error(`ping received no replies: ${summary[0]}`);
  const cpuUs = Math.round((Number(times[1]) + Number(times[2])) * 1e6);
  return { perCpuSecond: perCpuSecond(received, cpuUs) };
}

/**
 * Wall-clock microseconds per network namespace created (with `lo` up) and per namespace
 * destroyed, through iproute2 on the real kernel.
 *
 * @remarks
 * Creates `count` namespaces, each with `ip netns add nst-bench-life-N` then
 * `ip -n nst-bench-life-N link set lo up`, then deletes them all with `ip netns del`; the
 * two loops are timed with `date +%s%N` and divided by `count`. Wall time, not CPU time:
 * most of the work is the kernel's (`copy_net_ns`, every pernet subsystem's init, the
 * loopback device) and much of it is not charged to the `ip` process, so the elapsed time
 * of the commands is the honest figure on an otherwise idle machine. It includes starting
 * two `ip` processes per create and one per destroy (about a millisecond each here), as
 * anyone driving the kernel from a shell pays. `ip netns del` only unmounts and unlinks
 * the name: the kernel tears the namespace down later in its `netns` workqueue
 * (`cleanup_net`), so `destroyUs` is the cost seen by the caller, not the whole teardown.
 * IPv6 is left as the kernel's default in these namespaces (disabling it would take a
 * third process per namespace), so `lo` up also configures `::1`. Keep `count` modest
 * (at most 1,000; 200 is plenty): each namespace costs the host kernel real memory until
 * the workqueue frees it.
 *
 * @example
 * ```ts
 * import { kernelAvailable, kernelNetnsLifecycle } from './kernel.js';
 * if (kernelAvailable()) kernelNetnsLifecycle({ count: 10 }).createUs > 0; // true
 * ```
 */
export function kernelNetnsLifecycle(o: { count: number }): { createUs: number; destroyUs: number } {
  checkCount('count', o.count, 1, 1_000);
  const deadlineMs = 20_000 + o.count * 100;
  const out = inPrivateNamespaces(
    `t0=$(date +%s%N)
i=0
while [ $i -lt ${o.count} ]; do
  ip netns add nst-bench-life-$i
  ip -n nst-bench-life-$i link set lo up
  i=$((i + 1))
done
t1=$(date +%s%N)
i=0
while [ $i -lt ${o.count} ]; do
  ip netns del nst-bench-life-$i
  i=$((i + 1))
done
t2=$(date +%s%N)
echo "$t0 $t1 $t2" > "$DIR/lifecycle"
`,
    { pair: false, deadlineMs, outputs: ['lifecycle'] },
  );
  const [t0, t1, t2] = (out.get('lifecycle') ?? '').trim().split(' ').map(BigInt);
  if (t0 === undefined || t1 === undefined || t2 === undefined) throw new Error('lifecycle run gave no times');
  return {
    createUs: Number(t1 - t0) / 1000 / o.count,
    destroyUs: Number(t2 - t1) / 1000 / o.count,
  };
}
