// `ip address` against golden captures: reference transcripts 4.A–4.D (iproute2 6.1 on
// kernel 6.18) and captures made for this file on this machine with iproute2 6.1, inside
// `unshare --mount` with namespaces nst-a/nst-b (IPv6 off), veth0 02:00:00:00:0a:01 in
// nst-a paired with veth1 02:00:00:00:0b:01 in nst-b, each command run as
// `bash -c CMD 2>&1` and `(exit N)` printed when non-zero.
import { Kernel } from '@netstage/core-net';
import { describe, expect, it } from 'vitest';
import { netstageLayers } from '../src/layers.js';
import { boot4B, replay } from './ip-inet-transcript.js';

/** Transcript 4.A (`ip -n rsch-a addr` before and after lo up; IPv6 lines left out, as netstage has none). */
const T4A = `$ ip netns add rsch-a

$ ip -n rsch-a addr
1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00

$ ip -n rsch-a link set lo up

$ ip -n rsch-a addr
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever

`;

/** Transcript 4.B (`ip -n rsch-a addr`, `ip -n rsch-b addr`). */
const T4B = `$ ip -n rsch-a addr
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
2: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns rsch-b
    inet 10.200.0.1/24 scope global veth0
       valid_lft forever preferred_lft forever

$ ip -n rsch-b addr
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
2: veth1@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:00:00:00:0b:01 brd ff:ff:ff:ff:ff:ff link-netns rsch-a
    inet 10.200.0.2/24 scope global veth1
       valid_lft forever preferred_lft forever

`;

/** Transcript 4.C, the address lines. */
const T4C = `$ ip -n rsch-a addr add 10.200.0.1/24 dev veth0
Error: ipv4: Address already assigned.
(exit 2)

$ ip -n rsch-a addr add 10.200.0.9/33 dev veth0
Error: any valid prefix is expected rather than "10.200.0.9/33".
(exit 1)

$ ip -n rsch-a addr add 10.200.0.300/24 dev veth0
Error: any valid prefix is expected rather than "10.200.0.300/24".
(exit 1)

$ ip -n rsch-a addr del 10.200.0.77/24 dev veth0
Error: ipv4: Address not found.
(exit 2)

`;

/** Transcript 4.D, the `-br addr` lines around the move of mv0peer (MACs are random there, and not printed here). */
const T4D = `$ ip -n rsch-a link add mv0 type veth peer name mv0peer

$ ip -n rsch-b link add mv0 type veth peer name mvx

$ ip -n rsch-a link set mv0 netns rsch-b name mv9

$ ip -n rsch-b link set mvx netns rsch-a

$ ip -n rsch-a addr add 10.201.0.1/24 dev mv0peer

$ ip -n rsch-a link set mv0peer up

$ ip -n rsch-a -br addr show mv0peer
mv0peer@if5      LOWERLAYERDOWN 10.201.0.1/24 

$ ip -n rsch-a link set mv0peer netns rsch-b

$ ip -n rsch-b -br addr show mv0peer
mv0peer@mv9      DOWN           

`;

