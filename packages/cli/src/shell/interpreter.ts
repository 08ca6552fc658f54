/**
 * The interpreter of the netstage shell: runs what {@link ShellParser} reads, with every
 * command a process on one {@link Scheduler}, so pipelines, background jobs and `sleep`
 * all share the kernel's virtual clock.
 *
 * @module
 */

import { NetError, isNetError, type Kernel, type Task } from '@netstage/core-net';
import { procFs } from '@netstage/procfs';
import type { CommandIo } from '../io.js';
import { absolute, isDevNull, readShellFile } from './files.js';
import { ShellParser, ShellSyntaxError, type AndOr, type Pipeline, type Redirect, type SimpleCommand, type Word } from './parser.js';
import { Pipe, emptyInput, type Proc, type Wait } from './process.js';
import { Scheduler, type Job } from './scheduler.js';
import { spawnCommand, type CommandTable } from './spawn.js';
import { netstageCommands } from './table.js';

/** How the shell echoes commands before running them. */
export interface ShellTrace {
  /** What goes before each command: `+ ` as `bash -x`, `$ ` for a transcript. */
  readonly prefix: string;
  /** Where the echo goes. */
  readonly stream: 'stdout' | 'stderr';
  /**
   * `expanded`: each simple command after expansion, quoted as `bash -x` quotes it;
   * `source`: each complete command's lines as written, once, before it runs.
   */
  readonly form: 'expanded' | 'source';
}

/** How a {@link ShellSession} is set up. */
export interface ShellOptions {
  /** Where the shell's standard output and error go (a terminal). */
  readonly io: CommandIo;
  /** The shell's own task; a fork of the kernel's first task (initNet) by default. */
  readonly task?: Task;
  /** The commands it knows: {@link netstageCommands} by default. */
  readonly commands?: CommandTable;
  /**
   * The name in messages: `bash` by default. With `lineNumbers`, messages read `NAME:
   * line N: ...` as `bash SCRIPT` prints them (give the script's path); without, `NAME:
   * ...` as an interactive bash prints them.
   */
  readonly name?: string;
  /** Whether messages carry line numbers (script mode). */
  readonly lineNumbers?: boolean;
  /** Echo commands before running them (`-x`). */
  readonly trace?: ShellTrace;
}

/** Thrown by `exit` to unwind the shell (or a background job's subshell). */
class ShellExit {
  constructor(readonly status: number) {}
}

/** The state one shell (or background subshell) runs with. */
interface Frame {
  readonly vars: Map<string, string>;
  readonly exported: Set<string>;
  status: number;
  /** The task commands fork from. */
  readonly task: Task;
}

/** A background job. */
interface BackgroundJob {
  readonly id: number;
  readonly pid: number;
  readonly job: Job;
  /** The subshell's task. */
  readonly task: Task;
  /** Whether `wait` collected it (it then leaves the job table, as in bash). */
  reaped: boolean;
}

/** Descriptors of a command being set up: 0, 1, 2 and any others a redirection names. */
type Descriptors = Map<number, Pipe>;

/** The shell's own builtins, which act on the shell rather than run as processes. */
const SPECIAL = new Set(['exit', 'wait', 'export']);
/** Builtins whose messages carry the shell's prefix (bash prints them itself). */
const BASH_BUILTINS = new Set(['echo', 'true', 'false', ...SPECIAL]);

/**
 * A shell over a simulated kernel: variables, the last status, background jobs, and a
 * scheduler on which every command runs as a process in virtual time.
 *
 * @remarks
 * Behaves as bash 5.2 does for the subset {@link ShellParser} reads: `$?`, `$$`, `$!`,
 * `NAME=value` (alone: a shell variable; before a command: that command's environment),
 * `export`, field splitting of unquoted expansions, redirections applied left to right
 * (an error is reported on the standard error as redirected so far and skips the
 * command with status 1), pipelines whose stages all run at once with the status of the
 * last, `&` jobs (silent, as in a script) and `wait`, `exit N`. A syntax error prints
 * bash's message and ends a script with status 2 after what came before it ran. Output
 * redirected to a `/proc` file is written through procfs, opened by the shell's task, so
 * it binds the shell's namespace; a write the file refuses makes the command print
 * `NAME: write error: STRERROR` and return 1, as coreutils and bash's `echo` do.
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { ShellSession, bufferedIo, netstageLayers } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * const io = bufferedIo();
 * const sh = new ShellSession(kernel, { io });
 * sh.run('sleep 2 && echo a & sleep 1; echo b; wait\necho 1 > /proc/sys/net/ipv4/ip_forward; cat /proc/sys/net/ipv4/ip_forward');
 * io.stdout(); // 'b\na\n1\n'
 * kernel.clock.now; // 2000
 * sh.close();
 * ```
 */
