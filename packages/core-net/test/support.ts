// Shared by the core-net tests: the leak check every test that makes namespaces ends
// with, and a way to catch the NetError a call throws.
import { expect } from 'vitest';
import { NetError, type Kernel } from '../src/index.js';

/** Drain the queue; then only initNet may be alive and nothing may be dying. */
export function expectNoLeak(k: Kernel): void {
  k.clock.runUntilIdle();
  expect(k.netCount).toBe(1);
  expect(k.dyingCount).toBe(0);
}

/** The NetError `fn` throws; fails the test if it throws nothing or something else. */
export function netErrorOf(fn: () => unknown): NetError {
  try {
    fn();
  } catch (err) {
    if (err instanceof NetError) return err;
    throw err;
  }
  throw new Error('expected a NetError, but nothing was thrown');
}
