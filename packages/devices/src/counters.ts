/**
 * Per-device counters: the fields of `struct rtnl_link_stats64`
 * (`include/uapi/linux/if_link.h`), in its order, as one `Float64Array` per device
 * (exact up to 2^53), and the sixteen columns `/proc/net/dev` prints from them.
 *
 * @module
 */

/** Index of each `rtnl_link_stats64` field in a device's counter array. */
export const STAT = {
  rx_packets: 0,
  tx_packets: 1,
  rx_bytes: 2,
  tx_bytes: 3,
  rx_errors: 4,
  tx_errors: 5,
  rx_dropped: 6,
  tx_dropped: 7,
  multicast: 8,
  collisions: 9,
  rx_length_errors: 10,
  rx_over_errors: 11,
  rx_crc_errors: 12,
  rx_frame_errors: 13,
  rx_fifo_errors: 14,
  rx_missed_errors: 15,
  tx_aborted_errors: 16,
  tx_carrier_errors: 17,
  tx_fifo_errors: 18,
  tx_heartbeat_errors: 19,
  tx_window_errors: 20,
  rx_compressed: 21,
  tx_compressed: 22,
  rx_nohandler: 23,
} as const;

/** The name of a counter. */
export type StatName = keyof typeof STAT;

/** Number of counters per device. */
export const STAT_COUNT = 24;

/**
 * The sixteen numbers of a device's `/proc/net/dev` row, folded from the counters exactly
 * as `dev_seq_printf_stats()` (`net/core/net-procfs.c`) folds them: receive bytes,
 * packets, errs, drop (dropped + missed), fifo, frame (length + over + crc + frame),
 * compressed, multicast; transmit bytes, packets, errs, drop, fifo, colls, carrier
 * (carrier + aborted + window + heartbeat), compressed.
 *
 * @example
 * ```ts
 * import { STAT, STAT_COUNT, procNetDevColumns } from '@netstage/devices';
 * const stats = new Float64Array(STAT_COUNT);
 * stats[STAT.rx_bytes] = 312;
 * stats[STAT.rx_packets] = 4;
 * procNetDevColumns(stats).slice(0, 2); // [312, 4]
 * ```
 */
export function procNetDevColumns(stats: Float64Array): number[] {
  const s = (name: StatName): number => stats[STAT[name]] ?? 0;
  return [
    s('rx_bytes'),
    s('rx_packets'),
    s('rx_errors'),
    s('rx_dropped') + s('rx_missed_errors'),
    s('rx_fifo_errors'),
    s('rx_length_errors') + s('rx_over_errors') + s('rx_crc_errors') + s('rx_frame_errors'),
    s('rx_compressed'),
    s('multicast'),
    s('tx_bytes'),
    s('tx_packets'),
    s('tx_errors'),
    s('tx_dropped'),
    s('tx_fifo_errors'),
    s('collisions'),
    s('tx_carrier_errors') + s('tx_aborted_errors') + s('tx_window_errors') + s('tx_heartbeat_errors'),
    s('tx_compressed'),
  ];
}
