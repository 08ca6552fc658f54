import { describe, expect, it } from 'vitest';
import { VirtualClock, type Timer } from '../src/index.js';

const noop = (): void => undefined;

/** A log that callbacks append to: `push` is passed as the deferred function. */
function recorder(): { seen: string[]; push: (s: string) => void } {
  const seen: string[] = [];
  return { seen, push: (s: string) => void seen.push(s) };
}

describe('VirtualClock: a fresh clock', () => {
  it('starts at 0, idle, with nothing queued', () => {
    const clock = new VirtualClock();
    expect(clock.now).toBe(0);
    expect(clock.idle).toBe(true);
    expect(clock.queued).toBe(0);
    expect(clock.timers).toBe(0);
    expect(clock.runPending()).toBe(0);
    expect(clock.runUntilIdle()).toBe(0);
    expect(clock.now).toBe(0);
  });
});

describe('VirtualClock: the FIFO', () => {
  it('runs posted work in posting order, with its argument, and does not move time', () => {
    const clock = new VirtualClock();
    const { seen, push } = recorder();
    clock.post(push, 'a');
    clock.post(push, 'b');
    clock.post(push, 'c');
    expect(clock.queued).toBe(3);
    expect(clock.idle).toBe(false);
    expect(seen).toEqual([]); // nothing runs until a driver runs it
    expect(clock.runPending()).toBe(3);
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(clock.queued).toBe(0);
    expect(clock.idle).toBe(true);
    expect(clock.now).toBe(0);
  });

  it('runs work posted from a callback in the same runPending, after what was already queued', () => {
    const clock = new VirtualClock();
    const { seen, push } = recorder();
    clock.post((s: string) => {
      push(s);
      clock.post(push, 'posted-by-first');
    }, 'first');
    clock.post(push, 'second');
    expect(clock.runPending()).toBe(3);
    expect(seen).toEqual(['first', 'second', 'posted-by-first']);
    expect(clock.queued).toBe(0);
  });

  it('grows beyond 16 items and keeps order (1000 items)', () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    for (let i = 0; i < 1000; i++) clock.post((k: number) => void seen.push(k), i);
    expect(clock.queued).toBe(1000);
    expect(clock.runPending()).toBe(1000);
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('keeps order when the ring grows while it has wrapped around', () => {
    // Consume part of the ring first, so the head is not at slot 0 when it grows.
    const clock = new VirtualClock();
    const seen: number[] = [];
    const record = (k: number): void => void seen.push(k);
    for (let i = 0; i < 10; i++) clock.post(record, i);
    let next = 10;
    // The 5th item, when it runs, posts 40 more: the ring (16 slots, head at 5) wraps and grows.
    clock.post(() => {
      for (let k = 0; k < 40; k++) clock.post(record, next++);
    }, undefined);
    for (let i = 0; i < 5; i++) clock.post(record, 1000 + i);
    expect(clock.runPending()).toBe(10 + 1 + 5 + 40);
    expect(seen).toEqual([
      ...Array.from({ length: 10 }, (_, i) => i),
      ...Array.from({ length: 5 }, (_, i) => 1000 + i),
      ...Array.from({ length: 40 }, (_, i) => 10 + i),
    ]);
  });
});

describe('VirtualClock: timers', () => {
  it('fire in (time, order set) order, each at its own instant', () => {
    const clock = new VirtualClock();
    const seen: [string, number][] = [];
    const at = (s: string): void => void seen.push([s, clock.now]);
    clock.setTimer(30, at, 'c30');
    clock.setTimer(10, at, 'a10');
    clock.setTimer(20, at, 'b20-first');
    clock.setTimer(20, at, 'b20-second');
    clock.setTimer(10, at, 'a10-second');
    expect(clock.timers).toBe(5);
    expect(clock.advance(100)).toBe(5);
    expect(seen).toEqual([
      ['a10', 10],
      ['a10-second', 10],
      ['b20-first', 20],
      ['b20-second', 20],
      ['c30', 30],
    ]);
    expect(clock.now).toBe(100);
    expect(clock.timers).toBe(0);
  });

  it('keeps (time, order) across many timers set in scrambled order', () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    const whens: number[] = [];
    // 200 timers over 7 distinct instants, order set scrambled by a fixed permutation.
    for (let i = 0; i < 200; i++) {
      const delay = (i * 37) % 7;
      whens.push(delay);
      clock.setTimer(delay, (k: number) => void fired.push(k), i);
    }
    clock.runUntilIdle();
    const expected = Array.from({ length: 200 }, (_, i) => i).sort(
      (a, b) => (whens[a] as number) - (whens[b] as number) || a - b,
    );
    expect(fired).toEqual(expected);
  });

  it('returns a Timer that says when it fires and whether it is pending', () => {
    const clock = new VirtualClock();
    clock.advance(7);
    const t = clock.setTimer(5, noop, undefined);
    expect(t.when).toBe(12);
    expect(t.pending).toBe(true);
    clock.advance(4);
    expect(t.pending).toBe(true);
    clock.advance(1);
    expect(t.pending).toBe(false);
    expect(clock.now).toBe(12);
  });

  it('setTimer(0) runs after the FIFO at the same instant, and its posts run before later timers', () => {
    const clock = new VirtualClock();
    const { seen, push } = recorder();
    clock.post(push, 'fifo-1');
    clock.setTimer(0, (s: string) => {
      push(s);
      clock.post(push, 'posted-by-timer0');
    }, 'timer-0');
    clock.setTimer(0, push, 'timer-0-second');
    clock.post(push, 'fifo-2');
    expect(clock.runPending()).toBe(5);
    expect(seen).toEqual(['fifo-1', 'fifo-2', 'timer-0', 'posted-by-timer0', 'timer-0-second']);
    expect(clock.now).toBe(0);
  });

  it('runPending does not run timers that are due later', () => {
    const clock = new VirtualClock();
    const { seen, push } = recorder();
    clock.setTimer(1, push, 'later');
    expect(clock.runPending()).toBe(0);
    expect(seen).toEqual([]);
    expect(clock.idle).toBe(false);
    expect(clock.timers).toBe(1);
  });

  it('advance runs items at their own instant and stops at the target', () => {
    const clock = new VirtualClock();
    const seen: [string, number][] = [];
    const at = (s: string): void => void seen.push([s, clock.now]);
    clock.post(at, 'now');
    clock.setTimer(10, (s: string) => {
      at(s);
      // Posted work and a zero timer set at t=10 run at t=10 too.
      clock.post(at, 'posted-at-10');
      clock.setTimer(0, at, 'zero-at-10');
      clock.setTimer(5, at, 'at-15');
    }, 'at-10');
    clock.setTimer(25, at, 'at-25');
    expect(clock.advance(20)).toBe(5);
    expect(seen).toEqual([
      ['now', 0],
      ['at-10', 10],
      ['posted-at-10', 10],
      ['zero-at-10', 10],
      ['at-15', 15],
    ]);
    expect(clock.now).toBe(20);
    expect(clock.timers).toBe(1);
    // A timer exactly at the end of the advance fires, at that instant.
    expect(clock.advance(5)).toBe(1);
    expect(seen.at(-1)).toEqual(['at-25', 25]);
    expect(clock.now).toBe(25);
  });

  it('advance(0) runs what is due now', () => {
    const clock = new VirtualClock();
    const { seen, push } = recorder();
    clock.post(push, 'x');
    clock.setTimer(0, push, 'y');
    expect(clock.advance(0)).toBe(2);
    expect(seen).toEqual(['x', 'y']);
    expect(clock.now).toBe(0);
  });

  it('timers set relative to the current time after the clock moved', () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    clock.advance(1000);
    clock.setTimer(1, () => void seen.push(clock.now), undefined);
    clock.advance(1);
    expect(seen).toEqual([1001]);
  });
});

