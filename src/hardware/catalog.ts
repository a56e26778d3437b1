import { SpecError } from '../errors.js';
import { nearestNames } from '../spec/nearest-names.js';
import type { GpuSpec, Source } from './types.js';

/*
 * The GPU generations hetbench knows, with every number sourced. Conventions:
 * - bf16DenseTflops is the dense tensor rate. Datasheets headline the 2:4-sparse figure
 *   ("1,979 TFLOPS*" for H100/H200); we halve it and say so in the note.
 * - scaleUpGBs is one direction per GPU: NVLink's "900 GB/s" is the bidirectional total,
 *   so 450 GB/s each way. PCIe-only cards have no scale-up link (null).
 * - GB200 is one Blackwell GPU of a GB200 superchip (two GPUs + one Grace CPU), as it sits
 *   in an NVL72 rack: rack totals divided by 72.
 */

const H100 = 'https://www.nvidia.com/en-us/data-center/h100/';
const H200 = 'https://www.nvidia.com/en-us/data-center/h200/';
const GB200 = 'https://www.nvidia.com/en-us/data-center/gb200-nvl72/';
const HGX_B200 = 'https://www.nvidia.com/en-us/data-center/hgx/';
const A100 =
  'https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf';
const V100 = 'https://images.nvidia.com/content/technologies/volta/pdf/volta-v100-datasheet-update-us-1165301-r5.pdf';
const MI300X = 'https://www.amd.com/en/products/accelerators/instinct/mi300/mi300x.html';
const L40S = 'https://www.nvidia.com/en-us/data-center/l40s/';
const RTX_PRO_6000 = 'https://www.nvidia.com/en-us/products/workstations/professional-desktop-gpus/rtx-pro-6000/';

const at = (url: string, note?: string): Source => (note === undefined ? { url } : { url, note });

