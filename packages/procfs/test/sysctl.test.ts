// The sysctl command against procps-ng 4.0.2 on Linux 6.18: every expected stdout, stderr
// and status below was captured by running /usr/sbin/sysctl inside a scratch namespace
// (`ip netns exec nst-s sysctl ...`), with the namespace's values set as each test sets them.
import { describe, expect, it } from 'vitest';
import { sysctl } from '../src/index.js';
import { world } from './support.js';

const USAGE = `
Usage:
 sysctl [options] [variable[=value] ...]

Options:
  -a, --all            display all variables
  -A                   alias of -a
  -X                   alias of -a
      --deprecated     include deprecated parameters to listing
      --dry-run        Print the key and values but do not write
  -b, --binary         print value without new line
  -e, --ignore         ignore unknown variables errors
  -N, --names          print variable names without values
  -n, --values         print only values of the given variable(s)
  -p, --load[=<file>]  read values from file
  -f                   alias of -p
      --system         read values from all system directories
  -r, --pattern <expression>
                       select setting that match expression
  -q, --quiet          do not echo variable set
  -w, --write          enable writing a value to variable
  -o                   does nothing
  -x                   does nothing
  -d                   alias of -h

 -h, --help     display this help and exit
 -V, --version  output version information and exit

For more details see sysctl(8).
`;

const NOSUCH = 'sysctl: cannot stat /proc/sys/net/ipv4/nosuch: No such file or directory\n';
const EINVAL_FWD = 'sysctl: setting key "net.ipv4.ip_forward": Invalid argument\n';
const NOVARS = "sysctl: no variables specified\nTry `sysctl --help' for more information.\n";

