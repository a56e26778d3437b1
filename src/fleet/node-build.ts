import { hostname } from 'node:os';
import { environmentOf } from '../bench/environment.js';
import type { Gpu } from '../gpu/open.js';
import { VERSION } from '../version.js';
import type { NodeMeasurement } from './measure-node.js';
import { FLEET_SCHEMA_VERSION, type FleetNodeReport, type NodeIdentity, visibleDevices } from './node-report.js';

/** The node file of one measurement: identity and host from this process, sections as measured. */
export function buildNodeReport(
  gpu: Gpu,
  identity: Omit<NodeIdentity, 'name'> & { readonly name?: string },
  workload: string,
  measured: NodeMeasurement,
  wallS: number,
): FleetNodeReport {
  const env = environmentOf(gpu);
  const host = hostname();
  const devices = visibleDevices(process.env);
  return {
    tool: 'hetbench',
    kind: 'fleet-node',
    schemaVersion: FLEET_SCHEMA_VERSION,
    hetbenchVersion: VERSION,
    complete: measured.failure === null,
    failure: measured.failure?.message ?? null,
    node: { name: identity.name ?? host, index: identity.index, gpu: identity.gpu },
    host: {
      hostname: host,
      cpu: env.cpu,
      cores: env.cores,
      os: env.os,
      node: env.node,
      webgpu: env.webgpu,
      ...(devices === undefined ? {} : { visibleDevices: devices }),
    },
    adapter: gpu.info,
    timing: env.timing,
    workload,
    roofline: measured.roofline,
    matmul: measured.matmul,
    units: measured.units,
    wallS,
  };
}
