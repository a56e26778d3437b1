import { describe, expect, it } from 'vitest';
import { deviceOrder, type PipelineInput, simulatePipeline } from '../src/sim/pipeline.js';
import { seededRandom } from './helpers/rng.js';

/**
 * The pipeline timeline (sim/pipeline.ts) against closed forms for uniform stages and against an
 * independent discrete-event simulation for unequal ones.
 *
 * Closed forms (zero p2p, every stage the same forward F and backward B per micro-batch):
 *   1F1B:        makespan = (m + p - 1)(F + B)
 *                (device 0 is never idle in its steady state; the p - 1 extra slots are the fill
 *                and drain, Narayanan et al. 2021, Section 2.2)
 *   interleaved: chunks of F/v and B/v: makespan = m (F + B) + (p - 1)(F + B) / v
 *                = (m v + p - 1)(F + B) / v
 *   in flight:   1F1B: min(m, p - i) on device i; interleaved: Megatron's warmup count
 *                2 (p - i - 1) + (v - 1) p plus the one of the first steady pair, capped at m v.
 */
const uniform = (p: number, v: number, m: number, F: number, B: number, p2p = 0): PipelineInput => ({
  p,
  v,
  m,
  forwardS: Array.from({ length: p * v }, () => F / v),
  backwardS: Array.from({ length: p * v }, () => B / v),
  p2pS: Array.from({ length: p * v - 1 }, () => p2p),
});

/**
 * An independent reference: a global event queue in time order. A device is idle or runs one op;
 * an op's input arrives as an event (its predecessor's finish plus p2p). At each event time every
 * idle device whose next op's input has arrived starts it. No fixed-point sweep over devices, no
 * shared code with the simulator beyond the per-device order it is given.
 */
function eventSimulation(input: PipelineInput): { makespanS: number; finishS: number[]; busyS: number[] } {
  const { p, v, m } = input;
  const stages = p * v;
  const orders = Array.from({ length: p }, (_, i) => deviceOrder(p, v, m, i));
  // arrived[dir][s * m + mb]: the time the op's input is available on its device (undefined: not yet).
  const arrived: [Map<number, number>, Map<number, number>] = [new Map(), new Map()];
  for (let mb = 0; mb < m; mb++) arrived[0].set(mb, 0); // stage 0's forwards need nothing
  const next = new Array<number>(p).fill(0);
  const running = new Array<boolean>(p).fill(false);
  const finishS = new Array<number>(p).fill(0);
  const busyS = new Array<number>(p).fill(0);
  type Event =
    | { t: number; kind: 'arrive'; dir: 0 | 1; key: number }
    | { t: number; kind: 'done'; device: number; dir: 0 | 1; s: number; mb: number };
  const queue: Event[] = [{ t: 0, kind: 'arrive', dir: 0, key: 0 }];
  let left = orders.reduce((a, o) => a + o.length, 0);
  while (queue.length > 0) {
    let k = 0;
    for (let j = 1; j < queue.length; j++) if ((queue[j] as Event).t < (queue[k] as Event).t) k = j;
    const now = (queue[k] as Event).t;
    // every event at this instant first, then the starts
    for (let j = queue.length - 1; j >= 0; j--) {
      const e = queue[j] as Event;
      if (e.t !== now) continue;
      queue.splice(j, 1);
      if (e.kind === 'arrive') arrived[e.dir].set(e.key, e.t);
      else {
        running[e.device] = false;
        finishS[e.device] = e.t;
        if (e.dir === 0 && e.s === stages - 1) queue.push({ t: e.t, kind: 'arrive', dir: 1, key: e.s * m + e.mb });
        else if (e.dir === 0)
          queue.push({ t: e.t + (input.p2pS[e.s] ?? 0), kind: 'arrive', dir: 0, key: (e.s + 1) * m + e.mb });
        else if (e.s > 0)
          queue.push({ t: e.t + (input.p2pS[e.s - 1] ?? 0), kind: 'arrive', dir: 1, key: (e.s - 1) * m + e.mb });
      }
    }
    for (let i = 0; i < p; i++) {
      if (running[i]) continue;
      const op = orders[i]?.[next[i] ?? 0];
      if (!op) continue;
      const s = op.chunk * p + i;
      const dir = op.backward ? 1 : 0;
      const at = arrived[dir].get(s * m + op.mb);
      if (at === undefined || at > now) continue;
      const dur = (op.backward ? input.backwardS[s] : input.forwardS[s]) ?? 0;
      running[i] = true;
      busyS[i] = (busyS[i] ?? 0) + dur;
      next[i] = (next[i] ?? 0) + 1;
      left--;
      queue.push({ t: now + dur, kind: 'done', device: i, dir, s, mb: op.mb });
    }
  }
  if (left !== 0) throw new Error(`event simulation deadlocked with ${left} ops left`);
  return { makespanS: Math.max(...finishS), finishS, busyS };
}

