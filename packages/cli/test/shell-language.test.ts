// The netstage shell language compared with bash running the same scripts.
import { describe, expect, it } from 'vitest';
import { runCaptured, type Capture } from './shell-capture.js';

// Captured on this machine (bash 5.2.15, coreutils 9.1, grep 3.8, procps-ng 4.0.2, LC_ALL=C) by running
// each script as `ip netns exec nst-sh bash t.sh` in a fresh namespace (IPv6 disabled), inside
// `unshare --mount --propagation private sh -c 'mount -t tmpfs tmpfs /run/netns; ...'`.
const CAPTURES: Readonly<Record<string, Capture>> = {
  "quoting": {
    "script": "echo \"a b\" 'c  d' e\\ f\necho 'it''s' \"a\\\"b\" \"\\$x\" \"a\\b\" a\\\\b\necho \"\" '' x\necho \"a\nb\"\necho a\\\nb\necho a#b # a comment\n   # an indented comment\necho $ '$' \"$\"\n",
    "stdout": "a b c  d e f\nits a\"b $x a\\b a\\b\n  x\na\nb\nab\na#b\n$ $ $\n",
    "stderr": "",
    "status": 0
  },
  "variables": {
    "script": "x=5\necho $x ${x}th $xth \"${x}\" '$x'\ny=\"a   b\"; echo $y; echo \"$y\"\necho \"[$nosuch]\" $nosuch end\na=1 b=2; echo $a$b\nz=$x$x; echo $z\necho $$ | grep -c .\necho \"[$!]\"\n",
    "stdout": "5 5th 5 $x\na b\na   b\n[] end\n12\n55\n1\n[]\n",
    "stderr": "",
    "status": 0
  },
  "status": {
    "script": "false; echo $?\ntrue; echo $?\ntrue | false; echo $?\nfalse | true; echo $?\nnosuch; echo $?\ntrue && echo and || echo or\nfalse && echo and || echo or\nfalse || false && echo x; echo $?\nfalse\necho $?\n",
    "stdout": "1\n0\n1\n0\n127\nand\nor\n1\n1\n",
    "stderr": "t.sh: line 5: nosuch: command not found\n",
    "status": 0
  },
  "lists": {
    "script": "echo a; echo b\necho c;echo d;\ntrue &&\necho continued\necho one |\nwc -l\n",
    "stdout": "a\nb\nc\nd\ncontinued\n1\n",
    "stderr": "",
    "status": 0
  },
  "exit_status": {
    "script": "echo before\nexit 3\necho after\n",
    "stdout": "before\n",
    "stderr": "",
    "status": 3
  },
  "exit_bad": {
    "script": "exit abc\n",
    "stdout": "",
    "stderr": "t.sh: line 1: exit: abc: numeric argument required\n",
    "status": 2
  },
  "exit_last": {
    "script": "false\nexit\n",
    "stdout": "",
    "stderr": "",
    "status": 1
  },
  "exit_wrap": {
    "script": "exit 257\n",
    "stdout": "",
    "stderr": "",
    "status": 1
  },
  "exit_neg": {
    "script": "exit -1\n",
    "stdout": "",
    "stderr": "",
    "status": 255
  },
  "syntax_token": {
    "script": "echo before\necho a; ;\necho after\n",
    "stdout": "before\n",
    "stderr": "t.sh: line 2: syntax error near unexpected token `;'\nt.sh: line 2: `echo a; ;'\n",
    "status": 2
  },
  "syntax_pipe": {
    "script": "echo before\n| echo a\n",
    "stdout": "before\n",
    "stderr": "t.sh: line 2: syntax error near unexpected token `|'\nt.sh: line 2: `| echo a'\n",
    "status": 2
  },
  "syntax_and": {
    "script": "echo a && && b\n",
    "stdout": "",
    "stderr": "t.sh: line 1: syntax error near unexpected token `&&'\nt.sh: line 1: `echo a && && b'\n",
    "status": 2
  },
  "syntax_redirect": {
    "script": "echo >\n",
    "stdout": "",
    "stderr": "t.sh: line 1: syntax error near unexpected token `newline'\nt.sh: line 1: `echo >'\n",
    "status": 2
  },
  "syntax_amp": {
    "script": "echo a & & b\n",
    "stdout": "",
    "stderr": "t.sh: line 1: syntax error near unexpected token `&'\nt.sh: line 1: `echo a & & b'\n",
    "status": 2
  },
  "syntax_eof": {
    "script": "echo before\necho a &&\n",
    "stdout": "before\n",
    "stderr": "t.sh: line 3: syntax error: unexpected end of file\n",
    "status": 2
  },
  "syntax_dquote": {
    "script": "echo before\necho \"abc\nx\n",
    "stdout": "before\n",
    "stderr": "t.sh: line 2: unexpected EOF while looking for matching `\"'\n",
    "status": 2
  },
  "syntax_squote": {
    "script": "echo 'abc\n",
    "stdout": "",
    "stderr": "t.sh: line 1: unexpected EOF while looking for matching `''\n",
    "status": 2
  },
  "syntax_paren": {
    "script": "echo before\necho )\n",
    "stdout": "before\n",
    "stderr": "t.sh: line 2: syntax error near unexpected token `)'\nt.sh: line 2: `echo )'\n",
    "status": 2
  },
  "bad_substitution": {
    "script": "echo before\necho ${ x}\necho $?\n",
    "stdout": "before\n1\n",
    "stderr": "t.sh: line 2: ${ x}: bad substitution\n",
    "status": 0
  },
  "background": {
    "script": "sleep 2 && echo a & sleep 1; echo b; wait; echo $?\n",
    "stdout": "b\na\n0\n",
    "stderr": "",
    "status": 0
  },
  "background_status": {
    "script": "false & wait $!; echo $?\nsleep 1 && exit 3 & wait %2; echo $?\nwait %7; echo $?\nwait 99999; echo $?\nwait x; echo $?\nsleep 1 & sleep 2 & wait %2; echo $?\n",
    "stdout": "1\n127\n127\n127\n1\n0\n",
    "stderr": "t.sh: line 2: wait: %2: no such job\nt.sh: line 3: wait: %7: no such job\nt.sh: line 4: wait: pid 99999 is not a child of this shell\nt.sh: line 5: wait: `x': not a pid or valid job spec\n",
    "status": 0
  },
  "background_order": {
    "script": "sleep 0.3 && echo three &\nsleep 0.1 && echo one &\nsleep 0.2 && echo two &\nwait\necho done\n",
    "stdout": "one\ntwo\nthree\ndone\n",
    "stderr": "",
    "status": 0
  },
  "redirections": {
    "script": "echo 1 > /proc/sys/net/ipv4/ip_forward; echo $?\ncat /proc/sys/net/ipv4/ip_forward\necho x > /proc/sys/net/ipv4/ip_forward; echo $?\necho 1 > /proc/net/dev; echo $?\necho 1 > /proc/nosuch; echo $?\necho 1 > /proc/net; echo $?\necho 0 >> /proc/sys/net/ipv4/ip_forward; echo $?\ncat < /proc/net/nosuch; echo $?\nwc -l < /proc/net/dev\ncat /proc/net/nosuch 2>/dev/null; echo $?\ncat /proc/net/nosuch 2>&1 | wc -l\necho ab >/dev/null\nnosuch 2>/dev/null; echo $?\necho 2>&1 1 >/proc/net/dev\necho a 2>&x; echo $?\n",
    "stdout": "0\n1\n1\n1\n1\n1\n0\n1\n3\n1\n1\n127\nt.sh: line 14: /proc/net/dev: Permission denied\n1\n",
    "stderr": "t.sh: line 3: echo: write error: Invalid argument\nt.sh: line 4: /proc/net/dev: Permission denied\nt.sh: line 5: /proc/nosuch: No such file or directory\nt.sh: line 6: /proc/net: Is a directory\nt.sh: line 8: /proc/net/nosuch: No such file or directory\nt.sh: line 15: x: ambiguous redirect\n",
    "status": 0
  },
  "env_prefix": {
    "script": "x=1 sysctl -n net.ipv4.ip_forward; echo \"[$x]\"\n",
    "stdout": "0\n[]\n",
    "stderr": "",
    "status": 0
  }
};