/** [argv, stdout, stderr, status], each run with ip_forward 0 in nst-s beforehand. */
const CASES: readonly (readonly [readonly string[], string, string, number])[] = [
  [['net.ipv4.ip_forward'], 'net.ipv4.ip_forward = 0\n', '', 0],
  [['net/ipv4/ip_forward'], 'net.ipv4.ip_forward = 0\n', '', 0],
  [['-n', 'net.ipv4.ip_forward'], '0\n', '', 0],
  [['--values', 'net.ipv4.ip_forward'], '0\n', '', 0],
  [['-b', 'net.ipv4.ip_forward'], '0', '', 0],
  [['-N', 'net.ipv4.ip_forward'], 'net.ipv4.ip_forward\n', '', 0],
  [['--na', 'net.unix'], 'net.unix.max_dgram_qlen\n', '', 0],
  [['-x', 'net.ipv4.ip_forward'], 'net.ipv4.ip_forward = 0\n', '', 0],
  [['-q', 'net.ipv4.ip_forward'], 'net.ipv4.ip_forward = 0\n', '', 0],
  [['net.ipv4.nosuch'], '', NOSUCH, 1],
  [['-q', 'net.ipv4.nosuch'], '', NOSUCH, 1],
  [['-e', 'net.ipv4.nosuch'], '', '', 0],
  [['--ignore', 'net.nope'], '', '', 0],
  [['-w', 'net.ipv4.ip_forward=1'], 'net.ipv4.ip_forward = 1\n', '', 0],
  [['net.ipv4.ip_forward=1'], 'net.ipv4.ip_forward = 1\n', '', 0],
  [['-w', 'net/ipv4/ip_forward=0'], 'net.ipv4.ip_forward = 0\n', '', 0],
  [['-w', 'net.ipv4.ip_forward = 1'], 'net.ipv4.ip_forward = 1\n', '', 0],
  [['-w', ' net.ipv4.ip_forward=1'], 'net.ipv4.ip_forward = 1\n', '', 0],
  [['-w', 'net.ipv4.ip_forward=1 2'], 'net.ipv4.ip_forward = 1 2\n', '', 0],
  [['-q', '-w', 'net.ipv4.ip_forward=1'], '', '', 0],
  [['-wq', 'net.ipv4.ip_forward=1'], '', '', 0],
  [['-n', '-w', 'net.ipv4.ip_forward=1'], '1\n', '', 0],
  [['-b', '-w', 'net.ipv4.ip_forward=1'], '1', '', 0],
  [['-N', '-w', 'net.ipv4.ip_forward=1'], '1\n', '', 0],
  [['--dry-run', '-q', '-w', 'net.ipv4.ip_forward=5'], 'net.ipv4.ip_forward = 5\n', '', 0],
  [['-w', 'net.ipv4.ip_forward=x'], '', EINVAL_FWD, 1],
  [['-e', '-w', 'net.ipv4.ip_forward=x'], '', EINVAL_FWD, 1],
  [['-w', 'net.ipv4.ip_forward='], '', EINVAL_FWD, 1],
  [['-w', 'net.ipv4.ip_forward=1=2'], '', EINVAL_FWD, 1],
  [['-w', 'net.ipv4.ip_forward==1'], '', EINVAL_FWD, 1],
  [['-w', '--', '-net.ipv4.ip_forward'], '', EINVAL_FWD, 1],
  [['-w', 'net.core.somaxconn=-1'], '', 'sysctl: setting key "net.core.somaxconn": Invalid argument\n', 1],
  [['-w', 'net.ipv4.ip_forward'], '', 'sysctl: command line(0): invalid syntax, continuing...\n', 1],
  [['-w', 'ab'], '', 'sysctl: command line(0): invalid syntax, continuing...\n', 1],
  [['-w', ''], '', '', 1],
  [['-w', 'a'], '', '', 1],
  [['-w', '#a=1'], '', '', 1],
  [['-w', ';a=1'], '', '', 1],
  [['-w', 'net.ipv4.nosuch=1'], '', NOSUCH, 1],
  [['-q', '-w', 'net.ipv4.nosuch=1'], '', NOSUCH, 1],
  [['-e', '-w', 'net.ipv4.nosuch=1'], '', '', 0],
  [['-w', '=1'], '', 'sysctl: Path is not under /proc/sys/: /proc/sys/\n', 1],
  [['-w', 'net.ipv4=1'], '', 'sysctl: setting key "net.ipv4": Invalid argument\n', 0],
  [['-q', '-w', 'net.ipv4=1'], '', 'sysctl: setting key "net.ipv4": Invalid argument\n', 0],
  [
    ['-w', 'net.ipv4.conf.lo=1', 'net.x=1'],
    '',
    'sysctl: setting key "net.ipv4.conf.lo": Invalid argument\nsysctl: cannot stat /proc/sys/net/x: No such file or directory\n',
    1,
  ],
  [['net.ipv4.ip_local_port_range'], 'net.ipv4.ip_local_port_range = 32768\t60999\n', '', 0],
  [['-w', 'net.ipv4.ip_local_port_range=40000 50000'], 'net.ipv4.ip_local_port_range = 40000 50000\n', '', 0],
  [['-w', 'net.ipv4.ip_local_port_range=40000\t50001'], 'net.ipv4.ip_local_port_range = 40000\t50001\n', '', 0],
  [['net.ipv4.ip_local_port_range= 40002   50002 '], 'net.ipv4.ip_local_port_range = 40002   50002\n', '', 0],
  [['-w', 'net.ipv4.icmp_ratelimit=1001'], 'net.ipv4.icmp_ratelimit = 1001\n', '', 0],
  [['-w', 'net.ipv4.ping_group_range=10 5'], 'net.ipv4.ping_group_range = 10 5\n', '', 0],
  [['net.unix'], 'net.unix.max_dgram_qlen = 10\n', '', 0],
  [['net/unix'], 'net.unix.max_dgram_qlen = 10\n', '', 0],
  [['-n', 'net.unix'], '10\n', '', 0],
  [['net.ipv4.conf.lo.forwarding', 'net.core.somaxconn'], 'net.ipv4.conf.lo.forwarding = 0\nnet.core.somaxconn = 4096\n', '', 0],
  [['net.ipv4.ip_forward', 'net.ipv4.nosuch', 'net.core.somaxconn'], 'net.ipv4.ip_forward = 0\nnet.core.somaxconn = 4096\n', NOSUCH, 1],
  [['-e', 'net.ipv4.ip_forward', 'net.ipv4.nosuch', 'net.core.somaxconn'], 'net.ipv4.ip_forward = 0\nnet.core.somaxconn = 4096\n', '', 0],
  [
    ['-w', 'net.ipv4.ip_forward=1', 'net.ipv4.nosuch=1', 'net.core.somaxconn=x', 'net.unix.max_dgram_qlen=11'],
    'net.ipv4.ip_forward = 1\nnet.unix.max_dgram_qlen = 11\n',
    `${NOSUCH}sysctl: setting key "net.core.somaxconn": Invalid argument\n`,
    1,
  ],
  [['-w', 'net.ipv4.ip_forward=1', 'net.core.somaxconn'], 'net.ipv4.ip_forward = 1\n', 'sysctl: command line(0): invalid syntax, continuing...\n', 1],
  [['net.core.somaxconn', 'net.ipv4.ip_forward=0'], 'net.core.somaxconn = 4096\nnet.ipv4.ip_forward = 0\n', '', 0],
  [['net.ipv4.ip_forward', '-n', 'net.core.somaxconn'], '0\n4096\n', '', 0],
  [['-w', 'net.ipv4.ip_forward=1', '-q', 'net.ipv4.ip_forward=0'], '', '', 0],
  [['-w', 'net.ipv4.ip_forward=0 ', '-w', 'net.ipv4.ip_forward=\t1\t'], 'net.ipv4.ip_forward = 0\nnet.ipv4.ip_forward = 1\n', '', 0],
  [['-w', 'net.ipv4.ip_forward=0', '-e', 'net.x=1'], 'net.ipv4.ip_forward = 0\n', '', 0],
  [['-n', '-b', 'net.unix.max_dgram_qlen', 'net.core.somaxconn'], '104096', '', 0],
  [['-r', 'forw', 'net.ipv4.conf.lo'], 'net.ipv4.conf.lo.forwarding = 0\n', '', 0],
  [['-r', '(', 'net.unix'], '', '', 0],
  [['-r', 'forwarding', '-w', 'net.ipv4.ip_forward=0'], '', '', 1],
  [['-N', '-q', 'net.unix'], '', 'sysctl: options -N and -q cannot coexist\nTry `sysctl --help\' for more information.\n', 1],
  [['', 'net.nosuch'], '', 'sysctl: "" is an unknown key\nsysctl: cannot stat /proc/sys/net/nosuch: No such file or directory\n', 0],
  [
    ['net.a', 'net.b', 'net.c'],
    '',
    'sysctl: cannot stat /proc/sys/net/a: No such file or directory\nsysctl: cannot stat /proc/sys/net/b: No such file or directory\nsysctl: cannot stat /proc/sys/net/c: No such file or directory\n',
    3,
  ],
  [[''], '', 'sysctl: "" is an unknown key\n', 255],
  [['.'], '', 'sysctl: Path is not under /proc/sys/: /proc/sys//\n', 255],
  [['net.ipv4.ip_forward.'], '', 'sysctl: cannot stat /proc/sys/net/ipv4/ip_forward/: Not a directory\n', 1],
  [['net.ipv4.ip_forward/'], '', 'sysctl: cannot stat /proc/sys/net/ipv4/ip_forward.: No such file or directory\n', 1],
  [['net.unix/'], '', 'sysctl: cannot stat /proc/sys/net/unix.: No such file or directory\n', 1],
  [['.net.ipv4.ip_forward'], '.net.ipv4.ip_forward = 0\n', '', 0],
  [['net..ipv4.ip_forward'], 'net..ipv4.ip_forward = 0\n', 'sysctl: separators should not be repeated: ..ipv4.ip_forward\n', 0],
  [
    ['net/unix/../core/somaxconn'],
    'net.unix.//.core.somaxconn = 4096\n',
    'sysctl: separators should not be repeated: /../core/somaxconn\nsysctl: separators should not be repeated: /../core/somaxconn\n',
    0,
  ],
  [['/proc/sys/net/ipv4/ip_forward'], '', 'sysctl: cannot stat /proc/sys//proc/sys/net/ipv4/ip_forward: No such file or directory\n', 1],
  [['kernel.hostname'], '', 'sysctl: cannot stat /proc/sys/kernel/hostname: No such file or directory\n', 1],
  [['-', 'net.unix'], 'net.unix.max_dgram_qlen = 10\n', 'sysctl: cannot stat /proc/sys/-: No such file or directory\n', 1],
  [['--', '-n'], '', 'sysctl: cannot stat /proc/sys/-n: No such file or directory\n', 1],
  [['-w', '--', '-net.nosuch=1'], '', 'sysctl: cannot stat /proc/sys/net/nosuch: No such file or directory\n', 1],
  [['-p/x'], '', 'sysctl: cannot open "/x": No such file or directory\n', 1],
  [['--load=/x', '/y'], '', 'sysctl: cannot open "/x": No such file or directory\nsysctl: cannot open "/y": No such file or directory\n', 1],
  [['-V'], 'sysctl from procps-ng 4.0.2\n', '', 0],
  [['-V', '-Z'], 'sysctl from procps-ng 4.0.2\n', '', 0],
  [['-h'], USAGE, '', 0],
  [['--help'], USAGE, '', 0],
  [['-d'], USAGE, '', 0],
  [['-w', 'net.ipv4.ip_forward=1', '-h'], USAGE, '', 0],
  [['-Z'], USAGE, "sysctl: invalid option -- 'Z'\n", 0],
  [['-Z', '-V'], USAGE, "sysctl: invalid option -- 'Z'\n", 0],
  [['-w', '-net.ipv4.ip_forward=1'], USAGE, "sysctl: invalid option -- 't'\n", 0],
  [['--bogus'], USAGE, "sysctl: unrecognized option '--bogus'\n", 0],
  [['--no'], USAGE, "sysctl: unrecognized option '--no'\n", 0],
  [['--v', 'net.unix'], USAGE, "sysctl: option '--v' is ambiguous; possibilities: '--values' '--version'\n", 0],
  [['--all=x'], USAGE, "sysctl: option '--all' doesn't allow an argument\n", 0],
  [['--write=1'], USAGE, "sysctl: option '--write' doesn't allow an argument\n", 0],
  [['--pattern'], USAGE, "sysctl: option '--pattern' requires an argument\n", 0],
  [['-r'], USAGE, "sysctl: option requires an argument -- 'r'\n", 0],
  [[], '', USAGE, 1],
  [['-w'], '', NOVARS, 1],
  [['-e'], '', NOVARS, 1],
  [['-n'], '', NOVARS, 1],
  [['-o'], '', NOVARS, 1],
];

