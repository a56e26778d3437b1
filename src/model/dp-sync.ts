import { dtypeBytes } from '../workload/shape.js';
import type { WorkloadSpec } from '../workload/types.js';
import { hierarchicalAllReduce, RING_LATENCY } from './allreduce.js';
import type { ResolvedLayout } from './layout.js';

/**
 * Data-parallel synchronisation of one GPU's parameter shard over the dp replicas, per ZeRO
 * stage, on the hierarchical ring (allreduce.ts): members of one DP ring that share a scale-up
 * domain reduce there first; across domains each GPU's own scale-out link carries its share.
 *   ZeRO 0:    all-reduce of the gradients (M = params * e)
 *   ZeRO 1, 2: reduce-scatter of the gradients + all-gather of the updated parameters (Megatron's
 *              distributed optimizer; together the all-reduce's volume)
 *   ZeRO 3:    per micro-batch an all-gather of the parameters forward and again backward, and a
 *              reduce-scatter of the gradients
 * Overlap (Megatron-LM --overlap-grad-reduce / --overlap-param-gather): the gradient reduction
 * runs behind the backward of the step's last micro-batch on the stage, the parameter gather
 * behind the next step's first forward; ZeRO 3's per-micro-batch gathers run behind that
 * micro-batch's compute. What does not fit behind compute is exposed.
 * Units: seconds.
 */
export interface DpSync {
  /** Gradient reduction (all-reduce for ZeRO 0, reduce-scatter otherwise), seconds per step. */
  readonly gradientS: number;
  /** Parameter all-gathers, seconds per step. */
  readonly paramGatherS: number;
  /** What the overlap leaves on the critical path. */
  readonly exposedS: number;
}

export function dpSync(args: {
  readonly workload: WorkloadSpec;
  readonly layout: ResolvedLayout;
  readonly paramsPerGpu: number;
  readonly scaleUpDomain: number;
  readonly scaleUpGBs: number;
  readonly scaleOutGBs: number;
  /** Backward of one micro-batch on this stage, seconds (the window behind which gradients reduce). */
  readonly lastBackwardS: number;
  /** Forward of one micro-batch on this stage, seconds. */
  readonly firstForwardS: number;
}): DpSync {
  const { layout } = args;
  const dp = layout.dp;
  if (dp <= 1) return { gradientS: 0, paramGatherS: 0, exposedS: 0 };
  const bytes = args.paramsPerGpu * dtypeBytes(args.workload.dtype);
  // DP members that share a scale-up domain (when a replica is smaller than the domain).
  const perDomain = Math.max(1, Math.floor(args.scaleUpDomain / (layout.tp * layout.cp * layout.pp)));
  const allReduce = hierarchicalAllReduce(
    bytes,
    [{ count: dp, scaleUpDomain: perDomain, scaleUpGBs: args.scaleUpGBs, scaleOutGBs: args.scaleOutGBs }],
    RING_LATENCY,
  ).totalS;
  const half = allReduce / 2; // a reduce-scatter or an all-gather: half an all-reduce's volume
  if (layout.zero === 0) {
    return { gradientS: allReduce, paramGatherS: 0, exposedS: Math.max(0, allReduce - args.lastBackwardS) };
  }
  if (layout.zero <= 2) {
    return {
      gradientS: half,
      paramGatherS: half,
      exposedS: Math.max(0, half - args.lastBackwardS) + Math.max(0, half - args.firstForwardS),
    };
  }
  const m = layout.microBatches;
  const perMicroBatch = 3 * half;
  const hidden = args.firstForwardS + args.lastBackwardS;
  return {
    gradientS: m * half,
    paramGatherS: 2 * m * half,
    // the first gather of a step waits; the rest run behind each micro-batch's compute
    exposedS: half + m * Math.max(0, perMicroBatch - hidden),
  };
}