describe('VirtualClock: cancelTimer', () => {
  it('a cancelled timer never fires and no longer counts', () => {
    const clock = new VirtualClock();
    const { seen, push } = recorder();
    const a = clock.setTimer(5, push, 'a');
    clock.setTimer(6, push, 'b');
    expect(clock.timers).toBe(2);
    clock.cancelTimer(a);
    expect(a.pending).toBe(false);
    expect(clock.timers).toBe(1);
    // Cancelling again changes nothing.
    clock.cancelTimer(a);
    expect(clock.timers).toBe(1);
    clock.advance(10);
    expect(seen).toEqual(['b']);
    expect(clock.timers).toBe(0);
    expect(clock.idle).toBe(true);
  });

  it('cancelling a timer that already fired is left alone (the count does not go wrong)', () => {
    const clock = new VirtualClock();
    const { seen, push } = recorder();
    const fired = clock.setTimer(1, push, 'fired');
    clock.advance(1);
    expect(seen).toEqual(['fired']);
    expect(clock.timers).toBe(0);
    clock.cancelTimer(fired);
    expect(clock.timers).toBe(0);
    const later = clock.setTimer(1, push, 'later');
    expect(clock.timers).toBe(1);
    expect(later.pending).toBe(true);
    expect(clock.idle).toBe(false);
    clock.advance(1);
    expect(seen).toEqual(['fired', 'later']);
    expect(clock.timers).toBe(0);
  });

  it('cancelling the earliest timer lets the next one through at its own time', () => {
    const clock = new VirtualClock();
    const seen: [string, number][] = [];
    const at = (s: string): void => void seen.push([s, clock.now]);
    const first = clock.setTimer(1, at, 'first');
    clock.setTimer(3, at, 'third');
    clock.setTimer(2, at, 'second');
    clock.cancelTimer(first);
    expect(clock.runUntilIdle()).toBe(2);
    expect(seen).toEqual([
      ['second', 2],
      ['third', 3],
    ]);
    expect(clock.now).toBe(3);
  });

  it('an idle clock with only cancelled timers is idle, and runUntilIdle does not move time', () => {
    const clock = new VirtualClock();
    const t: Timer = clock.setTimer(50, noop, undefined);
    clock.cancelTimer(t);
    expect(clock.idle).toBe(true);
    expect(clock.runUntilIdle()).toBe(0);
    expect(clock.now).toBe(0);
  });

  it('a callback may cancel a timer due at the same instant', () => {
    const clock = new VirtualClock();
    const { seen, push } = recorder();
    const held: { victim?: Timer } = {};
    clock.setTimer(5, (s: string) => {
      push(s);
      if (held.victim !== undefined) clock.cancelTimer(held.victim);
    }, 'killer');
    held.victim = clock.setTimer(5, push, 'victim');
    clock.advance(5);
    expect(seen).toEqual(['killer']);
    expect(clock.timers).toBe(0);
  });
});

