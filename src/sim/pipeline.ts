/**
 * The pipeline schedule as a timeline: every forward and backward micro-batch event of every
 * stage, in the order Megatron-LM issues them (1F1B, Narayanan et al. 2021, Section 2.2; its
 * interleaved variant with v model chunks per device), timed by dependencies:
 *   F(s, j) starts when its device is free and F(s - 1, j) has finished and been sent (p2p);
 *   B(s, j) starts when its device is free and B(s + 1, j) has finished and been sent;
 * where s is the virtual stage (chunk c of device i is virtual stage c * p + i). Unequal stages
 * come out exactly, which the closed-form bubble (p - 1) / m cannot do. Cost: O(events * p).
 * Units: seconds.
 */
export interface PipelineInput {
  /** Devices (pipeline stages). */
  readonly p: number;
  /** Model chunks per device (1 = plain 1F1B). */
  readonly v: number;
  /** Micro-batches per step (a multiple of p when v > 1). */
  readonly m: number;
  /** Forward seconds of one micro-batch on each virtual stage (p * v entries). */
  readonly forwardS: readonly number[];
  /** Backward seconds of one micro-batch on each virtual stage. */
  readonly backwardS: readonly number[];
  /** Seconds to send one micro-batch's activations (or gradients) from virtual stage s to s + 1 (p * v - 1 entries). */
  readonly p2pS: readonly number[];
}

export interface PipelineTimeline {
  /** Time from the first forward to the last backward. */
  readonly makespanS: number;
  /** When each device finishes its last backward. */
  readonly deviceFinishS: number[];
  /** Compute seconds of each device (the sum of its events). */
  readonly deviceBusyS: number[];
  /** Peak number of micro-batch chunks each device holds activations for, and their chunks' indices at that peak. */
  readonly peakInFlight: number[];
  /** Layers-weighted peak: the largest sum over in-flight chunks of `chunkWeight(c)` (see simulatePipeline). */
  readonly peakInFlightWeight: number[];
  /** 1 - busy / (p * makespan): the idle share of the stages' time (bubble and p2p waits). */
  readonly bubbleFraction: number;
}

interface Op {
  readonly backward: boolean;
  readonly chunk: number;
  readonly mb: number;
}

/** Megatron-LM's per-device order of events. */
export function deviceOrder(p: number, v: number, m: number, device: number): Op[] {
  const total = m * v;
  const chunkOf = (k: number, backward: boolean): number => {
    const c = Math.floor((k % (p * v)) / p);
    return backward ? v - 1 - c : c;
  };
  const mbOf = (k: number): number => (v === 1 ? k : Math.floor(k / (p * v)) * p + (k % p));
  const warmup = Math.min(total, v === 1 ? p - device - 1 : (p - device - 1) * 2 + (v - 1) * p);
  const ops: Op[] = [];
  const fwd = (k: number): Op => ({ backward: false, chunk: chunkOf(k, false), mb: mbOf(k) });
  const bwd = (k: number): Op => ({ backward: true, chunk: chunkOf(k, true), mb: mbOf(k) });
  for (let k = 0; k < warmup; k++) ops.push(fwd(k));
  for (let k = 0; k < total - warmup; k++) {
    ops.push(fwd(warmup + k));
    ops.push(bwd(k));
  }
  for (let k = total - warmup; k < total; k++) ops.push(bwd(k));
  return ops;
}

/**
 * @param chunkWeight weight of one in-flight micro-batch of chunk c on device i (e.g. its layers),
 *   for peakInFlightWeight; default 1.
 */
export function simulatePipeline(
  input: PipelineInput,
  chunkWeight: (device: number, chunk: number) => number = () => 1,
): PipelineTimeline {
  const { p, v, m } = input;
  const stages = p * v;
  if (input.forwardS.length !== stages || input.backwardS.length !== stages)
    throw new RangeError(`expected ${stages} stage times, got ${input.forwardS.length} and ${input.backwardS.length}`);
  if (v > 1 && m % p !== 0) throw new RangeError(`interleaving needs m (${m}) to be a multiple of p (${p})`);
  const orders = Array.from({ length: p }, (_, i) => deviceOrder(p, v, m, i));
  // finish[backward][stage * m + mb]
  const fDone = new Float64Array(stages * m).fill(Number.NaN);
  const bDone = new Float64Array(stages * m).fill(Number.NaN);
  const next = new Array<number>(p).fill(0);
  const free = new Array<number>(p).fill(0);
  const busy = new Array<number>(p).fill(0);
  let remaining = orders.reduce((a, o) => a + o.length, 0);
  while (remaining > 0) {
    let progressed = false;
    for (let i = 0; i < p; i++) {
      const order = orders[i] ?? [];
      for (;;) {
        const op = order[next[i] ?? 0];
        if (!op) break;
        const s = op.chunk * p + i;
        let ready: number;
        if (!op.backward) {
          ready = s === 0 ? 0 : (fDone[(s - 1) * m + op.mb] ?? Number.NaN) + (input.p2pS[s - 1] ?? 0);
        } else if (s === stages - 1) {
          ready = fDone[s * m + op.mb] ?? Number.NaN;
        } else {
          ready = (bDone[(s + 1) * m + op.mb] ?? Number.NaN) + (input.p2pS[s] ?? 0);
        }
        if (Number.isNaN(ready)) break;
        const duration = (op.backward ? input.backwardS[s] : input.forwardS[s]) ?? 0;
        const start = Math.max(free[i] ?? 0, ready);
        const end = start + duration;
        (op.backward ? bDone : fDone)[s * m + op.mb] = end;
        free[i] = end;
        busy[i] = (busy[i] ?? 0) + duration;
        next[i] = (next[i] ?? 0) + 1;
        remaining--;
        progressed = true;
      }
    }
    if (!progressed) throw new Error('pipeline schedule deadlocked (a bug in deviceOrder)');
  }
  const peakInFlight: number[] = [];
  const peakInFlightWeight: number[] = [];
  for (let i = 0; i < p; i++) {
    let count = 0;
    let weight = 0;
    let peak = 0;
    let peakW = 0;
    for (const op of orders[i] ?? []) {
      const wgt = chunkWeight(i, op.chunk);
      count += op.backward ? -1 : 1;
      weight += op.backward ? -wgt : wgt;
      peak = Math.max(peak, count);
      peakW = Math.max(peakW, weight);
    }
    peakInFlight.push(peak);
    peakInFlightWeight.push(peakW);
  }
  const makespanS = Math.max(...free);
  const totalBusy = busy.reduce((a, b) => a + b, 0);
  return {
    makespanS,
    deviceFinishS: free,
    deviceBusyS: busy,
    peakInFlight,
    peakInFlightWeight,
    bubbleFraction: makespanS > 0 ? 1 - totalBusy / (p * makespanS) : 0,
  };
}
