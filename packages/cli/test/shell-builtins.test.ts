// Builtins and filters compared with bash + coreutils running the same scripts.
import { describe, expect, it } from 'vitest';
import { runCaptured, type Capture } from './shell-capture.js';

// Captured on this machine (bash 5.2.15, coreutils 9.1, grep 3.8, procps-ng 4.0.2, LC_ALL=C) by running
// each script as `ip netns exec nst-sh bash t.sh` in a fresh namespace (IPv6 disabled), inside
// `unshare --mount --propagation private sh -c 'mount -t tmpfs tmpfs /run/netns; ...'`.
const CAPTURES: Readonly<Record<string, Capture>> = {
  "echo": {
    "script": "echo -n hi; echo\necho -e \"a\\tb\"\necho -x; echo -nx; echo -- a; echo -E \"a\\tb\"\necho -e 'a\\cb'; echo\necho -ne 'x\\n'\n",
    "stdout": "hi\na\tb\n-x\n-nx\n-- a\na\\tb\na\nx\n",
    "stderr": "",
    "status": 0
  },
  "cat": {
    "script": "cat /proc/net/dev\ncat /proc/net/nosuch; echo $?\ncat /proc/net; echo $?\ncat -x; echo $?\ncat --bogus; echo $?\necho a | cat - /proc/net/nosuch; echo $?\necho a | cat -n\ncat /proc/sys/net/ipv4/conf/lo/forwarding /proc/sys/net/ipv4/ip_forward\ncat /proc/net/dev/x; echo $?\n",
    "stdout": "Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n1\n1\n1\n1\na\n1\n     1\ta\n0\n0\n1\n",
    "stderr": "cat: /proc/net/nosuch: No such file or directory\ncat: /proc/net: Is a directory\ncat: invalid option -- 'x'\nTry 'cat --help' for more information.\ncat: unrecognized option '--bogus'\nTry 'cat --help' for more information.\ncat: /proc/net/nosuch: No such file or directory\ncat: /proc/net/dev/x: Not a directory\n",
    "status": 0
  },
  "ls": {
    "script": "ls /proc/sys/net/ipv4/conf\nls -1 /proc/sys/net/ipv4/conf\nls /proc/nosuch; echo $?\nls /proc/sys/net/ipv4/ip_forward\nls /proc/sys/net/ipv4/conf /proc/sys/net/ipv4/ip_forward /proc/nosuch; echo $?\nls -y; echo $?\nls --bogus; echo $?\nls /proc/net/dev/x; echo $?\n",
    "stdout": "all\ndefault\nlo\nall\ndefault\nlo\n2\n/proc/sys/net/ipv4/ip_forward\n/proc/sys/net/ipv4/ip_forward\n\n/proc/sys/net/ipv4/conf:\nall\ndefault\nlo\n2\n2\n2\n2\n",
    "stderr": "ls: cannot access '/proc/nosuch': No such file or directory\nls: cannot access '/proc/nosuch': No such file or directory\nls: invalid option -- 'y'\nTry 'ls --help' for more information.\nls: unrecognized option '--bogus'\nTry 'ls --help' for more information.\nls: cannot access '/proc/net/dev/x': Not a directory\n",
    "status": 0
  },
  "wc": {
    "script": "printf_free=1\necho \"a b\" | wc\necho \"a b\" | wc -l\necho \"a b\" | wc -w\necho \"a b\" | wc -c\necho \"a b\" | wc -lw\nwc < /proc/net/nosuch\ncat /proc/net/dev | wc\nwc /proc/net/dev\nwc -l /proc/net/dev /proc/net/dev\nwc /proc/net/dev /proc/net/dev\nwc -x; echo $?\nwc --bogus; echo $?\nwc /nosuch; echo $?\nwc /proc/net; echo $?\necho a | wc -\necho a | wc -l -\nwc -l /nosuch /proc/net/dev; echo $?\nwc -c < /proc/net/dev\n",
    "stdout": "      1       2       4\n1\n2\n4\n      1       2\n      3      37     323\n3 37 323 /proc/net/dev\n3 /proc/net/dev\n3 /proc/net/dev\n6 total\n3 37 323 /proc/net/dev\n3 37 323 /proc/net/dev\n6 74 646 total\n1\n1\n1\n      0       0       0 /proc/net\n1\n      1       1       2 -\n1 -\n3 /proc/net/dev\n3 total\n1\n323\n",
    "stderr": "t.sh: line 7: /proc/net/nosuch: No such file or directory\nwc: invalid option -- 'x'\nTry 'wc --help' for more information.\nwc: unrecognized option '--bogus'\nTry 'wc --help' for more information.\nwc: /nosuch: No such file or directory\nwc: /proc/net: Is a directory\nwc: /nosuch: No such file or directory\n",
    "status": 0
  },
  "grep": {
    "script": "cat /proc/net/dev | grep lo\ncat /proc/net/dev | grep -c :\ncat /proc/net/dev | grep -v lo\ncat /proc/net/dev | grep -i FACE\ncat /proc/net/dev | grep -q zz; echo $?\ncat /proc/net/dev | grep -c zz; echo $?\ncat /proc/net/dev | grep -E 'lo|Inter'\necho 'a|b' | grep 'a|b'\necho 'ab' | grep 'a\\|z'\necho 'aab' | grep -o 'a\\+' ; echo $?\ngrep; echo $?\ngrep -j a; echo $?\ngrep --bogus; echo $?\ngrep -E '('; echo $?\ngrep '\\('; echo $?\ngrep a /nosuch; echo $?\ngrep lo /proc/net/dev /proc/net/route; echo $?\ngrep -c lo /proc/net/dev /proc/net/route\ngrep a /proc/net; echo $?\ngrep -q lo /nosuch /proc/net/dev; echo $?\necho a | grep '['; echo $?\ngrep -n Inter /proc/net/dev\necho lo | grep lo /proc/net/dev -\ngrep -x lo /proc/net/dev; echo $?\ngrep -w 'lo' /proc/net/dev | wc -l\necho 'a.c abc' | grep -F 'a.c'\n",
    "stdout": "    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n1\nInter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n1\n0\n1\nInter-|   Receive                                                |  Transmit\n    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\na|b\nab\naa\n0\n2\n2\n2\n2\n2\n2\n/proc/net/dev:    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n0\n/proc/net/dev:1\n/proc/net/route:0\n2\n0\n2\n1:Inter-|   Receive                                                |  Transmit\n/proc/net/dev:    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n(standard input):lo\n1\n1\na.c abc\n",
    "stderr": "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\ngrep: invalid option -- 'j'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\ngrep: unrecognized option '--bogus'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\ngrep: Unmatched ( or \\(\ngrep: Unmatched ( or \\(\ngrep: /nosuch: No such file or directory\ngrep: /proc/net: Is a directory\ngrep: /nosuch: No such file or directory\ngrep: Invalid regular expression\n",
    "status": 0
  },
  "head_tail": {
    "script": "cat /proc/net/dev | head -n 1\ncat /proc/net/dev | head -2\ncat /proc/net/dev | head -n -1\ncat /proc/net/dev | tail -n 1\ncat /proc/net/dev | tail -1\ncat /proc/net/dev | tail -n +3\nhead -n x; echo $?\nhead -n 2x; echo $?\nhead -n -x; echo $?\nhead -x; echo $?\nhead --bogus; echo $?\nhead -n; echo $?\nhead /nosuch; echo $?\nhead /proc/net; echo $?\ntail -n x; echo $?\ntail -n +x; echo $?\ntail -n -x; echo $?\ntail -x; echo $?\ntail /nosuch; echo $?\ntail /proc/net; echo $?\nhead -n 1 /proc/net/dev /proc/net/dev\necho x | tail -n 1 - /proc/net/dev\nhead -c 5 /proc/net/dev; echo\n",
    "stdout": "Inter-|   Receive                                                |  Transmit\nInter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\nInter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n1\n1\n1\n1\n1\n1\n1\n1\n1\n1\n1\n1\n1\n1\n==> /proc/net/dev <==\nInter-|   Receive                                                |  Transmit\n\n==> /proc/net/dev <==\nInter-|   Receive                                                |  Transmit\n==> standard input <==\nx\n\n==> /proc/net/dev <==\n    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\nInter\n",
    "stderr": "head: invalid number of lines: 'x'\nhead: invalid number of lines: '2x'\nhead: invalid number of lines: 'x'\nhead: invalid option -- 'x'\nTry 'head --help' for more information.\nhead: unrecognized option '--bogus'\nTry 'head --help' for more information.\nhead: option requires an argument -- 'n'\nTry 'head --help' for more information.\nhead: cannot open '/nosuch' for reading: No such file or directory\nhead: error reading '/proc/net': Is a directory\ntail: invalid number of lines: 'x'\ntail: invalid number of lines: '+x'\ntail: invalid number of lines: 'x'\ntail: invalid option -- 'x'\nTry 'tail --help' for more information.\ntail: cannot open '/nosuch' for reading: No such file or directory\ntail: error reading '/proc/net': Is a directory\n",
    "status": 0
  },
  "sort": {
    "script": "cat /proc/sys/net/ipv4/conf/lo/forwarding /proc/sys/net/ipv4/ip_forward | sort\nls /proc/sys/net/ipv4/conf | sort -r\necho 10 | sort -n\ncat /proc/net/dev | sort\ncat /proc/net/dev | sort -u | wc -l\nls /proc/sys/net/ipv4/conf | sort -r | head -2\nsort -x; echo $?\nsort --bogus; echo $?\nsort /nosuch; echo $?\nsort /proc/net; echo $?\n",
    "stdout": "0\n0\nlo\ndefault\nall\n10\n    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\nInter-|   Receive                                                |  Transmit\n3\nlo\ndefault\n2\n2\n2\n2\n",
    "stderr": "sort: invalid option -- 'x'\nTry 'sort --help' for more information.\nsort: unrecognized option '--bogus'\nTry 'sort --help' for more information.\nsort: cannot read: /nosuch: No such file or directory\nsort: read failed: /proc/net: Is a directory\n",
    "status": 0
  },
  "sleep": {
    "script": "sleep x; echo $?\nsleep; echo $?\nsleep 0.2; echo $?\nsleep -1; echo $?\nsleep 1x; echo $?\nsleep --bogus; echo $?\nsleep 0.1 0.1s; echo $?\nsleep \"\"; echo $?\nsleep .1 && echo ok\n",
    "stdout": "1\n1\n0\n1\n1\n1\n0\n1\nok\n",
    "stderr": "sleep: invalid time interval 'x'\nTry 'sleep --help' for more information.\nsleep: missing operand\nTry 'sleep --help' for more information.\nsleep: invalid option -- '1'\nTry 'sleep --help' for more information.\nsleep: invalid time interval '1x'\nTry 'sleep --help' for more information.\nsleep: unrecognized option '--bogus'\nTry 'sleep --help' for more information.\nsleep: invalid time interval ''\nTry 'sleep --help' for more information.\n",
    "status": 0
  },
  "sysctl": {
    "script": "sysctl net.ipv4.ip_forward\nsysctl -w net.ipv4.ip_forward=1\nsysctl -n net.ipv4.ip_forward\nsysctl -w net.ipv4.ip_forward=x; echo $?\nsysctl net.ipv4.nosuch; echo $?\n",
    "stdout": "net.ipv4.ip_forward = 0\nnet.ipv4.ip_forward = 1\n1\n1\n1\n",
    "stderr": "sysctl: setting key \"net.ipv4.ip_forward\": Invalid argument\nsysctl: cannot stat /proc/sys/net/ipv4/nosuch: No such file or directory\n",
    "status": 0
  }
};

describe('builtins and filters against bash and coreutils', () => {
  for (const [name, capture] of Object.entries(CAPTURES)) {
    it(`${name}: same stdout, stderr and status as bash`, () => {
      expect(runCaptured(capture.script)).toEqual({ stdout: capture.stdout, stderr: capture.stderr, status: capture.status });
    });
  }
});