/** Captured on this machine: add/del/flush/show in every format, secondaries, labels, scopes, errors. */
const CAPTURE = `$ ip -n nst-a link set lo up

$ ip -n nst-b link set lo up

$ ip -n nst-a link add veth0 address 02:00:00:00:0a:01 type veth peer name veth1 address 02:00:00:00:0b:01 netns nst-b

$ ip -n nst-a addr add 10.200.0.1/24 dev veth0

$ ip -n nst-b addr add 10.200.0.2/24 dev veth1

$ ip -n nst-a link set veth0 up

$ ip -n nst-b link set veth1 up

$ ip -n nst-a addr add 10.200.0.1/24 dev veth0
Error: ipv4: Address already assigned.
(exit 2)

$ ip -n nst-a link set veth0 up

$ ip -n nst-a addr
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
2: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns nst-b
    inet 10.200.0.1/24 scope global veth0
       valid_lft forever preferred_lft forever

$ ip -n nst-a addr show
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
2: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns nst-b
    inet 10.200.0.1/24 scope global veth0
       valid_lft forever preferred_lft forever

$ ip -n nst-a -o addr
1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
2: veth0    inet 10.200.0.1/24 scope global veth0\\       valid_lft forever preferred_lft forever

$ ip -n nst-a -br addr
lo               UNKNOWN        127.0.0.1/8 
veth0@if2        UP             10.200.0.1/24 

$ ip -n nst-a -4 addr
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
2: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000 link-netns nst-b
    inet 10.200.0.1/24 scope global veth0
       valid_lft forever preferred_lft forever

$ ip -n nst-a -4 -o addr
1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
2: veth0    inet 10.200.0.1/24 scope global veth0\\       valid_lft forever preferred_lft forever

$ ip -n nst-a -br -4 addr
lo               UNKNOWN        127.0.0.1/8 
veth0@if2        UP             10.200.0.1/24 

$ ip -n nst-a addr show dev veth0
2: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns nst-b
    inet 10.200.0.1/24 scope global veth0
       valid_lft forever preferred_lft forever

$ ip -n nst-a addr show veth0
2: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns nst-b
    inet 10.200.0.1/24 scope global veth0
       valid_lft forever preferred_lft forever

$ ip -n nst-a addr show up
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
2: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns nst-b
    inet 10.200.0.1/24 scope global veth0
       valid_lft forever preferred_lft forever

$ ip -n nst-a addr add 10.200.0.5/24 dev veth0

$ ip -n nst-a addr add 10.200.0.6/24 brd + dev veth0 label veth0:1

$ ip -n nst-a addr add 10.9.0.1/16 brd 10.9.255.255 scope link dev veth0

$ ip -n nst-a addr add 192.168.7.1 dev veth0

$ ip -n nst-a addr add 172.16.0.1/32 scope host dev veth0

$ ip -n nst-a addr
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
2: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns nst-b
    inet 172.16.0.1/32 scope host veth0
       valid_lft forever preferred_lft forever
    inet 10.9.0.1/16 brd 10.9.255.255 scope link veth0
       valid_lft forever preferred_lft forever
    inet 10.200.0.1/24 scope global veth0
       valid_lft forever preferred_lft forever
    inet 192.168.7.1/32 scope global veth0
       valid_lft forever preferred_lft forever
    inet 10.200.0.5/24 scope global secondary veth0
       valid_lft forever preferred_lft forever
    inet 10.200.0.6/24 brd 10.200.0.255 scope global secondary veth0:1
       valid_lft forever preferred_lft forever

$ ip -n nst-a -o addr
1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
2: veth0    inet 172.16.0.1/32 scope host veth0\\       valid_lft forever preferred_lft forever
2: veth0    inet 10.9.0.1/16 brd 10.9.255.255 scope link veth0\\       valid_lft forever preferred_lft forever
2: veth0    inet 10.200.0.1/24 scope global veth0\\       valid_lft forever preferred_lft forever
2: veth0    inet 192.168.7.1/32 scope global veth0\\       valid_lft forever preferred_lft forever
2: veth0    inet 10.200.0.5/24 scope global secondary veth0\\       valid_lft forever preferred_lft forever
2: veth0    inet 10.200.0.6/24 brd 10.200.0.255 scope global secondary veth0:1\\       valid_lft forever preferred_lft forever

$ ip -n nst-a -br addr
lo               UNKNOWN        127.0.0.1/8 
veth0@if2        UP             172.16.0.1/32 10.9.0.1/16 10.200.0.1/24 192.168.7.1/32 10.200.0.5/24 10.200.0.6/24 

$ ip -n nst-a -4 -o addr show dev veth0
2: veth0    inet 172.16.0.1/32 scope host veth0\\       valid_lft forever preferred_lft forever
2: veth0    inet 10.9.0.1/16 brd 10.9.255.255 scope link veth0\\       valid_lft forever preferred_lft forever
2: veth0    inet 10.200.0.1/24 scope global veth0\\       valid_lft forever preferred_lft forever
2: veth0    inet 192.168.7.1/32 scope global veth0\\       valid_lft forever preferred_lft forever
2: veth0    inet 10.200.0.5/24 scope global secondary veth0\\       valid_lft forever preferred_lft forever
2: veth0    inet 10.200.0.6/24 brd 10.200.0.255 scope global secondary veth0:1\\       valid_lft forever preferred_lft forever

$ ip -n nst-a addr del 10.200.0.1/24 dev veth0

$ ip -n nst-a addr
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
2: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns nst-b
    inet 172.16.0.1/32 scope host veth0
       valid_lft forever preferred_lft forever
    inet 10.9.0.1/16 brd 10.9.255.255 scope link veth0
       valid_lft forever preferred_lft forever
    inet 192.168.7.1/32 scope global veth0
       valid_lft forever preferred_lft forever

$ ip -n nst-a addr del 10.9.0.1/16 dev veth0

$ ip -n nst-a addr flush dev veth0

$ ip -n nst-a addr show dev veth0
2: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns nst-b

$ ip -n nst-a -br addr
lo               UNKNOWN        127.0.0.1/8 
veth0@if2        UP             

$ ip -n nst-a -o addr show dev veth0

$ ip -n nst-a addr add 10.200.0.1/24 dev veth0

$ ip -n nst-a link set veth0 down

$ ip -n nst-a addr show dev veth0
2: veth0@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN group default qlen 1000
    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns nst-b
    inet 10.200.0.1/24 scope global veth0
       valid_lft forever preferred_lft forever

$ ip -n nst-a -br addr show dev veth0
veth0@if2        DOWN           10.200.0.1/24 

$ ip -n nst-a addr show up
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever

$ ip -n nst-a link set veth0 up

$ ip -n nst-a addr add 10.200.0.1/24 dev veth0
Error: ipv4: Address already assigned.
(exit 2)

$ ip -n nst-a addr add 10.200.0.9/33 dev veth0
Error: any valid prefix is expected rather than "10.200.0.9/33".
(exit 1)

$ ip -n nst-a addr add 10.200.0.300/24 dev veth0
Error: any valid prefix is expected rather than "10.200.0.300/24".
(exit 1)

$ ip -n nst-a addr add 10.200.0.9/24
Not enough information: "dev" argument is required.
(exit 1)

$ ip -n nst-a addr add dev veth0
RTNETLINK answers: Operation not supported
(exit 2)

$ ip -n nst-a addr add 10.200.0.9/24 dev nosuch0
Cannot find device "nosuch0"
(exit 1)

$ ip -n nst-a addr add 10.200.0.9/24 10.200.0.10 dev veth0
Error: either "local" is duplicate, or "10.200.0.10" is a garbage.
(exit 255)

$ ip -n nst-a addr add 10.200.0.9/24 dev veth0 foo
Error: either "local" is duplicate, or "foo" is a garbage.
(exit 255)

$ ip -n nst-a addr add 10.200.0.9/24 dev veth0 scope bogus
Error: argument "bogus" is wrong: invalid scope value.
(exit 255)

$ ip -n nst-a addr add 10.200.0.9/24 dev veth0 brd bogus
Error: inet address is expected rather than "bogus".
(exit 1)

$ ip -n nst-a addr add 10.200.0.9/24 dev veth0 label foo

$ ip -n nst-a addr add 10.200.0.9/24 dev
Command line is not complete. Try option "help"
(exit 255)

$ ip -n nst-a addr add abc dev veth0
Error: any valid prefix is expected rather than "abc".
(exit 1)

$ ip -n nst-a addr add 10.200.0.9/24 dev veth0 dev lo

$ ip -n nst-a addr del 10.200.0.77/24 dev veth0
Error: ipv4: Address not found.
(exit 2)

$ ip -n nst-a addr del 10.200.0.77/24
Not enough information: "dev" argument is required.
(exit 1)

$ ip -n nst-a addr del dev veth0
RTNETLINK answers: Operation not supported
(exit 2)

$ ip -n nst-a addr flush
Flush requires arguments.
(exit 1)

$ ip -n nst-a addr flush dev nosuch0
Device "nosuch0" does not exist.
(exit 1)

$ ip -n nst-a addr show dev nosuch0
Device "nosuch0" does not exist.
(exit 1)

$ ip -n nst-a addr show nosuch0
Device "nosuch0" does not exist.
(exit 1)

$ ip -n nst-a addr bogus
Command "bogus" is unknown, try "ip address help".
(exit 255)

$ ip -n nst-a addr show bogus0 up
Device "bogus0" does not exist.
(exit 1)

$ ip -n nst-a addr add 10.200.0.9/24 dev veth0 scope link
Error: ipv4: Address already assigned.
(exit 2)

$ ip -n nst-a addr add 10.200.0.10/24 dev veth0 scope host
Error: ipv4: Invalid scope value.
(exit 2)

$ ip -n nst-a addr
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
    inet 10.200.0.9/24 scope global lo
       valid_lft forever preferred_lft forever
2: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns nst-b
    inet 10.200.0.1/24 scope global veth0
       valid_lft forever preferred_lft forever
    inet 10.200.0.9/24 scope global secondary foo
       valid_lft forever preferred_lft forever

$ ip -n nst-a addr del 192.168.7.1 dev veth0
Warning: Executing wildcard deletion to stay compatible with old scripts.
         Explicitly specify the prefix length (192.168.7.1/32) to avoid this warning.
         This special behaviour is likely to disappear in further releases,
         fix your scripts!
Error: ipv4: Address not found.
(exit 2)

$ ip -n nst-a -br addr show dev veth0
veth0@if2        UP             10.200.0.1/24 10.200.0.9/24 

$ ip -n nst-a addr flush dev veth0 label foo

$ ip -n nst-a addr
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
    inet 10.200.0.9/24 scope global lo
       valid_lft forever preferred_lft forever
2: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns nst-b
    inet 10.200.0.1/24 scope global veth0
       valid_lft forever preferred_lft forever

$ ip -n nst-a addr replace 10.200.0.1/24 dev veth0

$ ip -n nst-a addr flush dev veth0

$ ip -n nst-a -4 addr
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
    inet 10.200.0.9/24 scope global lo
       valid_lft forever preferred_lft forever

$ ip -n nst-a -o addr show up
1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
1: lo    inet 10.200.0.9/24 scope global lo\\       valid_lft forever preferred_lft forever

`;

