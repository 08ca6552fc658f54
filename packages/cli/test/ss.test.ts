// ss: iproute2 6.1's table over netstage's socket listings, checked against transcript 4.B and
// captures on the reference machine (iproute2 6.1.0, Linux 6.18) in nst-b set up as 4.B, with a
// python listener holding UDP 0.0.0.0:4000, UDP 10.200.0.2:53, UDP 10.200.0.2:34514 connected to
// 10.200.0.1:5000, and AF_UNIX sockets.
import type { Task } from '@netstage/core-net';
import { parseIpv4 } from '@netstage/ipv4';
import { socketLayer, type UdpSocket, type UnixStreamSocket } from '@netstage/sockets';
import { describe, expect, it } from 'vitest';
import { renderSsTable } from '../src/index.js';
import { twoNamespaces } from './veth-pair.js';

function udp(task: Task, local: string, port: number): UdpSocket {
  const layer = socketLayer(task.kernel);
  const s = layer.fdSocket(task, layer.socket(task, 'inet', 'dgram')) as UdpSocket;
  s.bind({ address: parseIpv4(local) ?? 0, port });
  return s;
}

function abstractListener(task: Task, name: string, backlog: number): UnixStreamSocket {
  const layer = socketLayer(task.kernel);
  const s = layer.fdSocket(task, layer.socket(task, 'unix', 'stream')) as UnixStreamSocket;
  s.bind({ kind: 'abstract', name });
  s.listen(backlog);
  return s;
}

// Transcript 4.B: ip netns exec rsch-b ss -tuanx (the TCP rows are left out below: no TCP yet).
const REAL_4B = `Netid State  Recv-Q Send-Q Local Address:Port   Peer Address:Port Process
u_str LISTEN 0      1         @rsch-demo 100502            * 0           
udp   UNCONN 0      0            0.0.0.0:4000        0.0.0.0:*           
tcp   LISTEN 0      5         10.200.0.2:4001        0.0.0.0:*           
tcp   ESTAB  0      0         10.200.0.2:4001     10.200.0.1:40000       
`;

// Captures: the UDP part of the listener (Recv-Q of 0.0.0.0:4000 set to 0 here: the real one
// had two datagrams queued, whose truesize netstage does not reproduce).
const REAL_UAN = `State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
UNCONN 0      0            0.0.0.0:4000       0.0.0.0:*          
UNCONN 0      0         10.200.0.2:53         0.0.0.0:*          
ESTAB  0      0         10.200.0.2:34514   10.200.0.1:5000       
`;
const REAL_UA = `State  Recv-Q Send-Q Local Address:Port   Peer Address:PortProcess
UNCONN 0      0            0.0.0.0:4000        0.0.0.0:*          
UNCONN 0      0         10.200.0.2:domain      0.0.0.0:*          
ESTAB  0      0         10.200.0.2:34514    10.200.0.1:5000       
`;
const REAL_U = `Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
0      0         10.200.0.2:34514   10.200.0.1:5000       
`;
const REAL_UANH = `UNCONN 0      0         0.0.0.0:4000     0.0.0.0:*   
UNCONN 0      0      10.200.0.2:53       0.0.0.0:*   
ESTAB  0      0      10.200.0.2:34514 10.200.0.1:5000
`;
// Captures in a namespace with no sockets.
const REAL_EMPTY_TUANX = 'Netid State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n';
const REAL_EMPTY_U = 'Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n';
const REAL_LTN = 'State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n';

