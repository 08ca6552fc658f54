import { Kernel } from '@netstage/core-net';
import { describe, expect, it } from 'vitest';
import { netstageLayers } from '../src/index.js';
import { ip, replay } from './ip-replay.js';

/** Random MACs (everything but the fixed 02:00:00:… ones) differ between runs. */
const maskMacs = (s: string): string => s.replace(/link\/ether (?!02:00:00)[0-9a-f:]{17}/g, 'link/ether MAC');

/**
 * Reference §4 B, the `ip link` steps (addresses, traffic and /proc steps belong
 * elsewhere). Its `ip netns list` (oldest first) is left out: on this machine's tmpfs
 * `/run/netns` the order is newest first, which ip-netns.test.ts checks.
 */
const TRANSCRIPT_4B = `
$ ip netns add rsch-a

$ ip netns add rsch-b

$ ip -n rsch-a link set lo up

$ ip -n rsch-b link set lo up

$ ip -n rsch-a link add veth0 address 02:00:00:00:0a:01 type veth peer name veth1 address 02:00:00:00:0b:01 netns rsch-b

$ ip -n rsch-a -o link
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
2: veth0@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns rsch-b

$ ip -n rsch-a link set veth0 up

$ ip -n rsch-b link set veth1 up

$ ip -n rsch-a -o link
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
2: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns rsch-b

$ ip -n rsch-b -o link
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
2: veth1@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 02:00:00:00:0b:01 brd ff:ff:ff:ff:ff:ff link-netns rsch-a

$ ip -n rsch-a link
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
2: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000
    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns rsch-b
`;

/** Reference §4 C, the \`ip link\` and \`ip netns\` steps (run after §4 B's set-up). */
const TRANSCRIPT_4C = `
$ ip netns add rsch-a
Cannot create namespace file "/run/netns/rsch-a": File exists
(exit 1)

[errno: netlink none; fs: openat(AT_FDCWD, "/run/netns/rsch-a", O_RDONLY|O_CREAT|O_EXCL, 000) = -1 EEXIST (File exists)]

$ ip netns del rsch-nosuch
Cannot remove namespace file "/run/netns/rsch-nosuch": No such file or directory
(exit 1)

[errno: netlink none; fs: unlink("/run/netns/rsch-nosuch")        = -1 ENOENT (No such file or directory)]

$ ip netns exec rsch-nosuch true
Cannot open network namespace "rsch-nosuch": No such file or directory
(exit 255)

[errno: netlink none; fs: openat(AT_FDCWD, "/run/netns/rsch-nosuch", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)]

$ ip -n rsch-a link set lo netns rsch-b
Error: The interface netns is immutable.
(exit 2)

[errno: netlink error=-EINVAL; fs: none]

$ ip -n rsch-a link del lo
RTNETLINK answers: Operation not supported
(exit 2)

[errno: netlink error=-EOPNOTSUPP; fs: none]

$ ip -n rsch-a link del nosuch0
Cannot find device "nosuch0"
(exit 1)

[errno: netlink error=-ENODEV; fs: none]

$ ip -n rsch-a link set nosuch0 up
Cannot find device "nosuch0"
(exit 1)

[errno: netlink error=-ENODEV; fs: none]

$ ip -n rsch-a link add veth0 type veth peer name vethq
RTNETLINK answers: File exists
(exit 2)

[errno: netlink error=-EEXIST; fs: none]

$ ip -n rsch-a link set veth0 netns rsch-nosuch
Error: argument "rsch-nosuch" is wrong: Invalid "netns" value

(exit 255)

[errno: netlink error=-ENODEV; fs: openat(AT_FDCWD, "/run/netns/rsch-nosuch", O_RDONLY) = -1 ENOENT (No such file or directory)]

$ ip -n rsch-a link set veth0 name abcdefghijklmnopq
Error: argument "abcdefghijklmnopq" is wrong: "name" not a valid ifname
(exit 255)

[errno: netlink error=-ENODEV; fs: none]

`;