export class ShellSession {
  readonly #kernel: Kernel;
  readonly #task: Task;
  readonly #ownsTask: boolean;
  readonly #table: CommandTable;
  readonly #io: CommandIo;
  readonly #name: string;
  readonly #lineNumbers: boolean;
  readonly #trace: ShellTrace | undefined;
  readonly #scheduler: Scheduler;
  readonly #stdout: Pipe;
  readonly #stderr: Pipe;
  readonly #frame: Frame;
  readonly #jobs: BackgroundJob[] = [];
  /** Every process this shell started that has not returned (to stop them at the end). */
  readonly #live = new Set<Generator<Wait, number, undefined>>();
  #lastBackground: number | undefined;
  #exitStatus: number | undefined;

  /** A shell on `kernel`. */
  constructor(kernel: Kernel, options: ShellOptions) {
    this.#kernel = kernel;
    this.#ownsTask = options.task === undefined;
    this.#task = options.task ?? kernel.initTask.fork();
    this.#table = options.commands ?? netstageCommands();
    this.#io = options.io;
    this.#name = options.name ?? 'bash';
    this.#lineNumbers = options.lineNumbers ?? false;
    this.#trace = options.trace;
    this.#scheduler = new Scheduler(kernel);
    this.#stdout = new Pipe((t) => this.#io.out(t));
    this.#stderr = new Pipe((t) => this.#io.err(t));
    this.#frame = { vars: new Map(), exported: new Set(), status: 0, task: this.#task };
  }

  /** The shell's task (its namespace is the one commands start in). */
  get task(): Task {
    return this.#task;
  }

  /** The status of the last command (`$?`). */
  get status(): number {
    return this.#frame.status;
  }

  /** The status `exit` ended the shell with, once it did. */
  get exitStatus(): number | undefined {
    return this.#exitStatus;
  }

  /** A shell variable's value. */
  variable(name: string): string | undefined {
    return this.#frame.vars.get(name);
  }

  /**
   * Run a whole script as `bash SCRIPT` does, in virtual time, and return its status:
   * the last command's, or that of `exit N`, or 2 after a syntax error. Background jobs
   * still running at the end get what runs at that virtual instant, then are stopped.
   *
   * @throws Deadlock when every process waits for something that never comes.
   */
  run(script: string): number {
    const status = this.#execute(script, true);
    this.#finishBackground();
    return status;
  }

  /**
   * Run one line as an interactive shell does: a syntax error sets `$?` to 2 and the
   * shell goes on; background jobs keep running across lines.
   *
   * @throws Deadlock as {@link ShellSession.run}.
   */
  runLine(line: string): number {
    return this.#execute(line, false);
  }

  /** Stop background jobs and let the shell's task exit (when the session made it). */
  close(): void {
    this.#stopAll();
    if (this.#ownsTask && this.#task.alive) this.#task.exit();
  }

  #execute(source: string, script: boolean): number {
    const main = this.#scheduler.spawn(this.#script(new ShellParser(source), script));
    try {
      this.#scheduler.run(() => main.done);
    } catch (e) {
      this.close();
      throw e;
    }
    return main.status;
  }