describe('ip address', () => {
  it('transcript 4.A: lo before and after it comes up', () => {
    const kernel = Kernel.boot({ layers: netstageLayers });
    expect(replay(kernel, T4A)).toBe(T4A);
  });

  it('transcripts 4.B, 4.C (address lines) and 4.D (-br around a move) byte for byte', () => {
    const kernel = boot4B();
    expect(replay(kernel, T4B)).toBe(T4B);
    expect(replay(kernel, T4C)).toBe(T4C);
    expect(replay(kernel, T4D)).toBe(T4D);
  });

  it('capture: normal, -o, -br, -4 listings, secondaries, labels, flush, errors', () => {
    const kernel = Kernel.boot({ layers: netstageLayers });
    replay(kernel, '$ ip netns add nst-a\n$ ip netns add nst-b\n');
    expect(replay(kernel, CAPTURE)).toBe(CAPTURE);
  });

  it('a refused request changes nothing', () => {
    const kernel = boot4B();
    const before = replay(kernel, '$ ip -n rsch-a addr\n');
    replay(kernel, '$ ip -n rsch-a addr add 10.200.0.9/24 dev veth0 scope bogus\n$ ip -n rsch-a addr add 10.200.0.1/24 dev veth0\n');
    expect(replay(kernel, '$ ip -n rsch-a addr\n')).toBe(before);
  });
});
