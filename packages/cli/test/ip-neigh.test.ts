// `ip neigh` against golden captures: reference transcripts 4.A–4.D (iproute2 6.1 on
// kernel 6.18) and captures made for this file on this machine with iproute2 6.1, inside
// `unshare --mount` with namespaces nst-a/nst-b (IPv6 off), veth0 02:00:00:00:0a:01 in
// nst-a paired with veth1 02:00:00:00:0b:01 in nst-b, each command run as
// `bash -c CMD 2>&1` and `(exit N)` printed when non-zero.
import { Kernel } from '@netstage/core-net';
import { describe, expect, it } from 'vitest';
import { netstageLayers } from '../src/layers.js';
import { boot4B, pingTwice, replay, sortedBlocks } from './ip-inet-transcript.js';

/** Transcript 4.B: after `ping -c 2 10.200.0.2` from rsch-a, then `ping -c 2 -W 1 10.200.0.9`. */
const T4B_RESOLVED = `$ ip -n rsch-a neigh
10.200.0.2 dev veth0 lladdr 02:00:00:00:0b:01 REACHABLE 

$ ip -n rsch-b neigh
10.200.0.1 dev veth1 lladdr 02:00:00:00:0a:01 DELAY 

`;
const T4B_INCOMPLETE = `$ ip -n rsch-a neigh
10.200.0.2 dev veth0 lladdr 02:00:00:00:0b:01 REACHABLE 
10.200.0.9 dev veth0 INCOMPLETE 

`;

/** Transcript 4.C, the neighbour line. */
const T4C = `$ ip -n rsch-a neigh add 10.200.0.2 lladdr 02:00:00:00:0b:01 dev veth0
RTNETLINK answers: File exists
(exit 2)

`;

/** Captured on this machine (same setup, then the same pings as 4.B, and 4 s later). */
const FAILED = `$ ip -n nst-a neigh
10.200.0.9 dev veth0 FAILED 
10.200.0.2 dev veth0 lladdr 02:00:00:00:0b:01 REACHABLE 

$ ip -n nst-a neigh show dev veth0
10.200.0.9 FAILED 
10.200.0.2 lladdr 02:00:00:00:0b:01 REACHABLE 

$ ip -n nst-a -br neigh
10.200.0.9                              veth0            
10.200.0.2                              veth0            02:00:00:00:0b:01

$ ip -n nst-a neigh flush dev veth0

$ ip -n nst-a neigh

`;