describe('ss', () => {
  it('4.B: ss -tuanx with the UDP listener and @rsch-demo (TCP rows to come with TCP)', () => {
    const { kernel, run } = twoNamespaces();
    const task = kernel.netns.exec('nst-b', kernel.initTask);
    const x = abstractListener(task, 'rsch-demo', 1);
    udp(task, '0.0.0.0', 4000);
    const r = run('ip netns exec nst-b ss -tuanx');
    expect(r.status).toBe(0);
    // Without the TCP rows the peer-port column is narrower (Linux sizes it by its widest field).
    const expected = renderSsTable(
      [
        ['u_str', 'LISTEN', '0     ', '1     ', '@rsch-demo ', '100502', '* ', '0', ''],
        ['udp', 'UNCONN', '0     ', '0     ', '0.0.0.0:', '4000', '0.0.0.0:', '*', ''],
      ],
      { netid: true, state: true, header: true },
    ).replace('100502', String(x.inode));
    expect(r.stdout).toBe(expected);
    expect(r.stdout).toBe(
      'Netid State  Recv-Q Send-Q Local Address:Port   Peer Address:PortProcess\n' +
        `u_str LISTEN 0      1         @rsch-demo ${x.inode}            * 0          \n` +
        'udp   UNCONN 0      0            0.0.0.0:4000        0.0.0.0:*          \n',
    );
    task.exit();
  });

  it('renderSsTable reproduces 4.B byte for byte, TCP rows included', () => {
    const rows = [
      ['u_str', 'LISTEN', '0     ', '1     ', '@rsch-demo ', '100502', '* ', '0', ''],
      ['udp', 'UNCONN', '0     ', '0     ', '0.0.0.0:', '4000', '0.0.0.0:', '*', ''],
      ['tcp', 'LISTEN', '0     ', '5     ', '10.200.0.2:', '4001', '0.0.0.0:', '*', ''],
      ['tcp', 'ESTAB', '0     ', '0     ', '10.200.0.2:', '4001', '10.200.0.1:', '40000', ''],
    ];
    expect(renderSsTable(rows, { netid: true, state: true, header: true })).toBe(REAL_4B);
  });

  it('captures: -uan, -ua (service names), -u (connected only), -uanH', () => {
    const { kernel, run } = twoNamespaces();
    const task = kernel.netns.exec('nst-b', kernel.initTask);
    udp(task, '0.0.0.0', 4000);
    udp(task, '10.200.0.2', 53);
    const c = udp(task, '0.0.0.0', 34514);
    c.connect({ address: parseIpv4('10.200.0.1') ?? 0, port: 5000 });
    const sorted = (t: string): string => {
      const [head, ...rest] = t.split('\n');
      return [head, ...rest.filter((l) => l !== '').sort()].join('\n');
    };
    expect(sorted(run('ip netns exec nst-b ss -uan').stdout)).toBe(sorted(REAL_UAN));
    expect(sorted(run('ip netns exec nst-b ss -ua').stdout)).toBe(sorted(REAL_UA));
    expect(run('ip netns exec nst-b ss -u').stdout).toBe(REAL_U);
    expect(run('ip netns exec nst-b ss -uanH').stdout.split('\n').sort()).toEqual(REAL_UANH.split('\n').sort());
    task.exit();
  });

  it('captures: an empty namespace, -ltn without TCP', () => {
    const { run } = twoNamespaces();
    expect(run('ip netns exec nst-a ss -tuanx')).toEqual({ stdout: REAL_EMPTY_TUANX, stderr: '', status: 0 });
    expect(run('ip netns exec nst-a ss -u').stdout).toBe(REAL_EMPTY_U);
    expect(run('ip netns exec nst-a ss -ltn').stdout).toBe(REAL_LTN);
  });

  it('unix: a connected pair shows ESTAB rows with peer inodes; -x hides listeners, -lx shows them', () => {
    const { kernel, run } = twoNamespaces();
    const task = kernel.netns.exec('nst-b', kernel.initTask);
    const layer = socketLayer(kernel);
    const l = abstractListener(task, 'nst-demo', 1);
    const c = layer.fdSocket(task, layer.socket(task, 'unix', 'stream')) as UnixStreamSocket;
    c.connect({ kind: 'abstract', name: 'nst-demo' });
    const s = l.accept();
    const x = run('ip netns exec nst-b ss -x').stdout;
    expect(x).toContain(`u_str ESTAB 0      0                  * ${c.inode}            * ${s.inode}`);
    expect(x).toContain(`u_str ESTAB 0      0          @nst-demo ${s.inode}            * ${c.inode}`);
    expect(x).not.toContain('LISTEN');
    expect(run('ip netns exec nst-b ss -lx').stdout).toContain(`u_str LISTEN 0      1          @nst-demo ${l.inode}            * 0          \n`);
    task.exit();
  });

  it('captures: bad options', () => {
    const { run } = twoNamespaces();
    const r = run('ip netns exec nst-b ss -X');
    expect(r.status).toBe(255);
    expect(r.stderr.startsWith("ss: invalid option -- 'X'\nUsage: ss [ OPTIONS ]\n")).toBe(true);
    expect(run('ip netns exec nst-b ss -Z -x')).toEqual({ stdout: '', stderr: 'ss: SELinux is not enabled.\n', status: 1 });
    expect(run('ss -V').stdout).toBe('ss utility, iproute2-6.1.0\n');
  });
});