/** Reference §4 D, every \`ip link\` step (the \`ip addr\` steps belong to \`ip addr\`'s tests). */
const TRANSCRIPT_4D = `
$ ip -n rsch-a link add mv0 type veth peer name mv0peer

$ ip -n rsch-b link add mv0 type veth peer name mvx

$ ip -n rsch-a -o link
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
2: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns rsch-b
3: mv0peer@mv0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether c2:4c:16:b1:b5:b1 brd ff:ff:ff:ff:ff:ff
4: mv0@mv0peer: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether e6:a3:95:f3:e0:9c brd ff:ff:ff:ff:ff:ff

$ ip -n rsch-b -o link
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
2: veth1@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 02:00:00:00:0b:01 brd ff:ff:ff:ff:ff:ff link-netns rsch-a
3: mvx@mv0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether 66:9e:2a:f8:a6:a8 brd ff:ff:ff:ff:ff:ff
4: mv0@mvx: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether da:a9:5f:af:a8:de brd ff:ff:ff:ff:ff:ff

$ ip -n rsch-a link set mv0 netns rsch-b
Error: An interface with the same name exists in the target netns.
(exit 2)

[errno: netlink error=-EEXIST; fs: none]

$ ip -n rsch-a link set mv0 netns rsch-b name mv9

$ ip -n rsch-b -o link show mv9
5: mv9@if3: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether e6:a3:95:f3:e0:9c brd ff:ff:ff:ff:ff:ff link-netns rsch-a

$ ip -n rsch-b link set mvx netns rsch-a

$ ip -n rsch-a -o link
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
2: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns rsch-b
3: mv0peer@if5: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether c2:4c:16:b1:b5:b1 brd ff:ff:ff:ff:ff:ff link-netns rsch-b
5: mvx@if4: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether 66:9e:2a:f8:a6:a8 brd ff:ff:ff:ff:ff:ff link-netns rsch-b

$ ip -n rsch-a link set mv0peer up

$ ip -n rsch-a link set mv0peer netns rsch-b

$ ip -n rsch-b -o link
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
2: veth1@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 02:00:00:00:0b:01 brd ff:ff:ff:ff:ff:ff link-netns rsch-a
3: mv0peer@mv9: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether c2:4c:16:b1:b5:b1 brd ff:ff:ff:ff:ff:ff
4: mv0@if5: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether da:a9:5f:af:a8:de brd ff:ff:ff:ff:ff:ff link-netns rsch-a
5: mv9@mv0peer: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether e6:a3:95:f3:e0:9c brd ff:ff:ff:ff:ff:ff

$ ip -n rsch-a link add k0 type veth peer name k1

$ ip -n rsch-a -o link show k0
7: k0@k1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether 66:80:6c:1d:38:7b brd ff:ff:ff:ff:ff:ff

$ ip -n rsch-a link set k0 netns rsch-b

$ ip -n rsch-b -o link show k0
7: k0@if6: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether 66:80:6c:1d:38:7b brd ff:ff:ff:ff:ff:ff link-netns rsch-a

$ ip -n rsch-a link del k1

$ ip -n rsch-b link del mv9

$ ip -n rsch-a link del mvx

$ ip -n rsch-a -o link
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
2: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns rsch-b

$ ip -n rsch-b -o link
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
2: veth1@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 02:00:00:00:0b:01 brd ff:ff:ff:ff:ff:ff link-netns rsch-a

$ ip -n rsch-a netns list-id
nsid 0 (iproute2 netns name: rsch-b)
`;

/**
 * Captured on this machine (iproute2 6.1.0, kernel 6.18) with `ip -n nst-a …` after
 * `ip netns add nst-a; ip netns add nst-b` (IPv6 off) and
 * `ip -n nst-a link add veth0 address 02:00:00:00:0a:01 type veth peer name veth1
 * address 02:00:00:00:0b:01 netns nst-b`, before anything was brought up.
 */