/** Captured on this machine: add/replace/del/flush with nud states, -o/-br/-4, errors. */
const CAPTURE = `$ ip -n nst-a link set lo up

$ ip -n nst-b link set lo up

$ ip -n nst-a link add veth0 address 02:00:00:00:0a:01 type veth peer name veth1 address 02:00:00:00:0b:01 netns nst-b

$ ip -n nst-a addr add 10.200.0.1/24 dev veth0

$ ip -n nst-b addr add 10.200.0.2/24 dev veth1

$ ip -n nst-a link set veth0 up

$ ip -n nst-b link set veth1 up

$ ip -n nst-a neigh

$ ip -n nst-a neigh

$ ip -n nst-a neigh add 10.200.0.2 lladdr 02:00:00:00:0b:01 dev veth0

$ ip -n nst-a neigh add 10.200.0.3 lladdr 02:00:00:00:0b:03 dev veth0 nud reachable

$ ip -n nst-a neigh add 10.200.0.4 lladdr 02:00:00:00:0b:04 dev veth0 nud stale

$ ip -n nst-a neigh add 10.200.0.6 lladdr 02:00:00:00:0b:06 dev veth0 nud permanent

$ ip -n nst-a neigh add 10.200.0.7 dev veth0 nud permanent
Error: No link layer address given.
(exit 2)

$ ip -n nst-a neigh
10.200.0.6 dev veth0 lladdr 02:00:00:00:0b:06 PERMANENT 
10.200.0.3 dev veth0 lladdr 02:00:00:00:0b:03 REACHABLE 
10.200.0.2 dev veth0 lladdr 02:00:00:00:0b:01 PERMANENT 
10.200.0.4 dev veth0 lladdr 02:00:00:00:0b:04 STALE 

$ ip -n nst-a neigh show
10.200.0.6 dev veth0 lladdr 02:00:00:00:0b:06 PERMANENT 
10.200.0.3 dev veth0 lladdr 02:00:00:00:0b:03 REACHABLE 
10.200.0.2 dev veth0 lladdr 02:00:00:00:0b:01 PERMANENT 
10.200.0.4 dev veth0 lladdr 02:00:00:00:0b:04 STALE 

$ ip -n nst-a neigh show dev veth0
10.200.0.6 lladdr 02:00:00:00:0b:06 PERMANENT 
10.200.0.3 lladdr 02:00:00:00:0b:03 REACHABLE 
10.200.0.2 lladdr 02:00:00:00:0b:01 PERMANENT 
10.200.0.4 lladdr 02:00:00:00:0b:04 STALE 

$ ip -n nst-a neigh show dev lo

$ ip -n nst-a -o neigh
10.200.0.6 dev veth0 lladdr 02:00:00:00:0b:06 PERMANENT 
10.200.0.3 dev veth0 lladdr 02:00:00:00:0b:03 REACHABLE 
10.200.0.2 dev veth0 lladdr 02:00:00:00:0b:01 PERMANENT 
10.200.0.4 dev veth0 lladdr 02:00:00:00:0b:04 STALE 

$ ip -n nst-a -br neigh
10.200.0.6                              veth0            02:00:00:00:0b:06
10.200.0.3                              veth0            02:00:00:00:0b:03
10.200.0.2                              veth0            02:00:00:00:0b:01
10.200.0.4                              veth0            02:00:00:00:0b:04

$ ip -n nst-a -4 neigh
10.200.0.6 dev veth0 lladdr 02:00:00:00:0b:06 PERMANENT 
10.200.0.3 dev veth0 lladdr 02:00:00:00:0b:03 REACHABLE 
10.200.0.2 dev veth0 lladdr 02:00:00:00:0b:01 PERMANENT 
10.200.0.4 dev veth0 lladdr 02:00:00:00:0b:04 STALE 

$ ip -n nst-a neigh add 10.200.0.2 lladdr 02:00:00:00:0b:01 dev veth0
RTNETLINK answers: File exists
(exit 2)

$ ip -n nst-a neigh replace 10.200.0.2 lladdr 02:00:00:00:0b:99 dev veth0

$ ip -n nst-a neigh replace 10.200.0.8 lladdr 02:00:00:00:0b:08 dev veth0 nud reachable

$ ip -n nst-a neigh
10.200.0.6 dev veth0 lladdr 02:00:00:00:0b:06 PERMANENT 
10.200.0.3 dev veth0 lladdr 02:00:00:00:0b:03 REACHABLE 
10.200.0.2 dev veth0 lladdr 02:00:00:00:0b:99 PERMANENT 
10.200.0.8 dev veth0 lladdr 02:00:00:00:0b:08 REACHABLE 
10.200.0.4 dev veth0 lladdr 02:00:00:00:0b:04 STALE 

$ ip -n nst-a neigh del 10.200.0.2 dev veth0

$ ip -n nst-a neigh del 10.200.0.2 dev veth0
RTNETLINK answers: No such file or directory
(exit 2)

$ ip -n nst-a neigh del 10.200.0.99 dev veth0
RTNETLINK answers: No such file or directory
(exit 2)

$ ip -n nst-a neigh flush dev veth0

$ ip -n nst-a neigh
10.200.0.6 dev veth0 lladdr 02:00:00:00:0b:06 PERMANENT 

$ ip -n nst-a neigh flush all

$ ip -n nst-a neigh
10.200.0.6 dev veth0 lladdr 02:00:00:00:0b:06 PERMANENT 

$ ip -n nst-a neigh del 10.200.0.6 dev veth0

$ ip -n nst-a neigh del 10.200.0.7 dev veth0
RTNETLINK answers: No such file or directory
(exit 2)

$ ip -n nst-a neigh

$ ip -n nst-a neigh

$ ip -n nst-a neigh

$ ip -n nst-a neigh show dev veth0

$ ip -n nst-a neigh flush dev veth0

$ ip -n nst-a neigh

$ ip -n nst-a neigh add 10.200.0.2 lladdr 02:00:00:00:0b:01
Device and destination are required arguments.
(exit 255)

$ ip -n nst-a neigh add 10.200.0.2 lladdr 02:00:00:00:0b:01 dev nosuch0
Cannot find device "nosuch0"
(exit 1)

$ ip -n nst-a neigh add 10.200.0.2 lladdr bogus dev veth0
Error: Invalid link address.
(exit 2)

$ ip -n nst-a neigh add bogus lladdr 02:00:00:00:0b:01 dev veth0
Error: any valid address is expected rather than "bogus".
(exit 1)

$ ip -n nst-a neigh add 10.200.0.2 lladdr 02:00:00:00:0b:01 dev veth0 nud bogus
Error: argument "bogus" is wrong: nud state is bad
(exit 255)

$ ip -n nst-a neigh add 10.200.0.2 lladdr 02:00:00:00:0b:01 dev veth0 bogus
Error: either "to" is duplicate, or "bogus" is a garbage.
(exit 255)

$ ip -n nst-a neigh add lladdr 02:00:00:00:0b:01 dev veth0
Device and destination are required arguments.
(exit 255)

$ ip -n nst-a neigh add 10.200.0.2 lladdr 02:00:00:00:0b:01 10.200.0.3 dev veth0
Error: either "to" is duplicate, or "10.200.0.3" is a garbage.
(exit 255)

$ ip -n nst-a neigh del 10.200.0.2
Device and destination are required arguments.
(exit 255)

$ ip -n nst-a neigh del 10.200.0.2 dev nosuch0
Cannot find device "nosuch0"
(exit 1)

$ ip -n nst-a neigh flush
Flush requires arguments.
(exit 1)

$ ip -n nst-a neigh flush dev nosuch0
Cannot find device "nosuch0"
(exit 1)

$ ip -n nst-a neigh show dev nosuch0
Cannot find device "nosuch0"
(exit 1)

$ ip -n nst-a neigh bogus
Command "bogus" is unknown, try "ip neigh help".
(exit 255)

$ ip -n nst-a neigh show bogus
Error: any valid prefix is expected rather than "bogus".
(exit 1)

$ ip -n nst-a neigh

$ ip -n nst-a neigh

`;

