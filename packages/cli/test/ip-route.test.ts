// `ip route` against golden captures: reference transcripts 4.A–4.D (iproute2 6.1 on
// kernel 6.18) and captures made for this file on this machine with iproute2 6.1, inside
// `unshare --mount` with namespaces nst-a/nst-b (IPv6 off), veth0 02:00:00:00:0a:01 in
// nst-a paired with veth1 02:00:00:00:0b:01 in nst-b, each command run as
// `bash -c CMD 2>&1` and `(exit N)` printed when non-zero.
import { Kernel } from '@netstage/core-net';
import { describe, expect, it } from 'vitest';
import { netstageLayers } from '../src/layers.js';
import { SETUP_4B, boot4B, replay } from './ip-inet-transcript.js';

/** Transcript 4.A: a brand-new namespace has no local table until lo comes up. */
const T4A = `$ ip netns add rsch-a

$ ip -n rsch-a route show table main

$ ip -n rsch-a route show table local
Error: ipv4: FIB table does not exist.
Dump terminated
(exit 2)

$ ip -n rsch-a link set lo up

$ ip -n rsch-a route show table local
local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 
local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 
broadcast 127.255.255.255 dev lo proto kernel scope link src 127.0.0.1 

`;

/** Transcript 4.B (`ip route`, `ip route show table local` in rsch-a). */
const T4B = `$ ip -n rsch-a route
10.200.0.0/24 dev veth0 proto kernel scope link src 10.200.0.1 

$ ip -n rsch-a route show table local
local 10.200.0.1 dev veth0 proto kernel scope host src 10.200.0.1 
broadcast 10.200.0.255 dev veth0 proto kernel scope link src 10.200.0.1 
local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 
local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 
broadcast 127.255.255.255 dev lo proto kernel scope link src 127.0.0.1 

`;

/** Transcript 4.C, the route lines (after 4.B's setup). */
const T4C = `$ ip -n rsch-a route add 10.200.0.0/24 dev veth0
RTNETLINK answers: File exists
(exit 2)

$ ip -n rsch-a route add 10.99.0.0/16 via 10.250.0.1
Error: Nexthop has invalid gateway.
(exit 2)

$ ip -n rsch-a route del 10.98.0.0/16
RTNETLINK answers: No such process
(exit 2)

`;

/**
 * Captured on this machine (iproute2 6.1, kernel 6.18): add/replace/del/get/flush,
 * types, metrics, tables, tos, `-o`, and the usage errors with their statuses.
 */