describe('the shell language against bash', () => {
  for (const [name, capture] of Object.entries(CAPTURES)) {
    it(`${name}: same stdout, stderr and status as bash`, () => {
      expect(runCaptured(capture.script)).toEqual({ stdout: capture.stdout, stderr: capture.stderr, status: capture.status });
    });
  }
});

describe('ShellSession options', () => {
  it('-x echo: `+ ` expanded on stderr as bash -x, or `$ ` source lines on stdout', async () => {
    const { Kernel } = await import('@netstage/core-net');
    const { ShellSession, bufferedIo, netstageLayers } = await import('../src/index.js');
    const kernel = Kernel.boot({ layers: netstageLayers });
    const io = bufferedIo();
    const sh = new ShellSession(kernel, { io, trace: { prefix: '+ ', stream: 'stderr', form: 'expanded' } });
    // bash -x prints `+ x='a b'` and `+ echo 'a b' c` for this script.
    expect(sh.run("x='a b'\necho \"$x\" c\n")).toBe(0);
    expect(io.stderr()).toBe("+ x='a b'\n+ echo 'a b' c\n");
    const io2 = bufferedIo();
    const sh2 = new ShellSession(kernel, { io: io2, trace: { prefix: '$ ', stream: 'stdout', form: 'source' } });
    sh2.run('echo hi # greet\n\necho a &&\n  echo b\n');
    expect(io2.stdout()).toBe('$ echo hi # greet\nhi\n$ echo a &&\n  echo b\na\nb\n');
    sh.close();
    sh2.close();
    expect(kernel.tasks()).toHaveLength(1);
  });

  it('runLine: an interactive syntax error sets $? to 2 and the shell goes on; background jobs live across lines', async () => {
    const { Kernel } = await import('@netstage/core-net');
    const { ShellSession, bufferedIo, netstageLayers } = await import('../src/index.js');
    const kernel = Kernel.boot({ layers: netstageLayers });
    const io = bufferedIo();
    const sh = new ShellSession(kernel, { io });
    expect(sh.runLine('echo a; ;')).toBe(2);
    expect(io.stderr()).toBe("bash: syntax error near unexpected token `;'\n");
    sh.runLine('sleep 5 && echo late &');
    sh.runLine('echo $?; nosuch');
    expect(io.stderr()).toContain('bash: nosuch: command not found\n');
    sh.runLine('wait; echo done');
    expect(io.stdout()).toBe('0\nlate\ndone\n');
    expect(kernel.clock.now).toBe(5000);
    sh.close();
    expect(kernel.tasks()).toHaveLength(1);
  });
});