describe('ip neigh', () => {
  it('transcript 4.B: REACHABLE / DELAY after a ping, INCOMPLETE while resolving', () => {
    const kernel = boot4B();
    pingTwice(kernel, 'rsch-a', '10.200.0.2');
    expect(replay(kernel, T4B_RESOLVED)).toBe(T4B_RESOLVED);
    pingTwice(kernel, 'rsch-a', '10.200.0.9');
    expect(replay(kernel, T4B_INCOMPLETE)).toBe(T4B_INCOMPLETE);
    expect(replay(kernel, T4C)).toBe(T4C);
  });

  it('capture: FAILED after the probes, -br, flush (hash order aside)', () => {
    const kernel = Kernel.boot({ layers: netstageLayers });
    replay(kernel, '$ ip netns add nst-a\n$ ip netns add nst-b\n');
    replay(kernel, `$ ip -n nst-a link set lo up

$ ip -n nst-b link set lo up

$ ip -n nst-a link add veth0 address 02:00:00:00:0a:01 type veth peer name veth1 address 02:00:00:00:0b:01 netns nst-b

$ ip -n nst-a addr add 10.200.0.1/24 dev veth0

$ ip -n nst-b addr add 10.200.0.2/24 dev veth1

$ ip -n nst-a link set veth0 up

$ ip -n nst-b link set veth1 up

`);
    pingTwice(kernel, 'nst-a', '10.200.0.2');
    pingTwice(kernel, 'nst-a', '10.200.0.9');
    kernel.clock.advance(4000);
    expect(sortedBlocks(replay(kernel, FAILED))).toEqual(sortedBlocks(FAILED));
  });

  it('capture: add/replace/del/flush, nud states, formats and errors (hash order aside)', () => {
    const kernel = Kernel.boot({ layers: netstageLayers });
    replay(kernel, '$ ip netns add nst-a\n$ ip netns add nst-b\n');
    expect(sortedBlocks(replay(kernel, CAPTURE))).toEqual(sortedBlocks(CAPTURE));
  });
});
