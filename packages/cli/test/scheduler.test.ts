// The shell's process model: generators stepped by a scheduler in virtual time.
import { Kernel } from '@netstage/core-net';
import { describe, expect, it } from 'vitest';
import { Deadlock, Pipe, Scheduler, readAll, runArgv, sleep, type Command } from '../src/index.js';

describe('Scheduler', () => {
  it('runs a sleeper in virtual time: the clock jumps, no wall time passes', () => {
    const kernel = Kernel.boot();
    const s = new Scheduler(kernel);
    const order: string[] = [];
    const a = s.spawn((function* () { yield* sleep({ kernel }, 2000); order.push(`a@${kernel.clock.now}`); return 0; })());
    const b = s.spawn((function* () { yield* sleep({ kernel }, 500); order.push(`b@${kernel.clock.now}`); return 7; })());
    s.run(() => a.done && b.done);
    expect(order).toEqual(['b@500', 'a@2000']);
    expect([a.status, b.status]).toEqual([0, 7]);
  });

  it('a reader waits for its writer through a pipe', () => {
    const kernel = Kernel.boot();
    const s = new Scheduler(kernel);
    const p = new Pipe();
    let got = '';
    const reader = s.spawn((function* () { got = yield* readAll(p); return 0; })());
    s.spawn((function* () { p.write('one\n'); yield* sleep({ kernel }, 10); p.write('two\n'); p.close(); return 0; })());
    s.run(() => reader.done);
    expect(got).toBe('one\ntwo\n');
    expect(kernel.clock.now).toBe(10);
  });

  it('gives up with Deadlock when nothing can wake a waiting process', () => {
    const kernel = Kernel.boot();
    const s = new Scheduler(kernel);
    const p = new Pipe();
    const job = s.spawn((function* () { yield* readAll(p); return 0; })());
    expect(() => s.run(() => job.done)).toThrow(Deadlock);
  });
});

describe('runArgv', () => {
  const cat: Command = function* (ctx) {
    ctx.stdout.write(yield* readAll(ctx.stdin));
    return ctx.task.net.isInit ? 0 : 1;
  };
  it('runs a command as a child task that exits with it; unknown names are 127', () => {
    const kernel = Kernel.boot();
    const table = new Map([['cat', cat]]);
    expect(runArgv(table, kernel, ['cat'], { stdin: 'x\n' })).toEqual({ stdout: 'x\n', stderr: '', status: 0 });
    expect(runArgv(table, kernel, ['nosuch'])).toEqual({ stdout: '', stderr: 'nosuch: command not found\n', status: 127 });
    expect(kernel.tasks()).toHaveLength(1);
  });
});
