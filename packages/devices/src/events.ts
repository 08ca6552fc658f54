/**
 * The device-event chain: what `register_netdevice_notifier()` and
 * `call_netdevice_notifiers()` are in `net/core/dev.c`.
 *
 * @module
 */

import type { Kernel, Stage } from '@netstage/core-net';
import type { NetDevice } from './device.js';

/** A device event (`NETDEV_*` in `include/linux/netdevice.h`). */
export type NetdevEvent =
  | 'register'
  | 'unregister'
  | 'up'
  | 'going-down'
  | 'down'
  | 'change'
  | 'change-name'
  | 'change-mtu'
  | 'change-addr';

/**
 * A subscriber to device events: a layer that reacts to devices coming, going and
 * changing (addresses flushed on a move, routes on a down, ARP entries on an address
 * change).
 *
 * @example
 * ```ts
 * import type { NetdevSubscriber } from '@netstage/devices';
 * const logger: NetdevSubscriber = {
 *   name: 'logger',
 *   onEvent: (event, dev) => console.log(event, dev.name),
 * };
 * ```
 */
export interface NetdevSubscriber {
  /** For messages. */
  readonly name: string;
  /**
   * The stage that makes this subscriber namespace aware. Until it is on, it hears
   * nothing about devices outside `initNet` (`NOTIFY_DONE`, patch 11). Omitted: aware
   * from the start.
   */
  readonly stage?: string;
  /** Called for each event, in subscription order. Must not throw. */
  onEvent(event: NetdevEvent, dev: NetDevice): void;
}

interface Entry {
  readonly subscriber: NetdevSubscriber;
  readonly stage: Stage | undefined;
}

/**
 * One kernel's device-event chain.
 *
 * Events for a device outside `initNet` reach a subscriber only through two gates: the
 * chain's own (`dev-events-ns-safe`, patch 11) and the subscriber's stage.
 */
export class NetdevChain {
  readonly #kernel: Kernel;
  readonly #chainStage: Stage;
  #entries: Entry[] = [];

  /** @internal one per kernel, made by the devices layer. */
  constructor(kernel: Kernel, chainStage: Stage) {
    this.#kernel = kernel;
    this.#chainStage = chainStage;
  }

  /** How many subscribers are registered. */
  get size(): number {
    return this.#entries.length;
  }

  /**
   * Subscribe; returns the function that unsubscribes.
   *
   * @throws ManifestError when the subscriber names a stage the kernel does not have.
   */
  subscribe(subscriber: NetdevSubscriber): () => void {
    const stage = subscriber.stage === undefined ? undefined : this.#kernel.manifest.stage(subscriber.stage);
    const entry: Entry = { subscriber, stage };
    this.#entries = [...this.#entries, entry];
    return () => {
      this.#entries = this.#entries.filter((e) => e !== entry);
    };
  }

  /** Deliver an event to every subscriber whose gates let it through. */
  notify(event: NetdevEvent, dev: NetDevice): void {
    const net = dev.net;
    const stages = this.#kernel.stages;
    if (!net.isInit && !stages.gate(this.#chainStage, net)) return;
    for (const e of this.#entries) {
      if (e.stage !== undefined && !stages.gate(e.stage, net)) continue;
      e.subscriber.onEvent(event, dev);
    }
  }
}
