import type { ClusterSpec } from './types.js';

/*
 * Scale-out bandwidth is per GPU, one direction: one 400 Gb/s NIC per GPU (ConnectX-7 /
 * BlueField-3 on InfiniBand NDR or Spectrum-X Ethernet) = 50 GB/s; HDR 200 Gb/s = 25 GB/s;
 * EDR 100 Gb/s = 12.5 GB/s. Scale-up domains: 8 for an HGX board, 72 for a GB200 NVL72 rack.
 */
export const clusterPresets: readonly ClusterSpec[] = [
  {
    name: 'colossus-1',
    description:
      'xAI Colossus as publicly reported: 150,000 H100 + 50,000 H200 + 20,000 GB200 in one synchronous job, 400 Gb/s Ethernet per GPU.',
    groups: [
      { gpu: 'h100-sxm', count: 150_000, scaleUpDomain: 8, scaleOutGBs: 50 },
      { gpu: 'h200-sxm', count: 50_000, scaleUpDomain: 8, scaleOutGBs: 50 },
      { gpu: 'gb200', count: 20_000, scaleUpDomain: 72, scaleOutGBs: 50 },
    ],
  },
  {
    name: 'homogeneous-h100',
    description: 'The comparison point: the same 220,000 GPUs, all H100 SXM in HGX boards.',
    groups: [{ gpu: 'h100-sxm', count: 220_000, scaleUpDomain: 8, scaleOutGBs: 50 }],
  },
  {
    name: 'lab-a100-h100',
    description: 'A small lab: one HGX A100 box (HDR 200 Gb/s per GPU) next to one HGX H100 box (NDR 400 Gb/s).',
    groups: [
      { gpu: 'a100-sxm-80gb', count: 8, scaleUpDomain: 8, scaleOutGBs: 25 },
      { gpu: 'h100-sxm', count: 8, scaleUpDomain: 8, scaleOutGBs: 50 },
    ],
  },
  {
    name: 'lab-v100-a100-h100',
    description: 'Three generations, four GPUs each, one 4-GPU NVLink node per generation.',
    groups: [
      { gpu: 'v100-sxm2-32gb', count: 4, scaleUpDomain: 4, scaleOutGBs: 12.5 },
      { gpu: 'a100-sxm-80gb', count: 4, scaleUpDomain: 4, scaleOutGBs: 25 },
      { gpu: 'h100-sxm', count: 4, scaleUpDomain: 4, scaleOutGBs: 50 },
    ],
  },
  {
    name: 'lab-pcie-l40s-rtx-pro',
    description: 'PCIe cards without NVLink: 8 L40S and 8 RTX PRO 6000 Blackwell, 200 Gb/s per GPU.',
    groups: [
      { gpu: 'l40s', count: 8, scaleUpDomain: 1, scaleOutGBs: 25 },
      { gpu: 'rtx-pro-6000', count: 8, scaleUpDomain: 1, scaleOutGBs: 25 },
    ],
  },
];

export const clusterPresetNames: readonly string[] = clusterPresets.map((c) => c.name);
