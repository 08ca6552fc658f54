/**
 * The layer packages the `netstage` command boots its kernels with, lowest first.
 * core-net is always there; later issues add devices, ipv4, sockets and procfs here.
 *
 * @module
 */

import type { Layer } from '@netstage/core-net';
import { devicesLayer } from '@netstage/devices';
import { ipv4Layer } from '@netstage/ipv4';

/** Every layer the command knows, lowest first (core-net is implicit). */
export const netstageLayers: readonly Layer[] = [devicesLayer(), ipv4Layer()];
