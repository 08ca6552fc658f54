import { Kernel } from '@netstage/core-net';
import { describe, expect, it } from 'vitest';
import { IP_LINK_USAGE, IP_NETNS_USAGE, IP_USAGE, netstageLayers } from '../src/index.js';
import { ip, replay } from './ip-replay.js';

/**
 * Front-end errors captured on this machine (iproute2 6.1.0, kernel 6.18) with nst-a
 * present and nst-nosuch absent.
 */
const CAPTURE_FRONT_END = `
$ ip foo
Object "foo" is unknown, try "ip help".
(exit 1)

$ ip -x link
Option "-x" is unknown, try "ip -help".
(exit 255)

$ ip -n
Cannot open network namespace "(null)": No such file or directory
(exit 255)

$ ip -n nst-nosuch link
Cannot open network namespace "nst-nosuch": No such file or directory
(exit 255)

$ ip -netns nst-nosuch link
Cannot open network namespace "nst-nosuch": No such file or directory
(exit 255)

$ ip -n nst-a
Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }
       ip [ -force ] -batch filename
where  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp |
                   link | macsec | maddress | monitor | mptcp | mroute | mrule |
                   neighbor | neighbour | netconf | netns | nexthop | ntable |
                   ntbl | route | rule | sr | tap | tcpmetrics |
                   token | tunnel | tuntap | vrf | xfrm }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |
                    -h[uman-readable] | -iec | -j[son] | -p[retty] |
                    -f[amily] { inet | inet6 | mpls | bridge | link } |
                    -4 | -6 | -M | -B | -0 |
                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |
                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |
                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |
                    -c[olor]}
(exit 255)

$ ip l s
Not enough information: "dev" argument is required.
(exit 255)

$ ip -V
ip utility, iproute2-6.1.0, libbpf 1.1.2

$ ip -Version
ip utility, iproute2-6.1.0, libbpf 1.1.2

$ ip -o -n
Cannot open network namespace "(null)": No such file or directory
(exit 255)

$ ip netns foo
Command "foo" is unknown, try "ip netns help".
(exit 255)`;

describe('ip front end (ip/ip.c)', () => {
  it('errors, -n, -V: messages and statuses as captured', () => {
    const kernel = Kernel.boot({ layers: netstageLayers });
    replay(kernel, '$ ip netns add nst-a\n');
    replay(kernel, CAPTURE_FRONT_END.replaceAll('(exit 255)\n\n$ ip -V', '(exit 255)\n\n$ ip -V'));
  });

  it('usage texts on stderr with status 255 (ip, ip help, ip -h, ip OBJECT help, options before help)', () => {
    const kernel = Kernel.boot({ layers: netstageLayers });
    for (const line of ['ip', 'ip help', 'ip -h']) expect(ip(kernel, line)).toEqual({ stdout: '', stderr: IP_USAGE, status: 255 });
    for (const line of ['ip link help', 'ip -s -s -d -o -br link help', 'ip -stat link help']) {
      expect(ip(kernel, line)).toEqual({ stdout: '', stderr: IP_LINK_USAGE, status: 255 });
    }
    expect(ip(kernel, 'ip netns help')).toEqual({ stdout: '', stderr: IP_NETNS_USAGE, status: 255 });
    expect(IP_USAGE.split('\n')[2]).toBe('where  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp |');
    expect(IP_LINK_USAGE.split('\n')).toHaveLength(72);
    expect(IP_NETNS_USAGE).toBe(
      'Usage:\tip netns list\n\tip netns add NAME\n\tip netns attach NAME PID\n\tip netns set NAME NETNSID\n' +
        '\tip [-all] netns delete [NAME]\n\tip netns identify [PID]\n\tip netns pids NAME\n' +
        '\tip [-all] netns exec [NAME] cmd ...\n\tip netns monitor\n' +
        '\tip netns list-id [target-nsid POSITIVE-INT] [nsid POSITIVE-INT]\nNETNSID := auto | POSITIVE-INT\n',
    );
  });

  it('abbreviations pick the first object and command in iproute2 order', () => {
    const kernel = Kernel.boot({ layers: netstageLayers });
    const full = ip(kernel, 'ip link show').stdout;
    for (const line of ['ip l', 'ip li', 'ip l sh', 'ip link lst', 'ip link list', 'ip -0 l', 'ip -4 link']) expect(ip(kernel, line).stdout).toBe(full);
    expect(ip(kernel, 'ip --oneline l').stdout).toBe(ip(kernel, 'ip -o link').stdout);
    expect(ip(kernel, 'ip net').status).toBe(0);
    expect(ip(kernel, 'ip rul').stderr).toBe('Object "rul" is unknown, try "ip help".\n');
  });
});