const CAPTURE_FRESH_VETH = `
$ ip -n nst-a -br link
lo               DOWN           00:00:00:00:00:00 <LOOPBACK> 
veth0@if2        DOWN           02:00:00:00:0a:01 <BROADCAST,MULTICAST> 

$ ip -n nst-a -s link
1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    RX:  bytes packets errors dropped  missed   mcast           
             0       0      0       0       0       0 
    TX:  bytes packets errors dropped carrier collsns           
             0       0      0       0       0       0 
2: veth0@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000
    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns nst-b
    RX:  bytes packets errors dropped  missed   mcast           
             0       0      0       0       0       0 
    TX:  bytes packets errors dropped carrier collsns           
             0       0      0       0       0       0 

$ ip -n nst-a -s -s link show lo
1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    RX:  bytes packets errors dropped  missed   mcast           
             0       0      0       0       0       0 
    RX errors:  length    crc   frame    fifo overrun
                     0      0       0       0       0 
    TX:  bytes packets errors dropped carrier collsns           
             0       0      0       0       0       0 
    TX errors: aborted   fifo  window heartbt transns
                     0      0       0       0       0 

$ ip -n nst-a -d link
1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity 0  allmulti 0 minmtu 0 maxmtu 0 addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 tso_max_size 524280 tso_max_segs 65535 gro_max_size 65536 
2: veth0@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000
    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns nst-b promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 
    veth addrgenmode eui64 numtxqueues 2 numrxqueues 2 gso_max_size 65536 gso_max_segs 65535 tso_max_size 524280 tso_max_segs 65535 gro_max_size 65536 

$ ip -n nst-a -d -o link
1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity 0  allmulti 0 minmtu 0 maxmtu 0 addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 tso_max_size 524280 tso_max_segs 65535 gro_max_size 65536 
2: veth0@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns nst-b promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 \\    veth addrgenmode eui64 numtxqueues 2 numrxqueues 2 gso_max_size 65536 gso_max_segs 65535 tso_max_size 524280 tso_max_segs 65535 gro_max_size 65536 

$ ip -n nst-a link set lo up

$ ip -n nst-a -s -o link show lo
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\\    RX:  bytes packets errors dropped  missed   mcast           \\             0       0      0       0       0       0 \\    TX:  bytes packets errors dropped carrier collsns           \\             0       0      0       0       0       0 

$ ip -n nst-a -br -s link show lo
lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> 

$ ip -n nst-a l s lo up

$ ip -n nst-a link add k0 type veth peer name k1

$ ip -n nst-a -d link show k0
4: k0@k1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000
    link/ether ba:d0:c1:14:34:70 brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 
    veth addrgenmode eui64 numtxqueues 2 numrxqueues 2 gso_max_size 65536 gso_max_segs 65535 tso_max_size 524280 tso_max_segs 65535 gro_max_size 65536 

$ ip -n nst-a link show dev k1
3: k1@k0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000
    link/ether 1a:01:21:a9:70:31 brd ff:ff:ff:ff:ff:ff

$ ip -n nst-a -0 link show up
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
`;

/**
 * Argument and kernel errors of `ip link`, captured on this machine (iproute2 6.1.0,
 * kernel 6.18) in nst-a holding veth0 (peer veth1 in nst-b).
 */
const CAPTURE_LINK_ERRORS = `
$ ip -n nst-a link show nosuch
Device "nosuch" does not exist.
(exit 1)

$ ip -n nst-a link show dev
Command line is not complete. Try option "help"
(exit 255)

$ ip -n nst-a link show lo extra
Error: either "dev" is duplicate, or "extra" is a garbage.
(exit 255)

$ ip -n nst-a link add
Not enough information: "type" argument is required
(exit 1)

$ ip -n nst-a link add x0
Not enough information: "type" argument is required
(exit 1)

$ ip -n nst-a link add x0 type bogus
Error: Unknown device type.
(exit 2)

$ ip -n nst-a link add x0 type veth peer name
Command line is not complete. Try option "help"
(exit 255)

$ ip -n nst-a link add x0 type veth peer name y0 netns nst-nosuch
Error: argument "nst-nosuch" is wrong: Invalid "netns" value

(exit 255)

$ ip -n nst-a link add x0 mtu abc type veth
Error: argument "abc" is wrong: Invalid "mtu" value

(exit 255)

$ ip -n nst-a link add x0 address zz type veth
"zz" is invalid lladdr.
(exit 1)

$ ip -n nst-a link add abcdefghijklmnopq type veth
Error: Attribute failed policy validation.
(exit 2)

$ ip -n nst-a link add x0 type veth peer name veth0
RTNETLINK answers: File exists
(exit 2)

$ ip -n nst-a link set
Not enough information: "dev" argument is required.
(exit 255)

$ ip -n nst-a link set veth0

$ ip -n nst-a link set veth0 foo
Error: either "dev" is duplicate, or "foo" is a garbage.
(exit 255)

$ ip -n nst-a link set veth0 mtu
Command line is not complete. Try option "help"
(exit 255)

$ ip -n nst-a link set veth0 mtu abc
Error: argument "abc" is wrong: Invalid "mtu" value

(exit 255)

$ ip -n nst-a link set veth0 mtu 10
Error: mtu less than device minimum.
(exit 2)

$ ip -n nst-a link set veth0 mtu 70000
Error: mtu greater than device maximum.
(exit 2)

$ ip -n nst-a link set veth0 address zz
"zz" is invalid lladdr.
(exit 1)

$ ip -n nst-a link set veth0 address ff:ff:ff:ff:ff:ff
RTNETLINK answers: Cannot assign requested address
(exit 2)

$ ip -n nst-a link set veth0 name lo
RTNETLINK answers: File exists
(exit 2)

$ ip -n nst-a link set veth0 netns 999999
RTNETLINK answers: No such process
(exit 2)

$ ip -n nst-a link set veth0 up down

$ ip -n nst-a link del
Not enough information: "dev" argument is required.
(exit 255)

$ ip -n nst-a link del veth0 extra
Error: either "dev" is duplicate, or "extra" is a garbage.
(exit 255)

$ ip -n nst-a link delete dev nosuch
Cannot find device "nosuch"
(exit 1)

$ ip -n nst-a link foo
Command "foo" is unknown, try "ip link help".
(exit 255)

$ ip -n nst-a link add x0 type veth peer

$ ip -n nst-a -o link
1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
2: veth0@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns nst-b
3: veth1@x0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether fe:18:cd:a1:36:e1 brd ff:ff:ff:ff:ff:ff
4: x0@veth1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether 5e:f5:de:d0:03:9f brd ff:ff:ff:ff:ff:ff
`;