const CAPTURE = `$ ip -n nst-a route

$ ip -n nst-a route show table local
Error: ipv4: FIB table does not exist.
Dump terminated
(exit 2)

$ ip -n nst-a route get 127.0.0.1
RTNETLINK answers: Network is unreachable
(exit 2)

$ ip -n nst-a route add 10.1.0.0/16 dev lo
Error: Device for nexthop is not up.
(exit 2)

$ ip -n nst-a link set lo up

$ ip -n nst-b link set lo up

$ ip -n nst-a link add veth0 address 02:00:00:00:0a:01 type veth peer name veth1 address 02:00:00:00:0b:01 netns nst-b

$ ip -n nst-a addr add 10.200.0.1/24 dev veth0

$ ip -n nst-b addr add 10.200.0.2/24 dev veth1

$ ip -n nst-a link set veth0 up

$ ip -n nst-b link set veth1 up

$ ip -n nst-a route add 10.99.0.0/16 via 10.200.0.2

$ ip -n nst-a route add 10.98.0.0/16 via 10.200.0.2 metric 100

$ ip -n nst-a route add 10.98.0.0/16 via 10.200.0.2 metric 50

$ ip -n nst-a route add 10.97.0.0/16 dev veth0

$ ip -n nst-a route add 10.96.0.0/16 dev veth0 src 10.200.0.1 proto static

$ ip -n nst-a route add default via 10.200.0.2

$ ip -n nst-a route add 10.93.0.0/16 dev veth0 scope host

$ ip -n nst-a route add blackhole 10.50.0.0/16

$ ip -n nst-a route add unreachable 10.51.0.0/16

$ ip -n nst-a route add prohibit 10.52.0.0/16 metric 5

$ ip -n nst-a route add broadcast 10.54.0.255 dev veth0

$ ip -n nst-a route add 10.60.0.0/24 dev veth0 table 100

$ ip -n nst-a route add 10.61.0.1 dev veth0 table 100

$ ip -n nst-a route add 10.62.0.0/24 via 10.200.0.2 table main

$ ip -n nst-a route add 10.63.0.0/24 dev veth0 proto kernel

$ ip -n nst-a route add 10.64.0.0/24 dev veth0 proto boot

$ ip -n nst-a route add unicast 10.67.0.0/24 dev veth0

$ ip -n nst-a route add 10.68.0.0/24 dev veth0 table 5000

$ ip -n nst-a route add 10.69.0.0/16 via 10.200.0.2 src 10.200.0.1 metric 7

$ ip -n nst-a route add 10.99.0.0/16 dev veth0 tos 0x10

$ ip -n nst-a route
default via 10.200.0.2 dev veth0 
blackhole 10.50.0.0/16 
unreachable 10.51.0.0/16 
prohibit 10.52.0.0/16 metric 5 
10.62.0.0/24 via 10.200.0.2 dev veth0 
10.63.0.0/24 dev veth0 proto kernel scope link 
10.64.0.0/24 dev veth0 scope link 
10.67.0.0/24 dev veth0 scope link 
10.69.0.0/16 via 10.200.0.2 dev veth0 src 10.200.0.1 metric 7 
10.93.0.0/16 dev veth0 scope host 
10.96.0.0/16 dev veth0 proto static scope link src 10.200.0.1 
10.97.0.0/16 dev veth0 scope link 
10.98.0.0/16 via 10.200.0.2 dev veth0 metric 50 
10.98.0.0/16 via 10.200.0.2 dev veth0 metric 100 
10.99.0.0/16 tos 0x10 dev veth0 scope link 
10.99.0.0/16 via 10.200.0.2 dev veth0 
10.200.0.0/24 dev veth0 proto kernel scope link src 10.200.0.1 

$ ip -n nst-a r s
default via 10.200.0.2 dev veth0 
blackhole 10.50.0.0/16 
unreachable 10.51.0.0/16 
prohibit 10.52.0.0/16 metric 5 
10.62.0.0/24 via 10.200.0.2 dev veth0 
10.63.0.0/24 dev veth0 proto kernel scope link 
10.64.0.0/24 dev veth0 scope link 
10.67.0.0/24 dev veth0 scope link 
10.69.0.0/16 via 10.200.0.2 dev veth0 src 10.200.0.1 metric 7 
10.93.0.0/16 dev veth0 scope host 
10.96.0.0/16 dev veth0 proto static scope link src 10.200.0.1 
10.97.0.0/16 dev veth0 scope link 
10.98.0.0/16 via 10.200.0.2 dev veth0 metric 50 
10.98.0.0/16 via 10.200.0.2 dev veth0 metric 100 
10.99.0.0/16 tos 0x10 dev veth0 scope link 
10.99.0.0/16 via 10.200.0.2 dev veth0 
10.200.0.0/24 dev veth0 proto kernel scope link src 10.200.0.1 

$ ip -n nst-a route list table main
default via 10.200.0.2 dev veth0 
blackhole 10.50.0.0/16 
unreachable 10.51.0.0/16 
prohibit 10.52.0.0/16 metric 5 
10.62.0.0/24 via 10.200.0.2 dev veth0 
10.63.0.0/24 dev veth0 proto kernel scope link 
10.64.0.0/24 dev veth0 scope link 
10.67.0.0/24 dev veth0 scope link 
10.69.0.0/16 via 10.200.0.2 dev veth0 src 10.200.0.1 metric 7 
10.93.0.0/16 dev veth0 scope host 
10.96.0.0/16 dev veth0 proto static scope link src 10.200.0.1 
10.97.0.0/16 dev veth0 scope link 
10.98.0.0/16 via 10.200.0.2 dev veth0 metric 50 
10.98.0.0/16 via 10.200.0.2 dev veth0 metric 100 
10.99.0.0/16 tos 0x10 dev veth0 scope link 
10.99.0.0/16 via 10.200.0.2 dev veth0 
10.200.0.0/24 dev veth0 proto kernel scope link src 10.200.0.1 

$ ip -n nst-a route show table local
broadcast 10.54.0.255 dev veth0 scope link 
local 10.200.0.1 dev veth0 proto kernel scope host src 10.200.0.1 
broadcast 10.200.0.255 dev veth0 proto kernel scope link src 10.200.0.1 
local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 
local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 
broadcast 127.255.255.255 dev lo proto kernel scope link src 127.0.0.1 

$ ip -n nst-a route show table 100
10.60.0.0/24 dev veth0 scope link 
10.61.0.1 dev veth0 scope link 

$ ip -n nst-a route show table all
10.60.0.0/24 dev veth0 table 100 scope link 
10.61.0.1 dev veth0 table 100 scope link 
10.68.0.0/24 dev veth0 table 5000 scope link 
default via 10.200.0.2 dev veth0 
blackhole 10.50.0.0/16 
unreachable 10.51.0.0/16 
prohibit 10.52.0.0/16 metric 5 
10.62.0.0/24 via 10.200.0.2 dev veth0 
10.63.0.0/24 dev veth0 proto kernel scope link 
10.64.0.0/24 dev veth0 scope link 
10.67.0.0/24 dev veth0 scope link 
10.69.0.0/16 via 10.200.0.2 dev veth0 src 10.200.0.1 metric 7 
10.93.0.0/16 dev veth0 scope host 
10.96.0.0/16 dev veth0 proto static scope link src 10.200.0.1 
10.97.0.0/16 dev veth0 scope link 
10.98.0.0/16 via 10.200.0.2 dev veth0 metric 50 
10.98.0.0/16 via 10.200.0.2 dev veth0 metric 100 
10.99.0.0/16 tos 0x10 dev veth0 scope link 
10.99.0.0/16 via 10.200.0.2 dev veth0 
10.200.0.0/24 dev veth0 proto kernel scope link src 10.200.0.1 
broadcast 10.54.0.255 dev veth0 table local scope link 
local 10.200.0.1 dev veth0 table local proto kernel scope host src 10.200.0.1 
broadcast 10.200.0.255 dev veth0 table local proto kernel scope link src 10.200.0.1 
local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1 
local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 
broadcast 127.255.255.255 dev lo table local proto kernel scope link src 127.0.0.1 

$ ip -n nst-a route show table 5000
10.68.0.0/24 dev veth0 scope link 

$ ip -n nst-a route show table default
Error: ipv4: FIB table does not exist.
Dump terminated
(exit 2)

$ ip -n nst-a route show table 254
default via 10.200.0.2 dev veth0 
blackhole 10.50.0.0/16 
unreachable 10.51.0.0/16 
prohibit 10.52.0.0/16 metric 5 
10.62.0.0/24 via 10.200.0.2 dev veth0 
10.63.0.0/24 dev veth0 proto kernel scope link 
10.64.0.0/24 dev veth0 scope link 
10.67.0.0/24 dev veth0 scope link 
10.69.0.0/16 via 10.200.0.2 dev veth0 src 10.200.0.1 metric 7 
10.93.0.0/16 dev veth0 scope host 
10.96.0.0/16 dev veth0 proto static scope link src 10.200.0.1 
10.97.0.0/16 dev veth0 scope link 
10.98.0.0/16 via 10.200.0.2 dev veth0 metric 50 
10.98.0.0/16 via 10.200.0.2 dev veth0 metric 100 
10.99.0.0/16 tos 0x10 dev veth0 scope link 
10.99.0.0/16 via 10.200.0.2 dev veth0 
10.200.0.0/24 dev veth0 proto kernel scope link src 10.200.0.1 

$ ip -n nst-a -o route
default via 10.200.0.2 dev veth0 
blackhole 10.50.0.0/16 
unreachable 10.51.0.0/16 
prohibit 10.52.0.0/16 metric 5 
10.62.0.0/24 via 10.200.0.2 dev veth0 
10.63.0.0/24 dev veth0 proto kernel scope link 
10.64.0.0/24 dev veth0 scope link 
10.67.0.0/24 dev veth0 scope link 
10.69.0.0/16 via 10.200.0.2 dev veth0 src 10.200.0.1 metric 7 
10.93.0.0/16 dev veth0 scope host 
10.96.0.0/16 dev veth0 proto static scope link src 10.200.0.1 
10.97.0.0/16 dev veth0 scope link 
10.98.0.0/16 via 10.200.0.2 dev veth0 metric 50 
10.98.0.0/16 via 10.200.0.2 dev veth0 metric 100 
10.99.0.0/16 tos 0x10 dev veth0 scope link 
10.99.0.0/16 via 10.200.0.2 dev veth0 
10.200.0.0/24 dev veth0 proto kernel scope link src 10.200.0.1 

$ ip -n nst-a route show dev veth0
default via 10.200.0.2 
10.62.0.0/24 via 10.200.0.2 
10.63.0.0/24 proto kernel scope link 
10.64.0.0/24 scope link 
10.67.0.0/24 scope link 
10.69.0.0/16 via 10.200.0.2 src 10.200.0.1 metric 7 
10.93.0.0/16 scope host 
10.96.0.0/16 proto static scope link src 10.200.0.1 
10.97.0.0/16 scope link 
10.98.0.0/16 via 10.200.0.2 metric 50 
10.98.0.0/16 via 10.200.0.2 metric 100 
10.99.0.0/16 tos 0x10 scope link 
10.99.0.0/16 via 10.200.0.2 
10.200.0.0/24 proto kernel scope link src 10.200.0.1 

$ ip -n nst-a route show 10.98.0.0/16
10.98.0.0/16 via 10.200.0.2 dev veth0 metric 50 
10.98.0.0/16 via 10.200.0.2 dev veth0 metric 100 

$ ip -n nst-a route get 10.200.0.2
10.200.0.2 dev veth0 src 10.200.0.1 uid 0 
    cache 

$ ip -n nst-a route get 10.99.1.1
10.99.1.1 via 10.200.0.2 dev veth0 src 10.200.0.1 uid 0 
    cache 

$ ip -n nst-a route get 10.200.0.1
local 10.200.0.1 dev lo src 10.200.0.1 uid 0 
    cache <local> 

$ ip -n nst-a route get 127.0.0.5
local 127.0.0.5 dev lo src 127.0.0.1 uid 0 
    cache <local> 

$ ip -n nst-a route get 10.200.0.255
broadcast 10.200.0.255 dev veth0 src 10.200.0.1 uid 0 
    cache <local,brd> 

$ ip -n nst-a route get 255.255.255.255
broadcast 255.255.255.255 dev veth0 src 10.200.0.1 uid 0 
    cache <local,brd> 

$ ip -n nst-a route get 8.8.8.8
8.8.8.8 via 10.200.0.2 dev veth0 src 10.200.0.1 uid 0 
    cache 

$ ip -n nst-a route get 10.50.1.1
RTNETLINK answers: Invalid argument
(exit 2)

$ ip -n nst-a route get 10.51.1.1
RTNETLINK answers: No route to host
(exit 2)

$ ip -n nst-a route get 10.52.1.1
RTNETLINK answers: Permission denied
(exit 2)

$ ip -n nst-a route get 10.96.0.1
10.96.0.1 dev veth0 src 10.200.0.1 uid 0 
    cache 

$ ip -n nst-a route get 10.69.0.1
10.69.0.1 via 10.200.0.2 dev veth0 src 10.200.0.1 uid 0 
    cache 

$ ip -n nst-a route get 10.60.0.1
10.60.0.1 via 10.200.0.2 dev veth0 src 10.200.0.1 uid 0 
    cache 

$ ip -n nst-a route get to 10.200.0.2
10.200.0.2 dev veth0 src 10.200.0.1 uid 0 
    cache 

$ ip -n nst-a -o route get 10.99.1.1
10.99.1.1 via 10.200.0.2 dev veth0 src 10.200.0.1 uid 0 \\    cache 

$ ip -n nst-a -o route get 10.200.0.1
local 10.200.0.1 dev lo src 10.200.0.1 uid 0 \\    cache <local> 

$ ip -n nst-a route replace 10.99.0.0/16 dev veth0

$ ip -n nst-a route replace 10.90.0.0/16 dev veth0

$ ip -n nst-a route
default via 10.200.0.2 dev veth0 
blackhole 10.50.0.0/16 
unreachable 10.51.0.0/16 
prohibit 10.52.0.0/16 metric 5 
10.62.0.0/24 via 10.200.0.2 dev veth0 
10.63.0.0/24 dev veth0 proto kernel scope link 
10.64.0.0/24 dev veth0 scope link 
10.67.0.0/24 dev veth0 scope link 
10.69.0.0/16 via 10.200.0.2 dev veth0 src 10.200.0.1 metric 7 
10.90.0.0/16 dev veth0 scope link 
10.93.0.0/16 dev veth0 scope host 
10.96.0.0/16 dev veth0 proto static scope link src 10.200.0.1 
10.97.0.0/16 dev veth0 scope link 
10.98.0.0/16 via 10.200.0.2 dev veth0 metric 50 
10.98.0.0/16 via 10.200.0.2 dev veth0 metric 100 
10.99.0.0/16 tos 0x10 dev veth0 scope link 
10.99.0.0/16 dev veth0 scope link 
10.200.0.0/24 dev veth0 proto kernel scope link src 10.200.0.1 

$ ip -n nst-a route del 10.99.0.0/16

$ ip -n nst-a route del 10.98.0.0/16

$ ip -n nst-a route del 10.98.0.0/16 metric 50
RTNETLINK answers: No such process
(exit 2)

$ ip -n nst-a route del default

$ ip -n nst-a route del blackhole 10.50.0.0/16

$ ip -n nst-a route del 10.51.0.0/16

$ ip -n nst-a route del 10.60.0.0/24 table 100

$ ip -n nst-a route del 10.61.0.1 dev veth0 table 100

$ ip -n nst-a route show table 100

$ ip -n nst-a route
prohibit 10.52.0.0/16 metric 5 
10.62.0.0/24 via 10.200.0.2 dev veth0 
10.63.0.0/24 dev veth0 proto kernel scope link 
10.64.0.0/24 dev veth0 scope link 
10.67.0.0/24 dev veth0 scope link 
10.69.0.0/16 via 10.200.0.2 dev veth0 src 10.200.0.1 metric 7 
10.90.0.0/16 dev veth0 scope link 
10.93.0.0/16 dev veth0 scope host 
10.96.0.0/16 dev veth0 proto static scope link src 10.200.0.1 
10.97.0.0/16 dev veth0 scope link 
10.98.0.0/16 via 10.200.0.2 dev veth0 metric 100 
10.99.0.0/16 tos 0x10 dev veth0 scope link 
10.200.0.0/24 dev veth0 proto kernel scope link src 10.200.0.1 

$ ip -n nst-a route add 10.200.0.0/24 dev veth0
RTNETLINK answers: File exists
(exit 2)

$ ip -n nst-a route add 10.99.0.0/16 via 10.250.0.1
Error: Nexthop has invalid gateway.
(exit 2)

$ ip -n nst-a route add 10.99.0.0/16
RTNETLINK answers: No such device
(exit 2)

$ ip -n nst-a route add 10.99.0.0/33 dev veth0
Error: any valid prefix is expected rather than "10.99.0.0/33".
(exit 1)

$ ip -n nst-a route add 10.99.0.300/16 dev veth0
Error: any valid prefix is expected rather than "10.99.0.300/16".
(exit 1)

$ ip -n nst-a route add 10.99.0.1/16 dev veth0
Error: Invalid prefix for given prefix length.
(exit 2)

$ ip -n nst-a route add 10.99.0.0/16 dev nosuch0
Cannot find device "nosuch0"
(exit 1)

$ ip -n nst-a route add 10.99.0.0/16 dev veth0 bogus
Error: either "to" is duplicate, or "bogus" is a garbage.
(exit 255)

$ ip -n nst-a route add 10.99.0.0/16 dev veth0 metric abc
Error: argument "abc" is wrong: "metric" value is invalid

(exit 255)

$ ip -n nst-a route add 10.99.0.0/16 dev veth0 table bogus
Error: argument "bogus" is wrong: "table" value is invalid

(exit 255)

$ ip -n nst-a route add 10.99.0.0/16 dev veth0 proto bogus
Error: argument "bogus" is wrong: "protocol" value is invalid

(exit 255)

$ ip -n nst-a route add 10.99.0.0/16 dev veth0 scope bogus
Error: argument "bogus" is wrong: invalid "scope" value

(exit 255)

$ ip -n nst-a route add 10.99.0.0/16 dev veth0 src 10.9.9.9
Error: Invalid prefsrc address.
(exit 2)

$ ip -n nst-a route add 10.99.0.0/16 dev veth0 src bogus
Error: inet address is expected rather than "bogus".
(exit 1)

$ ip -n nst-a route add 10.99.0.0/16 via bogus
Error: inet address is expected rather than "bogus".
(exit 1)

$ ip -n nst-a route add 10.99.0.0/16 dev veth0 via
Command line is not complete. Try option "help"
(exit 255)

$ ip -n nst-a route add 10.99.0.0/16 10.98.0.0/16 dev veth0
Error: either "to" is duplicate, or "10.98.0.0/16" is a garbage.
(exit 255)

$ ip -n nst-a route add 10.99.0.0/16 via 10.200.0.2 dev lo
Error: Nexthop has invalid gateway.
(exit 2)

$ ip -n nst-a route get
need at least a destination address
(exit 1)

$ ip -n nst-a route get bogus
Error: any valid prefix is expected rather than "bogus".
(exit 1)

$ ip -n nst-a route get 10.1.1.1 bogus
Error: inet prefix is expected rather than "bogus".
(exit 1)

$ ip -n nst-a route show table local bogus
Error: any valid prefix is expected rather than "bogus".
(exit 1)

$ ip -n nst-a route show bogus
Error: any valid prefix is expected rather than "bogus".
(exit 1)

$ ip -n nst-a route bogus
Command "bogus" is unknown, try "ip route help".
(exit 255)

$ ip -n nst-a route flush
"ip route flush" requires arguments.
(exit 1)

$ ip -n nst-a route del 10.99.0.0/16 dev nosuch0
Cannot find device "nosuch0"
(exit 1)

$ ip -n nst-a route del 10.98.0.0/16

$ ip -n nst-a route replace 10.99.0.0/16 via 10.250.0.1
Error: Nexthop has invalid gateway.
(exit 2)

$ ip -n nst-a route add blackhole 10.50.0.0/16 dev veth0
Error: Gateway, device and multipath can not be specified for this route type.
(exit 2)

$ ip -n nst-a route add 10.97.0.0/16 dev veth0 metric 1

$ ip -n nst-a route flush dev veth0 table main

$ ip -n nst-a route
prohibit 10.52.0.0/16 metric 5 

$ ip -n nst-a route add 10.97.0.0/16 dev veth0

$ ip -n nst-a link set veth0 down

$ ip -n nst-a route add 10.91.0.0/16 dev veth0
Error: Device for nexthop is not up.
(exit 2)

$ ip -n nst-a route
prohibit 10.52.0.0/16 metric 5 

$ ip -n nst-a route show table local
local 10.200.0.1 dev veth0 proto kernel scope host src 10.200.0.1 
local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 
local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 
broadcast 127.255.255.255 dev lo proto kernel scope link src 127.0.0.1 

$ ip -n nst-a link set veth0 up

$ ip -n nst-a route
prohibit 10.52.0.0/16 metric 5 
10.200.0.0/24 dev veth0 proto kernel scope link src 10.200.0.1 

`;