  /** After a script: run what can run at this instant, then stop the rest. */
  #finishBackground(): void {
    const live = (): boolean => this.#jobs.some((j) => !j.job.done);
    if (!live()) return;
    try {
      this.#scheduler.run(() => !live(), 0);
    } catch {
      // Still running: stopped below, as the script has ended.
    }
    this.#stopAll();
  }

  /** Stop every process still running (their tasks exit, their pipes close). */
  #stopAll(): void {
    for (const p of [...this.#live]) p.return(0);
    this.#live.clear();
    for (const j of this.#jobs) if (j.task.alive) j.task.exit();
  }

  /** Start `proc` on the scheduler, remembering it until it returns. */
  #spawn(proc: Generator<Wait, number, undefined>): Job {
    const live = this.#live;
    const run = function* (self: { gen?: Generator<Wait, number, undefined> }): Generator<Wait, number, undefined> {
      try {
        return yield* proc;
      } finally {
        if (self.gen !== undefined) live.delete(self.gen);
        proc.return(0);
      }
    };
    const self: { gen?: Generator<Wait, number, undefined> } = {};
    const tracked = run(self);
    self.gen = tracked;
    live.add(tracked);
    return this.#scheduler.spawn(tracked);
  }

  *#script(parser: ShellParser, script: boolean): Generator<Wait, number, undefined> {
    const frame = this.#frame;
    for (;;) {
      let cmd;
      try {
        cmd = parser.next();
      } catch (e) {
        if (!(e instanceof ShellSyntaxError)) throw e;
        this.#syntaxError(e);
        frame.status = 2;
        if (script) this.#exitStatus = 2;
        return 2;
      }
      if (cmd === undefined) return frame.status;
      if (this.#trace?.form === 'source') this.#echo(`${this.#trace.prefix}${cmd.text}\n`);
      try {
        for (const list of cmd.lists) {
          if (list.background) {
            this.#background(list, frame);
            yield { idle: true };
          } else yield* this.#andOr(list, frame);
        }
      } catch (e) {
        if (!(e instanceof ShellExit)) throw e;
        frame.status = e.status;
        this.#exitStatus = e.status;
        return e.status;
      }
    }
  }

  #syntaxError(e: ShellSyntaxError): void {
    if (this.#lineNumbers) {
      const at = `${this.#name}: line ${e.line}: `;
      this.#io.err(`${at}${e.message}\n`);
      if (e.context !== undefined) this.#io.err(`${at}\`${e.context}'\n`);
    } else {
      this.#io.err(`${this.#name}: ${e.message}\n`);
    }
  }

  /** The prefix of the shell's own messages about a command on `line`. */
  #at(line: number): string {
    return this.#lineNumbers ? `${this.#name}: line ${line}: ` : `${this.#name}: `;
  }

  #echo(text: string): void {
    if (this.#trace?.stream === 'stdout') this.#io.out(text);
    else this.#io.err(text);
  }

  #background(list: AndOr, parent: Frame): void {
    const task = parent.task.fork();
    const frame: Frame = { vars: new Map(parent.vars), exported: new Set(parent.exported), status: parent.status, task };
    const job = this.#spawn(this.#subshell(list, frame));
    // bash numbers a job one above the highest in its table; waited-for jobs leave it.
    const id = Math.max(0, ...this.#jobs.filter((j) => !j.reaped).map((j) => j.id)) + 1;
    this.#jobs.push({ id, pid: task.pid, job, task, reaped: false });
    this.#lastBackground = task.pid;
    parent.status = 0;
  }

  /** A background list: its own frame and task, which exits with it. */
  *#subshell(list: AndOr, frame: Frame): Generator<Wait, number, undefined> {
    try {
      return yield* this.#andOr(list, frame);
    } catch (e) {
      if (e instanceof ShellExit) return e.status;
      throw e;
    } finally {
      if (frame.task.alive) frame.task.exit();
    }
  }

  *#andOr(list: AndOr, frame: Frame): Generator<Wait, number, undefined> {
    let status = yield* this.#pipeline(list.first, frame);
    frame.status = status;
    for (const { op, pipeline } of list.rest) {
      if ((op === '&&') !== (status === 0)) continue;
      status = yield* this.#pipeline(pipeline, frame);
      frame.status = status;
    }
    return status;
  }

  *#pipeline(p: Pipeline, frame: Frame): Generator<Wait, number, undefined> {
    const only = p.commands.length === 1 ? p.commands[0] : undefined;
    if (only !== undefined && (only.words.length === 0 || SPECIAL.has(this.#literalName(only)))) {
      return yield* this.#inShell(only, frame);
    }
    const jobs: Job[] = [];
    let input = emptyInput();
    p.commands.forEach((cmd, i) => {
      const last = i === p.commands.length - 1;
      const output = last ? this.#stdout : new Pipe();
      jobs.push(this.#spawn(this.#stage(cmd, frame, input, output, !last)));
      input = output;
    });
    yield { ready: () => jobs.every((j) => j.done) };
    return jobs[jobs.length - 1]?.status ?? 0;
  }

  /** The command name when written as plain text (how `exit`, `wait` are spotted). */
  #literalName(cmd: SimpleCommand): string {
    const w = cmd.words[0];
    if (w === undefined) return '';
    return w.parts.every((p) => p.kind === 'text') ? w.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('') : '';
  }

  /** Assignments alone, `exit`, `wait`, `export`: run by the shell itself. */
  *#inShell(cmd: SimpleCommand, frame: Frame): Generator<Wait, number, undefined> {
    const fds: Descriptors = new Map([
      [0, emptyInput()],
      [1, this.#stdout],
      [2, this.#stderr],
    ]);
    const cleanups: (() => void)[] = [];
    try {
      const expanded = this.#expandCommand(cmd, frame, fds);
      if (expanded === undefined) return 1;
      const { argv, assignments } = expanded;
      if (argv.length === 0) {
        this.#traceCommand(assignments.map(([n, v]) => `${n}=${quoteForTrace(v)}`));
        if (!this.#redirect(cmd, frame, fds, cleanups)) return 1;
        for (const [n, v] of assignments) frame.vars.set(n, v);
        return 0;
      }
      this.#traceCommand(argv.map(quoteForTrace));
      if (!this.#redirect(cmd, frame, fds, cleanups)) return 1;
      const err = fds.get(2) as Pipe;
      const at = this.#at(cmd.line);
      switch (argv[0]) {
        case 'exit':
          return this.#exit(argv, frame, err, at);
        case 'wait':
          return yield* this.#wait(argv, err, at);
        default:
          return this.#export(argv, frame);
      }
    } finally {
      for (const c of cleanups) c();
    }
  }

  #exit(argv: readonly string[], frame: Frame, err: Pipe, at: string): never {
    const arg = argv[1];
    if (arg === undefined) throw new ShellExit(frame.status);
    if (!/^[+-]?[0-9]+$/.test(arg.trim())) {
      err.write(`${at}exit: ${arg}: numeric argument required\n`);
      throw new ShellExit(2);
    }
    if (argv.length > 2) {
      err.write(`${at}exit: too many arguments\n`);
      throw new ShellExit(1);
    }
    throw new ShellExit(((Number(arg) % 256) + 256) % 256);
  }

  *#wait(argv: readonly string[], err: Pipe, at: string): Generator<Wait, number, undefined> {
    if (argv.length === 1) {
      const jobs = [...this.#jobs];
      yield { ready: () => jobs.every((j) => j.job.done) };
      for (const j of jobs) j.reaped = true;
      return 0;
    }
    let status = 0;
    for (const spec of argv.slice(1)) {
      let job: BackgroundJob | undefined;
      if (/^%[0-9]+$/.test(spec)) {
        job = this.#jobs.find((j) => !j.reaped && j.id === Number(spec.slice(1)));
        if (job === undefined) {
          err.write(`${at}wait: ${spec}: no such job\n`);
          status = 127;
          continue;
        }
      } else if (/^[0-9]+$/.test(spec)) {
        job = this.#jobs.find((j) => j.pid === Number(spec));
        if (job === undefined) {
          err.write(`${at}wait: pid ${spec} is not a child of this shell\n`);
          status = 127;
          continue;
        }
      } else {
        err.write(`${at}wait: \`${spec}': not a pid or valid job spec\n`);
        status = 1;
        continue;
      }
      const j = job.job;
      if (!j.done) yield { ready: () => j.done };
      job.reaped = true;
      status = j.status;
    }
    return status;
  }

  #export(argv: readonly string[], frame: Frame): number {
    for (const a of argv.slice(1)) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (eq >= 0) frame.vars.set(name, a.slice(eq + 1));
      frame.exported.add(name);
    }
    return 0;
  }

  /** One stage of a pipeline, as a process: expand, redirect, start the command. */
  *#stage(cmd: SimpleCommand, frame: Frame, stdin: Pipe, stdout: Pipe, closeStdout: boolean): Generator<Wait, number, undefined> {
    const fds: Descriptors = new Map([
      [0, stdin],
      [1, stdout],
      [2, this.#stderr],
    ]);
    const cleanups: (() => void)[] = [];
    const writeErrors: NetError[] = [];
    let proc: Proc | undefined;
    try {
      const expanded = this.#expandCommand(cmd, frame, fds);
      if (expanded === undefined) return 1;
      const { argv, assignments } = expanded;
      this.#traceCommand([...assignments.map(([n, v]) => `${n}=${quoteForTrace(v)}`), ...argv.map(quoteForTrace)]);
      if (!this.#redirect(cmd, frame, fds, cleanups, writeErrors)) return 1;
      const err = fds.get(2) as Pipe;
      const name = argv[0] ?? '';
      if (name === 'exit' || name === 'wait' || name === 'export' || argv.length === 0) {
        // In a pipeline these run in a subshell of their own: nothing to wait for, no
        // shell to leave.
        if (name !== 'exit') return 0;
        const arg = argv[1];
        return arg !== undefined && /^[+-]?[0-9]+$/.test(arg) ? ((Number(arg) % 256) + 256) % 256 : frame.status;
      }
      if (!this.#table.has(name)) {
        err.write(`${this.#at(cmd.line)}${name}: command not found\n`);
        return 127;
      }
      const env = new Map<string, string>();
      for (const n of frame.exported) {
        const v = frame.vars.get(n);
        if (v !== undefined) env.set(n, v);
      }
      for (const [n, v] of assignments) env.set(n, v);
      const stdio = { stdin: fds.get(0) ?? emptyInput(), stdout: fds.get(1) ?? new Pipe(), stderr: err };
      proc = spawnCommand(this.#table, this.#kernel, argv, stdio, frame.task.fork(), env);
      let status: number;
      for (;;) {
        const r = proc.next();
        if (r.done === true) {
          status = r.value;
          break;
        }
        yield r.value;
      }
      proc = undefined;
      const werr = writeErrors[0];
      if (werr !== undefined) {
        const who = BASH_BUILTINS.has(name) ? `${this.#at(cmd.line)}${name}` : name;
        err.write(`${who}: write error: ${werr.strerror}\n`);
        return 1;
      }
      return status;
    } finally {
      proc?.return?.(0);
      for (const c of cleanups) c();
      if (closeStdout) stdout.close();
    }
  }

  /** Words and assignment values expanded; `undefined` after a bad substitution (reported). */
  #expandCommand(
    cmd: SimpleCommand,
    frame: Frame,
    fds: Descriptors,
  ): { argv: string[]; assignments: [string, string][] } | undefined {
    try {
      const assignments: [string, string][] = cmd.assignments.map((a) => [a.name, this.#expandString(a.value, frame)]);
      const argv = cmd.words.flatMap((w) => this.#expandFields(w, frame));
      return { argv, assignments };
    } catch (e) {
      if (!(e instanceof BadSubstitution)) throw e;
      fds.get(2)?.write(`${this.#at(cmd.line)}${e.text}: bad substitution\n`);
      return undefined;
    }
  }

  #param(name: string, frame: Frame): string {
    switch (name) {
      case '?':
        return String(frame.status);
      case '$':
        return String(this.#task.pid);
      case '!':
        return this.#lastBackground === undefined ? '' : String(this.#lastBackground);
      case '#':
        return '0';
      case '0':
        return this.#name;
      case '-':
        return 'hB';
      default:
        return frame.vars.get(name) ?? '';
    }
  }

  /** A word as one string, without field splitting (assignment values, redirect targets). */
  #expandString(word: Word, frame: Frame): string {
    let out = '';
    for (const p of word.parts) {
      if (p.kind === 'bad') throw new BadSubstitution(p.text);
      out += p.kind === 'text' ? p.text : this.#param(p.name, frame);
    }
    return out;
  }

  /**
   * A word's fields: unquoted expansions split at blanks and newlines, an unquoted
   * expansion that is empty vanishes, quotes keep an empty word.
   */
  #expandFields(word: Word, frame: Frame): string[] {
    const fields: string[] = [];
    let current = '';
    let has = false;
    for (const p of word.parts) {
      if (p.kind === 'bad') throw new BadSubstitution(p.text);
      if (p.kind === 'text') {
        current += p.text;
        has ||= p.quoted || p.text !== '';
        continue;
      }
      const value = this.#param(p.name, frame);
      if (p.quoted) {
        current += value;
        has = true;
        continue;
      }
      const pieces = value.split(/[ \t\n]+/);
      pieces.forEach((piece, i) => {
        if (i > 0 && has) {
          fields.push(current);
          current = '';
          has = false;
        }
        current += piece;
        has ||= piece !== '';
      });
    }
    if (has) fields.push(current);
    return fields;
  }

  /** Echo a command for `-x`: `words` already quoted. */
  #traceCommand(words: readonly string[]): void {
    if (this.#trace?.form !== 'expanded') return;
    this.#echo(`${this.#trace.prefix}${words.join(' ')}\n`);
  }

  /**
   * Apply `cmd`'s redirections to `fds` in order; on an error print bash's message on
   * the standard error as redirected so far and return false.
   */
  #redirect(cmd: SimpleCommand, frame: Frame, fds: Descriptors, cleanups: (() => void)[], writeErrors: NetError[] = []): boolean {
    const at = this.#at(cmd.line);
    for (const r of cmd.redirects) {
      let target: string;
      try {
        target = this.#expandString(r.target, frame);
      } catch (e) {
        if (!(e instanceof BadSubstitution)) throw e;
        fds.get(2)?.write(`${at}${e.text}: bad substitution\n`);
        return false;
      }
      const error = this.#applyRedirect(r, target, fds, cleanups, writeErrors);
      if (error !== undefined) {
        fds.get(2)?.write(`${at}${error}\n`);
        return false;
      }
    }
    return true;
  }

  /** One redirection; the message on failure. */
  #applyRedirect(r: Redirect, target: string, fds: Descriptors, cleanups: (() => void)[], writeErrors: NetError[]): string | undefined {
    if (r.op === '>&' || r.op === '<&') {
      if (target === '-') {
        fds.delete(r.fd);
        return undefined;
      }
      if (/^[0-9]+$/.test(target)) {
        const from = fds.get(Number(target));
        if (from === undefined) return `${target}: Bad file descriptor`;
        fds.set(r.fd, from);
        return undefined;
      }
      if (r.explicitFd || r.op === '<&') return `${target}: ambiguous redirect`;
    }
    if (r.op === '<') {
      const input = new Pipe();
      try {
        input.write(readShellFile(this.#kernel, this.#task, target));
      } catch (e) {
        if (!isNetError(e, 'EISDIR')) return `${target}: ${strerror(e)}`;
      }
      input.close();
      fds.set(r.fd, input);
      return undefined;
    }
    const both = r.op === '&>' || r.op === '&>>' || r.op === '>&';
    const output = this.#openOutput(target, fds, cleanups, writeErrors);
    if (typeof output === 'string') return output;
    fds.set(both ? 1 : r.fd, output);
    if (both) fds.set(2, output);
    return undefined;
  }

  /** A writable stream for `path`: `/dev/null`, `/dev/stdout`, `/dev/stderr`, or a `/proc` file. */
  #openOutput(path: string, fds: Descriptors, cleanups: (() => void)[], writeErrors: NetError[]): Pipe | string {
    if (isDevNull(path)) return new Pipe(() => undefined);
    const abs = absolute(path);
    if (abs === '/dev/stdout' || abs === '/dev/stderr') {
      const p = fds.get(abs === '/dev/stdout' ? 1 : 2);
      return p ?? `${path}: Bad file descriptor`;
    }
    const fs = procFs(this.#kernel);
    let fd: number;
    try {
      fd = fs.open(this.#task, abs, 'w');
    } catch (e) {
      return `${path}: ${strerror(e)}`;
    }
    cleanups.push(() => {
      if (this.#task.alive) this.#task.close(fd);
    });
    return new Pipe((text) => {
      try {
        fs.write(this.#task, fd, text);
      } catch (e) {
        if (!(e instanceof NetError)) throw e;
        writeErrors.push(e);
      }
    });
  }
}

/** A `${...}` the shell cannot expand. */
class BadSubstitution {
  constructor(readonly text: string) {}
}

function strerror(e: unknown): string {
  if (e instanceof NetError) return e.strerror;
  throw e;
}

/** A word as `bash -x` shows it: single-quoted when it holds anything special. */
function quoteForTrace(word: string): string {
  if (word === '') return "''";
  if (!/[\s|&;()<>'"\\$`*?[\]#~{}!^]/.test(word)) return word;
  return `'${word.replaceAll("'", "'\\''")}'`;
}