export const catalog: readonly GpuSpec[] = [
  {
    id: 'h100-sxm',
    name: 'NVIDIA H100 SXM5 80GB',
    vendor: 'nvidia',
    bf16DenseTflops: 989.4,
    fp32Tflops: 67,
    memoryGB: 80,
    memoryBandwidthTBs: 3.35,
    scaleUpGBs: 450,
    tdpW: 700,
    sources: {
      bf16DenseTflops: at(H100, 'datasheet BF16 Tensor Core 1,979 TFLOPS is with sparsity; dense is half (989.4)'),
      fp32Tflops: at(H100, 'datasheet FP32 67 TFLOPS'),
      memoryGB: at(H100, 'datasheet GPU memory 80 GB HBM3'),
      memoryBandwidthTBs: at(H100, 'datasheet GPU memory bandwidth 3.35 TB/s'),
      scaleUpGBs: at(H100, 'NVLink 4: 900 GB/s bidirectional total, 450 GB/s each way'),
      tdpW: at(H100, 'datasheet max TDP up to 700 W (configurable)'),
    },
  },
  {
    id: 'h200-sxm',
    name: 'NVIDIA H200 SXM 141GB',
    vendor: 'nvidia',
    bf16DenseTflops: 989.4,
    fp32Tflops: 67,
    memoryGB: 141,
    memoryBandwidthTBs: 4.8,
    scaleUpGBs: 450,
    tdpW: 700,
    sources: {
      bf16DenseTflops: at(
        H200,
        'datasheet BF16 Tensor Core 1,979 TFLOPS is with sparsity; dense is half (989.4), same GH100 compute as H100',
      ),
      fp32Tflops: at(H200, 'datasheet FP32 67 TFLOPS'),
      memoryGB: at(H200, 'datasheet GPU memory 141 GB HBM3e'),
      memoryBandwidthTBs: at(H200, 'datasheet GPU memory bandwidth 4.8 TB/s'),
      scaleUpGBs: at(H200, 'NVLink 4: 900 GB/s bidirectional total, 450 GB/s each way'),
      tdpW: at(H200, 'datasheet max TDP up to 700 W (configurable)'),
    },
  },
  {
    id: 'gb200',
    name: 'NVIDIA GB200 (one Blackwell GPU of the superchip, NVL72)',
    vendor: 'nvidia',
    bf16DenseTflops: 2500,
    fp32Tflops: 80,
    memoryGB: 186,
    memoryBandwidthTBs: 8,
    scaleUpGBs: 900,
    tdpW: 1200,
    sources: {
      bf16DenseTflops: at(
        GB200,
        'NVL72 FP16/BF16 Tensor Core 360 PFLOPS with sparsity for 72 GPUs: 5 PFLOPS sparse, 2.5 PFLOPS dense per GPU (180 PF / 72)',
      ),
      fp32Tflops: at(GB200, 'per-GPU table FP32 80 TFLOPS'),
      memoryGB: at(GB200, 'per-GPU table 186 GB HBM3e'),
      memoryBandwidthTBs: at(GB200, 'per-GPU table 8 TB/s (rack 576 TB/s / 72)'),
      scaleUpGBs: at(GB200, 'NVLink 5: 1.8 TB/s bidirectional per GPU (rack 130 TB/s / 72), 900 GB/s each way'),
      tdpW: at(GB200, 'per-GPU table: configurable up to 1,200 W'),
    },
  },
  {
    id: 'b200',
    name: 'NVIDIA B200 (HGX B200)',
    vendor: 'nvidia',
    bf16DenseTflops: 2250,
    fp32Tflops: 75,
    memoryGB: 180,
    memoryBandwidthTBs: 7.7,
    scaleUpGBs: 900,
    tdpW: 1000,
    sources: {
      bf16DenseTflops: at(
        HGX_B200,
        'HGX B200 per-GPU FP16/BF16 Tensor Core 4.5 PFLOPS with sparsity; dense 2.25 PFLOPS',
      ),
      fp32Tflops: at(HGX_B200, 'HGX B200 per-GPU FP32 75 TFLOPS'),
      memoryGB: at(HGX_B200, 'HGX B200 per-GPU 180 GB HBM3e'),
      memoryBandwidthTBs: at(HGX_B200, 'HGX B200 per-GPU 7.7 TB/s'),
      scaleUpGBs: at(HGX_B200, 'NVLink 5: 1.8 TB/s bidirectional per GPU, 900 GB/s each way'),
      tdpW: at(HGX_B200, 'HGX B200 per-GPU: configurable up to 1,000 W'),
    },
  },
  {
    id: 'a100-sxm-80gb',
    name: 'NVIDIA A100 SXM4 80GB',
    vendor: 'nvidia',
    bf16DenseTflops: 312,
    fp32Tflops: 19.5,
    memoryGB: 80,
    memoryBandwidthTBs: 2.039,
    scaleUpGBs: 300,
    tdpW: 400,
    sources: {
      bf16DenseTflops: at(A100, 'datasheet BF16 Tensor Core 312 TFLOPS dense (624 with sparsity)'),
      fp32Tflops: at(A100, 'datasheet FP32 19.5 TFLOPS'),
      memoryGB: at(A100, 'datasheet 80 GB HBM2e'),
      memoryBandwidthTBs: at(A100, 'datasheet A100 80GB SXM 2,039 GB/s'),
      scaleUpGBs: at(A100, 'NVLink 3: 600 GB/s bidirectional total, 300 GB/s each way'),
      tdpW: at(A100, 'datasheet max TDP 400 W (SXM)'),
    },
  },
  {
    id: 'v100-sxm2-32gb',
    name: 'NVIDIA V100 SXM2 32GB',
    vendor: 'nvidia',
    bf16DenseTflops: 125,
    fp32Tflops: 15.7,
    memoryGB: 32,
    memoryBandwidthTBs: 0.9,
    scaleUpGBs: 150,
    tdpW: 300,
    sources: {
      bf16DenseTflops: at(
        V100,
        'datasheet Tensor Performance 125 TFLOPS (FP16; Volta has no BF16, so a bf16 workload is modelled at the FP16 rate)',
      ),
      fp32Tflops: at(V100, 'datasheet single-precision 15.7 TFLOPS (SXM2)'),
      memoryGB: at(V100, 'datasheet 32 GB HBM2'),
      memoryBandwidthTBs: at(V100, 'datasheet 900 GB/s'),
      scaleUpGBs: at(V100, 'NVLink 2: 300 GB/s bidirectional total, 150 GB/s each way'),
      tdpW: at(V100, 'datasheet max power 300 W (SXM2)'),
    },
  },
  {
    id: 'mi300x',
    name: 'AMD Instinct MI300X',
    vendor: 'amd',
    bf16DenseTflops: 1307.4,
    fp32Tflops: 163.4,
    memoryGB: 192,
    memoryBandwidthTBs: 5.3,
    scaleUpGBs: 448,
    tdpW: 750,
    sources: {
      bf16DenseTflops: at(MI300X, 'spec sheet peak BF16 1,307.4 TFLOPS dense (2,614.9 with sparsity)'),
      fp32Tflops: at(MI300X, 'spec sheet peak FP32 vector 163.4 TFLOPS'),
      memoryGB: at(MI300X, 'spec sheet 192 GB HBM3'),
      memoryBandwidthTBs: at(MI300X, 'spec sheet peak memory bandwidth 5.3 TB/s'),
      scaleUpGBs: at(
        MI300X,
        'Infinity Fabric: 7 links at 128 GB/s bidirectional each = 896 GB/s total, 448 GB/s each way',
      ),
      tdpW: at(MI300X, 'spec sheet total board power 750 W'),
    },
  },
  {
    id: 'l40s',
    name: 'NVIDIA L40S 48GB (PCIe)',
    vendor: 'nvidia',
    bf16DenseTflops: 362.05,
    fp32Tflops: 91.6,
    memoryGB: 48,
    memoryBandwidthTBs: 0.864,
    scaleUpGBs: null,
    tdpW: 350,
    sources: {
      bf16DenseTflops: at(L40S, 'datasheet BF16 Tensor Core 733 TFLOPS is with sparsity; dense 362.05'),
      fp32Tflops: at(L40S, 'datasheet FP32 91.6 TFLOPS'),
      memoryGB: at(L40S, 'datasheet 48 GB GDDR6 with ECC'),
      memoryBandwidthTBs: at(L40S, 'datasheet 864 GB/s'),
      scaleUpGBs: at(L40S, 'no NVLink; PCIe Gen4 x16 only'),
      tdpW: at(L40S, 'datasheet max power 350 W'),
    },
  },
  {
    id: 'rtx-pro-6000',
    name: 'NVIDIA RTX PRO 6000 Blackwell 96GB (PCIe)',
    vendor: 'nvidia',
    bf16DenseTflops: 503.8,
    fp32Tflops: 125,
    memoryGB: 96,
    memoryBandwidthTBs: 1.792,
    scaleUpGBs: null,
    tdpW: 600,
    sources: {
      bf16DenseTflops: at(
        RTX_PRO_6000,
        'NVIDIA RTX Blackwell PRO GPU architecture whitepaper: FP16/BF16 tensor with FP32 accumulate ' +
          '503.8 TFLOPS dense (1,007.6 sparse); consistent with the 4,000 sparse FP4 AI TOPS headline / 8',
      ),
      fp32Tflops: at(RTX_PRO_6000, 'product page single-precision 125 TFLOPS'),
      memoryGB: at(RTX_PRO_6000, 'product page 96 GB GDDR7 with ECC'),
      memoryBandwidthTBs: at(RTX_PRO_6000, 'product page 1,792 GB/s'),
      scaleUpGBs: at(RTX_PRO_6000, 'no NVLink; PCIe Gen5 x16 only'),
      tdpW: at(RTX_PRO_6000, 'Workstation and Server Editions: 600 W max (Max-Q: 300 W)'),
    },
  },
];

/**
 * The GPU with this id, looked up first in `extra` (a spec's added or overridden GPUs), then
 * in the catalog. An unknown id is a SpecError that lists the nearest known names.
 */
export function findGpu(id: string, extra?: readonly GpuSpec[]): GpuSpec {
  const found = extra?.find((g) => g.id === id) ?? catalog.find((g) => g.id === id);
  if (found) return found;
  const known = [...new Set([...(extra ?? []).map((g) => g.id), ...catalog.map((g) => g.id)])];
  throw new SpecError(
    'gpu',
    id,
    `is not a known GPU; nearest: ${nearestNames(id, known).join(', ')} (all: ${known.join(', ')}).`,
  );
}
