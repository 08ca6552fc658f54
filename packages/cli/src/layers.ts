/**
 * The layer packages the `netstage` command boots its kernels with, lowest first.
 * core-net is always there.
 *
 * @module
 */

import type { Layer } from '@netstage/core-net';
import { devicesLayer } from '@netstage/devices';
import { ipv4Layer } from '@netstage/ipv4';
import { procfsLayer } from '@netstage/procfs';
import { socketsLayer } from '@netstage/sockets';

/** Every layer the command knows, lowest first (core-net is implicit). */
export const netstageLayers: readonly Layer[] = [devicesLayer(), ipv4Layer(), socketsLayer(), procfsLayer()];
