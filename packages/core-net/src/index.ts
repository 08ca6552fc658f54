/**
 * # core-net: the kernel core of netstage
 *
 * core-net is the floor every other layer stands on. It owns what Linux keeps in
 * `net/core/net_namespace.c`, `kernel/nsproxy.c` and a little of `kernel/fork.c`:
 *
 * - the **`Kernel`**, which boots with a stage selection, a seed and the layers to
 *   register, and owns `initNet`, the list of live namespaces, the pernet registry,
 *   the tasks, `/run/netns`, the virtual clock and the seeded PRNG;
 * - **`Net`**, the namespace: an id, a counted reference, typed state slots that layers
 *   fill ({@link defineNetKey}), and a lifecycle — when the last reference goes it is
 *   hidden from lookups at once, and its pernet `exit`s run later, in reverse, on the
 *   event queue, as `cleanup_net()` runs from a workqueue;
 * - the **pernet registry**: `init` in registration order with subsystems before
 *   devices, exact undo in reverse when an `init` fails, so no half-built namespace is
 *   ever visible;
 * - **`Task`**, a process with a namespace and a descriptor table: `fork`, `exit`,
 *   `unshare({ net: true })`, `setns(fd)`;
 * - **`NetError`**, the one error type, from the one errno table;
 * - **`VirtualClock`**: virtual time, a FIFO for same-instant work and a timer heap;
 * - the **stage framework**: the manifest of historical conversion steps each layer
 *   contributes, selections of it (`all`, `none`, a number, an id, a list checked
 *   against `requires`), gates with refusal counters, explanations, and state slots
 *   that resolve to `initNet`'s state while their stage is off.
 *
 * What core-net never does: know about devices, addresses, packets, sockets or files
 * beyond the namespace handle. Those arrive as layers (`@netstage/devices`,
 * `@netstage/ipv4`, `@netstage/sockets`, `@netstage/procfs`), each registering its
 * stages and pernet operations through the {@link Layer} contract. A lower layer never
 * imports a higher one; the lint checks it.
 *
 * Nothing here reads the wall clock or `Math.random`: time moves only when a driver
 * moves it, and every "random" choice comes from the kernel's seeded {@link Prng}, so
 * two runs with one seed agree.
 *
 * ## The rule every stage keeps
 *
 * A gate is always open for `initNet`. For any other namespace it is open only when its
 * stage is on; otherwise it refuses — with the errno the historical kernel used, or a
 * counted drop — and never falls back to `initNet`'s state. That is what made each
 * prefix of the 2007 series safe to bisect, and what the bisect harness checks.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 *
 * const kernel = Kernel.boot({ stages: 'all', seed: 1 });
 * kernel.netns.add('red');
 * const sh = kernel.netns.exec('red', kernel.initTask);
 * sh.net.isInit;          // false
 * sh.exit();
 * kernel.netns.del('red');
 * kernel.clock.runUntilIdle();
 * kernel.netCount;        // 1
 * ```
 *
 * @packageDocumentation
 */

export { assertField, assertRoom, readU16, readU32, readU8, writeU16 } from './byte-order.js';
export { VirtualClock, type Deferred, type Timer } from './clock.js';
export { coreNetStages } from './core-stages.js';
export {
  NetError,
  errnoNumber,
  errnoTable,
  isErrnoCode,
  isNetError,
  strerror,
  type ErrnoCode,
  type NetErrorDetails,
} from './errno.js';
export { StageSet } from './gate.js';
export { Kernel, defineKernelKey, type BootOptions, type KernelKey, type Layer } from './kernel.js';
export { Net, defineNetKey, type NetKey, type NetLifecycle } from './net.js';
export { NetnsRegistry, utf8Length } from './netns.js';
export { insertedAt, removedAt } from './exact-arrays.js';
export { allocPacketBuffer } from './page-frag.js';
export { PernetList, type PernetKind, type PernetOperations } from './pernet.js';
export { Prng } from './random.js';
export {
  Manifest,
  ManifestError,
  StageSelection,
  stagePrefixes,
  type SelectionResult,
  type Stage,
  type StageDef,
  type StageExplanation,
} from './stage.js';
export { NetNsFile, OpenFile, Task, type UnshareFlags } from './task.js';