describe('ip route', () => {
  it('transcript 4.A: missing local table, then lo up', () => {
    const kernel = Kernel.boot({ layers: netstageLayers });
    expect(replay(kernel, T4A)).toBe(T4A);
  });

  it('transcripts 4.B and 4.C (route lines) byte for byte', () => {
    const kernel = boot4B();
    expect(replay(kernel, T4B)).toBe(T4B);
    expect(replay(kernel, T4C)).toBe(T4C);
    expect(SETUP_4B).toContain('veth0');
  });

  it('capture: every route command, type, table and error as ip 6.1 prints it', () => {
    const kernel = Kernel.boot({ layers: netstageLayers });
    replay(kernel, '$ ip netns add nst-a\n$ ip netns add nst-b\n');
    expect(replay(kernel, CAPTURE)).toBe(CAPTURE);
  });

  it('a refused request changes nothing', () => {
    const kernel = boot4B();
    const before = replay(kernel, '$ ip -n rsch-a route show table all\n');
    replay(kernel, '$ ip -n rsch-a route add 10.99.0.0/16 dev veth0 metric abc\n$ ip -n rsch-a route add 10.99.0.0/16 via 10.250.0.1\n');
    expect(replay(kernel, '$ ip -n rsch-a route show table all\n')).toBe(before);
  });

  it('`ip route get 10.0.0.0/24` warns on stderr and answers for the address', () => {
    const kernel = boot4B();
    expect(replay(kernel, '$ ip -n rsch-a route get 10.200.0.0/24\n')).toBe(
      '$ ip -n rsch-a route get 10.200.0.0/24\n10.200.0.0 dev veth0 src 10.200.0.1 uid 0 \n    cache \n' +
        'Warning: /24 as prefix is invalid, only /32 (or none) is supported.\n\n',
    );
  });
});