function bootNst(): Kernel {
  const kernel = Kernel.boot({ layers: netstageLayers });
  replay(kernel, `
$ ip netns add nst-a

$ ip netns add nst-b

$ ip -n nst-a link add veth0 address 02:00:00:00:0a:01 type veth peer name veth1 address 02:00:00:00:0b:01 netns nst-b
`);
  return kernel;
}

describe('ip link, against the reference transcripts', () => {
  it('4.B: a veth pair across two namespaces, fixed MACs, link-netns and @ifN', () => {
    const kernel = Kernel.boot({ layers: netstageLayers });
    replay(kernel, TRANSCRIPT_4B);
  });

  it('4.C: link and netns errors, message and status', () => {
    const kernel = Kernel.boot({ layers: netstageLayers });
    replay(kernel, TRANSCRIPT_4B);
    replay(kernel, TRANSCRIPT_4C);
  });

  it('4.D: moves (name collision, rename-on-move, ifindex rules), every ip -o link line', () => {
    const kernel = Kernel.boot({ layers: netstageLayers });
    replay(kernel, TRANSCRIPT_4B);
    replay(kernel, TRANSCRIPT_4D, maskMacs);
  });
});

describe('ip link, against captures of iproute2 6.1 on this machine', () => {
  it('-br, -s, -s -s, -d, -d -o, -s -o, show up, dev, same-namespace peers', () => {
    replay(bootNst(), CAPTURE_FRESH_VETH, maskMacs);
  });

  it('argument errors and kernel errors; nothing changes on error', () => {
    replay(bootNst(), CAPTURE_LINK_ERRORS, maskMacs);
  });

  it('dummy devices: add, -d kind line, del (no dummy module here: shape from veth captures)', () => {
    const kernel = bootNst();
    expect(ip(kernel, 'ip -n nst-a link add d0 address 02:00:00:00:0d:01 type dummy').status).toBe(0);
    expect(ip(kernel, 'ip -n nst-a -d link show d0').stdout).toBe(
      '3: d0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n' +
        '    link/ether 02:00:00:00:0d:01 brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 0 maxmtu 0 \n' +
        '    dummy addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 tso_max_size 524280 tso_max_segs 65535 gro_max_size 65536 \n',
    );
    expect(ip(kernel, 'ip -n nst-a link del d0').status).toBe(0);
    expect(ip(kernel, 'ip -n nst-a link show d0').stderr).toBe('Device "d0" does not exist.\n');
  });

  it('link set combinations: down, rename, mtu and address in one request', () => {
    const kernel = bootNst();
    const r = ip(kernel, 'ip -n nst-a link set dev veth0 down name vv0 mtu 1400 address 02:00:00:00:0a:09');
    expect(r).toEqual({ stdout: '', stderr: '', status: 0 });
    expect(ip(kernel, 'ip -n nst-a -br link show vv0').stdout).toBe(
      'vv0@if2          DOWN           02:00:00:00:0a:09 <BROADCAST,MULTICAST> \n',
    );
    expect(ip(kernel, 'ip -n nst-a link show vv0').stdout).toContain('mtu 1400 ');
  });

  it('link-netnsid N when the peer namespace has no /run/netns name', () => {
    const kernel = bootNst();
    const anon = kernel.initTask.fork();
    anon.unshare({ net: true });
    expect(ip(kernel, `ip -n nst-b link add p0 type veth peer name p1 netns ${anon.pid}`).status).toBe(0);
    expect(ip(kernel, 'ip -n nst-b -o link show p0').stdout).toMatch(/^3: p0@if2: .* link-netnsid 0\n$/);
    expect(ip(kernel, 'ip -n nst-b -o link show veth1').stdout).toMatch(/ link-netns nst-a\n$/);
    expect(ip(kernel, 'ip -n nst-b netns list-id').stdout).toBe('nsid 0 \nnsid 1 (iproute2 netns name: nst-a)\n');
    anon.exit();
  });
});
