import { Kernel } from '@netstage/core-net';
import { describe, expect, it } from 'vitest';
import { netstageLayers } from '../src/index.js';
import { ip, replay } from './ip-replay.js';

/** Reference §4 A, the `ip netns` / `ip link` steps of a brand-new namespace. */
const TRANSCRIPT_4A = `
$ ip netns add rsch-a

$ ip netns list
rsch-a

$ ip -n rsch-a -o link
1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00

$ ip -n rsch-a link set lo up

$ ip netns del rsch-a
`;

/** Reference §4 I: deleting rsch-b destroys veth1 and its peer veth0 in rsch-a. */
const TRANSCRIPT_4I = `
$ ip netns add rsch-a

$ ip netns add rsch-b

$ ip -n rsch-a link set lo up

$ ip -n rsch-a link add veth0 address 02:00:00:00:0a:01 type veth peer name veth1 address 02:00:00:00:0b:01 netns rsch-b

$ ip netns del rsch-b

$ ip -n rsch-a -o link
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00

$ ip netns list
rsch-a

$ ip netns del rsch-a

$ ip netns list
`;

/**
 * `ip netns` errors captured on this machine (iproute2 6.1.0, kernel 6.18) with nst-a
 * and nst-b present.
 */
const CAPTURE_NETNS_ERRORS = `
$ ip netns add
No netns name specified
(exit 1)

$ ip netns add a/b
Invalid netns name "a/b"
(exit 255)

$ ip netns del
No netns name specified
(exit 1)

$ ip netns delete nst-nosuch
Cannot remove namespace file "/run/netns/nst-nosuch": No such file or directory
(exit 1)

$ ip netns exec
No netns name specified
(exit 1)

$ ip netns exec nst-a
No command specified
(exit 1)

$ ip netns exec nst-a false
(exit 1)

$ ip netns exec nst-a nosuchcmd
exec of "nosuchcmd" failed: No such file or directory
(exit 1)

$ ip netns identify 999999
Cannot open network namespace: No such file or directory
(exit 1)

$ ip netns identify abc
Specified string 'abc' is not a pid
(exit 1)

$ ip netns pids
No netns name specified
(exit 1)

$ ip netns pids nst-nosuch
Cannot open network namespace: No such file or directory
(exit 1)

$ ip netns list-id`;

describe('ip netns', () => {
  it('4.A: add, list, -n, del', () => {
    replay(Kernel.boot({ layers: netstageLayers }), TRANSCRIPT_4A);
  });

  it('4.I: teardown takes both veth ends', () => {
    replay(Kernel.boot({ layers: netstageLayers }), TRANSCRIPT_4I);
  });

  it('errors and statuses as iproute2 6.1 prints them (captured)', () => {
    const kernel = Kernel.boot({ layers: netstageLayers });
    replay(kernel, '$ ip netns add nst-a\n\n$ ip netns add nst-b\n');
    replay(kernel, CAPTURE_NETNS_ERRORS);
  });

  it('list is newest first with (id: N) once the caller has an nsid; list-id; identify; exec status', () => {
    const kernel = Kernel.boot({ layers: netstageLayers });
    replay(kernel, `
$ ip netns add nst-a

$ ip netns add nst-b

$ ip -n nst-a link add veth0 address 02:00:00:00:0a:01 type veth peer name veth1 address 02:00:00:00:0b:01 netns nst-b

$ ip netns list
nst-b
nst-a

$ ip -n nst-a netns list-id
nsid 0 (iproute2 netns name: nst-b)

$ ip -n nst-b netns list-id

$ ip -n nst-a netns list
nst-b (id: 0)
nst-a

$ ip netns exec nst-a ip netns identify
nst-a

$ ip netns
nst-b
nst-a

$ ip netns ls
nst-b
nst-a
`);
    // Captured: in a namespace without a name, identify prints an empty line.
    expect(ip(kernel, 'ip netns identify')).toEqual({ stdout: '\n', stderr: '', status: 0 });
    expect(ip(kernel, 'ip netns exec nst-a false').status).toBe(1);
    expect(ip(kernel, 'ip netns exec nst-a true').status).toBe(0);
    expect(ip(kernel, 'ip netns exec nst-b ip -o link show veth1').stdout).toMatch(/^2: veth1@if2: .* link-netns nst-a\n$/);
  });
});