describe('VirtualClock: runUntilIdle', () => {
  it('jumps time to each timer and returns how many items ran', () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    const at = (): void => void seen.push(clock.now);
    clock.post(at, undefined);
    clock.setTimer(1_000, at, undefined);
    clock.setTimer(60_000, () => {
      at();
      clock.setTimer(500, at, undefined);
    }, undefined);
    expect(clock.runUntilIdle()).toBe(4);
    expect(seen).toEqual([0, 1_000, 60_000, 60_500]);
    expect(clock.now).toBe(60_500);
    expect(clock.idle).toBe(true);
  });

  it('throws, naming the limit, for a timer that re-arms itself forever', () => {
    const clock = new VirtualClock();
    let runs = 0;
    const rearm = (): void => {
      runs++;
      clock.setTimer(1, rearm, undefined);
    };
    clock.setTimer(1, rearm, undefined);
    expect(() => clock.runUntilIdle(100)).toThrow(/more than 100 items ran/);
    expect(runs).toBeGreaterThan(100);
    expect(runs).toBeLessThan(1000);
  });

  it.each([
    ['a zero-delay timer', (clock: VirtualClock, bump: () => void): void => {
      const rearm = (): void => {
        bump();
        clock.setTimer(0, rearm, undefined);
      };
      clock.setTimer(0, rearm, undefined);
    }],
    ['work that re-posts itself', (clock: VirtualClock, bump: () => void): void => {
      const again = (): void => {
        bump();
        clock.post(again, undefined);
      };
      clock.post(again, undefined);
    }],
  ])('throws for %s that re-arms at the same instant, after exactly maxItems + 1 items', (_what, arm) => {
    const clock = new VirtualClock();
    let runs = 0;
    arm(clock, () => {
      runs++;
    });
    expect(() => clock.runUntilIdle(100)).toThrow(/more than 100 items ran/);
    expect(runs).toBe(101);
    expect(clock.now).toBe(0);
  });

  it('does not throw when exactly maxItems run', () => {
    const clock = new VirtualClock();
    for (let i = 0; i < 10; i++) clock.setTimer(i, noop, undefined);
    expect(clock.runUntilIdle(10)).toBe(10);
  });
});

describe('VirtualClock: bad delays', () => {
  it.each([-1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'setTimer(%s) throws RangeError and sets nothing',
    (delay) => {
      const clock = new VirtualClock();
      expect(() => clock.setTimer(delay, noop, undefined)).toThrow(RangeError);
      expect(clock.timers).toBe(0);
      expect(clock.idle).toBe(true);
    },
  );

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('advance(%s) throws RangeError and keeps the time', (ms) => {
    const clock = new VirtualClock();
    clock.advance(3);
    const { seen, push } = recorder();
    clock.post(push, 'x');
    expect(() => clock.advance(ms)).toThrow(RangeError);
    expect(clock.now).toBe(3);
    expect(seen).toEqual([]);
  });
});
