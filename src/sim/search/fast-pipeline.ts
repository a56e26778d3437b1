/**
 * The search's pipeline timeline: sim/pipeline.ts's simulatePipeline (deviceOrder's Megatron-LM
 * event order, computed into typed arrays, the same dependency rule, so the same finish times to the last bit), with what a
 * search repeats shared: each device's event order per (p, v, m), packed into typed arrays, and
 * the in-flight layer weights memory needs, which depend on the order and the layers alone.
 * A search asks for thousands of timelines that differ only in their stage times.
 */
interface PackedOrders {
  /** Per device: virtual stage of each event, and whether it is a backward, and its micro-batch. */
  readonly stage: Int32Array[];
  readonly backward: Uint8Array[];
  readonly mb: Int32Array[];
}

const orderMemo = new Map<string, PackedOrders>();

/** deviceOrder's events straight into typed arrays (the same arithmetic, no objects). */
function packedOrders(p: number, v: number, m: number): PackedOrders {
  const key = `${p}|${v}|${m}`;
  let o = orderMemo.get(key);
  if (o) return o;
  const total = m * v;
  const stage: Int32Array[] = [];
  const backward: Uint8Array[] = [];
  const mb: Int32Array[] = [];
  for (let i = 0; i < p; i++) {
    const st = new Int32Array(2 * total);
    const bw = new Uint8Array(2 * total);
    const mbs = new Int32Array(2 * total);
    const warmup = Math.min(total, v === 1 ? p - i - 1 : (p - i - 1) * 2 + (v - 1) * p);
    let n = 0;
    const push = (k: number, back: boolean): void => {
      const c = Math.floor((k % (p * v)) / p);
      st[n] = (back ? v - 1 - c : c) * p + i;
      bw[n] = back ? 1 : 0;
      mbs[n] = v === 1 ? k : Math.floor(k / (p * v)) * p + (k % p);
      n++;
    };
    for (let k = 0; k < warmup; k++) push(k, false);
    for (let k = 0; k < total - warmup; k++) {
      push(warmup + k, false);
      push(k, true);
    }
    for (let k = total - warmup; k < total; k++) push(k, true);
    stage.push(st);
    backward.push(bw);
    mb.push(mbs);
  }
  o = { stage, backward, mb };
  if (orderMemo.size > 256) orderMemo.clear();
  orderMemo.set(key, o);
  return o;
}

/** Two reused buffers (finish times of forwards and backwards), NaN-filled to `n`: a search runs thousands of timelines. */
const buffers: Float64Array[] = [new Float64Array(0), new Float64Array(0)];
function scratch(k: 0 | 1, n: number): Float64Array {
  let b = buffers[k] as Float64Array;
  if (b.length < n) {
    b = new Float64Array(Math.max(n, 2 * b.length));
    buffers[k] = b;
  }
  const view = b.subarray(0, n);
  view.fill(Number.NaN);
  return view;
}

/** When each device finishes its last backward, and the makespan (simulatePipeline's deviceFinishS and makespanS). */
export function pipelineFinish(
  p: number,
  v: number,
  m: number,
  forwardS: readonly number[],
  backwardS: readonly number[],
  p2pS: readonly number[],
): { readonly deviceFinishS: Float64Array; readonly makespanS: number } {
  const o = packedOrders(p, v, m);
  const stages = p * v;
  const fDone = scratch(0, stages * m);
  const bDone = scratch(1, stages * m);
  const next = new Int32Array(p);
  const free = new Float64Array(p);
  let remaining = 0;
  for (let i = 0; i < p; i++) remaining += (o.stage[i] as Int32Array).length;
  while (remaining > 0) {
    let progressed = false;
    for (let i = 0; i < p; i++) {
      const st = o.stage[i] as Int32Array;
      const bw = o.backward[i] as Uint8Array;
      const mbs = o.mb[i] as Int32Array;
      for (;;) {
        const k = next[i] as number;
        if (k >= st.length) break;
        const s = st[k] as number;
        const j = mbs[k] as number;
        const back = bw[k] === 1;
        let ready: number;
        if (!back) ready = s === 0 ? 0 : (fDone[(s - 1) * m + j] as number) + (p2pS[s - 1] ?? 0);
        else if (s === stages - 1) ready = fDone[s * m + j] as number;
        else ready = (bDone[(s + 1) * m + j] as number) + (p2pS[s] ?? 0);
        if (Number.isNaN(ready)) break;
        const duration = (back ? backwardS[s] : forwardS[s]) ?? 0;
        const f = free[i] as number;
        const end = Math.max(f, ready) + duration;
        (back ? bDone : fDone)[s * m + j] = end;
        free[i] = end;
        next[i] = k + 1;
        remaining--;
        progressed = true;
      }
    }
    if (!progressed) throw new Error('pipeline schedule deadlocked (a bug in deviceOrder)');
  }
  let makespanS = 0;
  for (let i = 0; i < p; i++) if ((free[i] as number) > makespanS) makespanS = free[i] as number;
  return { deviceFinishS: free, makespanS };
}

const weightMemo = new Map<string, Float64Array>();

/**
 * Per device, the largest sum of layers over the micro-batch chunks it holds at once
 * (simulatePipeline's peakInFlightWeight with layers as the weight).
 */
export function peakLayersInFlight(p: number, v: number, m: number, stageLayers: readonly number[]): Float64Array {
  const key = `${p}|${v}|${m}|${stageLayers.join(',')}`;
  let w = weightMemo.get(key);
  if (w) return w;
  w = new Float64Array(p);
  if (v === 1) {
    // 1F1B: device i runs min(m, p - i) forwards before its first backward.
    for (let i = 0; i < p; i++) w[i] = Math.min(m, p - i) * (stageLayers[i] ?? 0);
  } else {
    const o = packedOrders(p, v, m);
    for (let i = 0; i < p; i++) {
      const st = o.stage[i] as Int32Array;
      const bw = o.backward[i] as Uint8Array;
      let weight = 0;
      let peak = 0;
      for (let k = 0; k < st.length; k++) {
        const layers = stageLayers[st[k] as number] ?? 0;
        weight += bw[k] === 1 ? -layers : layers;
        if (weight > peak) peak = weight;
      }
      w[i] = peak;
    }
  }
  if (weightMemo.size > 4096) weightMemo.clear();
  weightMemo.set(key, w);
  return w;
}