const cases: [number, number, number][] = [];
for (const p of [1, 2, 3, 4, 8])
  for (const v of [1, 2, 3, 4]) for (const mult of [1, 2, 3]) if (p > 1 || v === 1) cases.push([p, v, p * mult]);
for (const [p, m] of [
  [4, 1],
  [4, 3],
  [8, 5],
  [2, 7],
])
  cases.push([p as number, 1, m as number]);

describe('pipeline timeline, uniform stages: closed forms', () => {
  it.each(cases)('p=%d v=%d m=%d: makespan (m v + p - 1)(F + B) / v', (p, v, m) => {
    for (const [F, B] of [
      [1, 2],
      [1, 1],
      [0.3, 1.7],
    ] as const) {
      const t = simulatePipeline(uniform(p, v, m, F, B));
      expect(t.makespanS).toBeCloseTo(((m * v + p - 1) * (F + B)) / v, 9);
      // every device busy m (F + B): the idle share is the bubble (p - 1) / (m v + p - 1)
      for (const b of t.deviceBusyS) expect(b).toBeCloseTo(m * (F + B), 9);
      expect(t.bubbleFraction).toBeCloseTo((p - 1) / (m * v + p - 1), 9);
    }
  });

  it.each(cases)('p=%d v=%d m=%d: peak in flight per device', (p, v, m) => {
    const t = simulatePipeline(uniform(p, v, m, 1, 2));
    const expected = Array.from({ length: p }, (_, i) =>
      v === 1 ? Math.min(m, p - i) : Math.min(m * v, 2 * (p - i - 1) + (v - 1) * p + 1),
    );
    expect(t.peakInFlight).toEqual(expected);
  });

  it('1F1B with p - i in flight: device 0 holds p micro-batches, the last one', () => {
    expect(simulatePipeline(uniform(8, 1, 32, 1, 2)).peakInFlight).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('weights the peak by the chunk weight (layers): uniform weight w gives w x the count', () => {
    const t = simulatePipeline(uniform(4, 2, 8, 1, 2), () => 3);
    expect(t.peakInFlightWeight).toEqual(t.peakInFlight.map((n) => 3 * n));
  });

  it.each([
    [2, 4, 1, 2, 0.2],
    [4, 8, 1, 2, 0.01],
    [4, 16, 0.3, 1.7, 0.05],
    [8, 16, 1, 1, 0.05],
    [3, 9, 1, 3, 0.01],
  ])(
    '1F1B p=%d m=%d F=%d B=%d with p2p c=%d: (m + p - 1)(F + B) + 2 (p - 1) c m / p + 2 (p - 2) c',
    (p, m, F, B, c) => {
      // The p micro-batches in flight share one round trip of 2 (p - 1) hops, so every group of p
      // pays it once (m / p groups); the first forward's and the last backward's hops outside the
      // steady state add 2 (p - 2). m a multiple of p; c small against F + B.
      const closed = (m + p - 1) * (F + B) + 2 * (p - 1) * c * (m / p) + 2 * (p - 2) * c;
      expect(simulatePipeline(uniform(p, 1, m, F, B, c)).makespanS).toBeCloseTo(closed, 9);
    },
  );
});

describe('deviceOrder', () => {
  const orderCases: [number, number, number][] = [];
  for (let p = 1; p <= 8; p++) for (let v = 1; v <= 4; v++) for (const k of [1, 2, 3]) orderCases.push([p, v, p * k]);

  it.each(orderCases)(
    'p=%d v=%d m=%d: every (chunk, mb) once forward and once backward, backward after forward',
    (p, v, m) => {
      for (let i = 0; i < p; i++) {
        const ops = deviceOrder(p, v, m, i);
        expect(ops).toHaveLength(2 * m * v);
        const seen = new Map<string, number>();
        ops.forEach((op, at) => {
          expect(op.chunk).toBeGreaterThanOrEqual(0);
          expect(op.chunk).toBeLessThan(v);
          expect(op.mb).toBeGreaterThanOrEqual(0);
          expect(op.mb).toBeLessThan(m);
          const key = `${op.backward ? 'B' : 'F'}${op.chunk}:${op.mb}`;
          expect(seen.has(key)).toBe(false);
          seen.set(key, at);
        });
        for (let c = 0; c < v; c++)
          for (let mb = 0; mb < m; mb++)
            expect(seen.get(`F${c}:${mb}`) ?? Number.NaN).toBeLessThan(seen.get(`B${c}:${mb}`) ?? Number.NaN);
      }
    },
  );
});

describe('pipeline timeline, unequal stages', () => {
  it.each([
    [4, 8, 0, 3],
    [4, 8, 1, 3],
    [4, 8, 3, 3],
    [8, 8, 5, 4],
    [4, 16, 2, 2],
    [4, 32, 2, 1.5],
  ])('p=%d m=%d: stage %d %d x slower sets the steady state', (p, m, k, K) => {
    const [F, B] = [1, 2];
    const input: PipelineInput = {
      p,
      v: 1,
      m,
      forwardS: Array.from({ length: p }, (_, s) => (s === k ? K * F : F)),
      backwardS: Array.from({ length: p }, (_, s) => (s === k ? K * B : B)),
      p2pS: Array.from({ length: p - 1 }, () => 0),
    };
    const t = simulatePipeline(input);
    // the slow stage is busy m K (F + B) and cannot start before the k stages ahead of it have
    // run their forward, nor finish before they run its last backward
    const lower = m * K * (F + B) + k * (F + B);
    expect(t.makespanS).toBeGreaterThanOrEqual(lower - 1e-9);
    // and it waits at most for one pass of the other p - 1 stages
    expect(t.makespanS).toBeLessThanOrEqual(m * K * (F + B) + (p - 1) * (F + B) + 1e-9);
    expect(t.makespanS).toBeCloseTo(eventSimulation(input).makespanS, 9);
  });

  it('matches the independent event simulation on 300 seeded random cases (p <= 8, v <= 4, p2p > 0)', () => {
    const rand = seededRandom(13);
    const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
    for (let n = 0; n < 300; n++) {
      const p = int(1, 8);
      const v = p === 1 ? 1 : int(1, 4);
      const m = v > 1 ? p * int(1, 3) : int(1, 3 * p);
      const vs = p * v;
      const input: PipelineInput = {
        p,
        v,
        m,
        forwardS: Array.from({ length: vs }, () => 0.1 + rand()),
        backwardS: Array.from({ length: vs }, () => 0.2 + 2 * rand()),
        p2pS: Array.from({ length: vs - 1 }, () => (rand() < 0.3 ? 0 : 0.2 * rand())),
      };
      const t = simulatePipeline(input);
      const ref = eventSimulation(input);
      const at = `seed 13 case ${n}: p=${p} v=${v} m=${m}`;
      expect(t.makespanS, at).toBeCloseTo(ref.makespanS, 9);
      for (let i = 0; i < p; i++) {
        expect(t.deviceFinishS[i], at).toBeCloseTo(ref.finishS[i] ?? Number.NaN, 9);
        expect(t.deviceBusyS[i], at).toBeCloseTo(ref.busyS[i] ?? Number.NaN, 9);
      }
      const busy = ref.busyS.reduce((a, b) => a + b, 0);
      expect(t.bubbleFraction, at).toBeCloseTo(1 - busy / (p * ref.makespanS), 9);
    }
  });

  it('never deadlocks for p <= 8, v <= 4, m a multiple of p up to 4 p', () => {
    for (let p = 1; p <= 8; p++)
      for (let v = 1; v <= 4; v++)
        for (let k = 1; k <= 4; k++) {
          const m = p * k;
          const input: PipelineInput = {
            p,
            v,
            m,
            forwardS: Array.from({ length: p * v }, (_, s) => 1 + (s % 3)),
            backwardS: Array.from({ length: p * v }, (_, s) => 2 + (s % 2)),
            p2pS: Array.from({ length: p * v - 1 }, () => 0.05),
          };
          expect(() => simulatePipeline(input), `p=${p} v=${v} m=${m}`).not.toThrow();
          expect(() => eventSimulation(input), `p=${p} v=${v} m=${m}`).not.toThrow();
        }
  });

  it('refuses interleaving with m not a multiple of p, and stage lists of the wrong length', () => {
    expect(() => simulatePipeline(uniform(4, 2, 6, 1, 2))).toThrow(/multiple of p/);
    expect(() => simulatePipeline({ ...uniform(4, 1, 8, 1, 2), forwardS: [1, 1, 1] })).toThrow(
      /expected 4 stage times/,
    );
  });
});