describe('sysctl, byte for byte against procps-ng 4.0.2 on 6.18', () => {
  it.each(CASES.map((c, i) => [JSON.stringify(c[0]), i] as const))('sysctl %s', (_name, i) => {
    const [argv, stdout, stderr, status] = CASES[i] as (typeof CASES)[number];
    const w = world();
    const { sh } = w.ns('nst-s');
    expect(sysctl(w.kernel, sh, argv)).toEqual({ stdout, stderr, status });
    w.end();
  });

  it('writes reach the namespace and only it; a refused write changes nothing', () => {
    const w = world();
    const { sh } = w.ns('nst-s');
    sysctl(w.kernel, sh, ['-w', 'net.ipv4.ip_local_port_range=40000 50000']);
    expect(w.cat(sh, '/proc/sys/net/ipv4/ip_local_port_range')).toBe('40000\t50000\n');
    expect(sysctl(w.kernel, sh, ['-w', 'net.ipv4.ip_local_port_range=x y']).status).toBe(1);
    expect(w.cat(sh, '/proc/sys/net/ipv4/ip_local_port_range')).toBe('40000\t50000\n');
    expect(sysctl(w.kernel, w.kernel.initTask, ['-n', 'net.ipv4.ip_local_port_range']).stdout).toBe('32768\t60999\n');
    expect(sysctl(w.kernel, sh, ['-n', 'net.ipv4.icmp_ratelimit']).stdout).toBe('1000\n');
    sysctl(w.kernel, sh, ['-w', 'net.ipv4.icmp_ratelimit=1001']);
    expect(sysctl(w.kernel, sh, ['-n', 'net.ipv4.icmp_ratelimit']).stdout).toBe('1004\n');
    expect(sh.fds()).toEqual([]);
    w.end();
  });

  it('a device named with a dot shows as a slash in the key (net.ipv4.conf.v/1.forwarding), as 6.18 + procps print it', () => {
    const w = world();
    const { sh } = w.ns('nst-s');
    w.links.add(sh, { kind: 'dummy', name: 'v.1' });
    expect(sysctl(w.kernel, sh, ['net.ipv4.conf.v/1.forwarding']).stdout).toBe('net.ipv4.conf.v/1.forwarding = 0\n');
    expect(sysctl(w.kernel, sh, ['net/ipv4/conf/v.1/forwarding']).stdout).toBe('net.ipv4.conf.v/1.forwarding = 0\n');
    expect(sysctl(w.kernel, sh, ['net.ipv4.conf.v.1.forwarding'])).toEqual({
      stdout: '',
      stderr: 'sysctl: cannot stat /proc/sys/net/ipv4/conf/v/1/forwarding: No such file or directory\n',
      status: 1,
    });
    expect(sysctl(w.kernel, sh, ['-w', 'net.ipv4.conf.v/1.forwarding=1']).stdout).toBe('net.ipv4.conf.v/1.forwarding = 1\n');
    w.end();
  });

  it('-a, -A, -X and a directory key list netstage\'s keys in directory order', () => {
    const w = world();
    const { sh } = w.ns('nst-s');
    const all = [
      'net.core.somaxconn = 4096',
      'net.ipv4.conf.all.forwarding = 0',
      'net.ipv4.conf.default.forwarding = 0',
      'net.ipv4.conf.lo.forwarding = 0',
      'net.ipv4.icmp_echo_ignore_all = 0',
      'net.ipv4.icmp_ratelimit = 1000',
      'net.ipv4.ip_default_ttl = 64',
      'net.ipv4.ip_forward = 0',
      'net.ipv4.ip_local_port_range = 32768\t60999',
      'net.ipv4.ping_group_range = 1\t0',
      'net.unix.max_dgram_qlen = 10',
    ].join('\n');
    for (const flag of ['-a', '-A', '-X', '--all']) {
      expect(sysctl(w.kernel, sh, [flag])).toEqual({ stdout: `${all}\n`, stderr: '', status: 0 });
    }
    expect(sysctl(w.kernel, sh, ['net'])).toEqual({ stdout: `${all}\n`, stderr: '', status: 0 });
    expect(sysctl(w.kernel, sh, ['-N', '-a']).stdout.split('\n')[0]).toBe('net.core.somaxconn');
    expect(sysctl(w.kernel, sh, ['net.ipv4.conf.lo']).stdout).toBe('net.ipv4.conf.lo.forwarding = 0\n');
    expect(sysctl(w.kernel, sh, ['-r', 'forwarding', '-a']).stdout).toBe(
      'net.ipv4.conf.all.forwarding = 0\nnet.ipv4.conf.default.forwarding = 0\nnet.ipv4.conf.lo.forwarding = 0\n',
    );
    expect(sysctl(w.kernel, sh, ['--system'])).toEqual({ stdout: '', stderr: '', status: 0 });
    // netstage has no /etc/sysctl.conf: procps' message for a missing file (captured with -p/x).
    expect(sysctl(w.kernel, sh, ['-p'])).toEqual({
      stdout: '',
      stderr: 'sysctl: cannot open "/etc/sysctl.conf": No such file or directory\n',
      status: 1,
    });
    w.end();
  });

  it('with net-sysctl-per-ns off a new namespace cannot stat its keys', () => {
    const w = world({ stages: 'net-ns-basic,net-ns-task,net-ns-clone,proc-net-per-ns' });
    const child = w.kernel.initTask.fork();
    child.unshare({ net: true });
    expect(sysctl(w.kernel, child, ['net.ipv4.ip_forward'])).toEqual({
      stdout: '',
      stderr: 'sysctl: cannot stat /proc/sys/net/ipv4/ip_forward: No such file or directory\n',
      status: 1,
    });
    expect(sysctl(w.kernel, child, ['-a'])).toEqual({ stdout: '', stderr: '', status: 0 });
    expect(sysctl(w.kernel, w.kernel.initTask, ['net.ipv4.ip_forward']).stdout).toBe('net.ipv4.ip_forward = 0\n');
    child.exit();
    w.end();
  });
});
