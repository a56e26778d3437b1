import { describe, expect, it } from 'vitest';
import { hierarchicalAllReduce, RING_LATENCY, ringAllReduceS } from '../src/model/allreduce.js';

const noLatency = { scaleUpS: 0, scaleOutS: 0 };

describe('ring all-reduce', () => {
  it.each([
    // 2(n-1)/n * M / B + 2(n-1) * latency
    [1e9, 2, 100, 0, 0.01],
    [1e9, 8, 100, 0, (2 * 7) / 8 / 100],
    [1e9, 8, 100, 1e-6, (2 * 7) / 8 / 100 + 14e-6],
    [5e8, 1, 100, 1e-6, 0],
  ])('M=%d bytes over n=%d at %d GB/s, latency %d s: %d s', (bytes, n, gbs, lat, expected) => {
    expect(ringAllReduceS(bytes, n, gbs, lat)).toBeCloseTo(expected, 12);
  });
});

describe('hierarchical ring all-reduce', () => {
  const M = 1.6e9;

  it('adds the intra-domain ring and the ring across domains (hand-computed)', () => {
    const r = hierarchicalAllReduce(M, [{ count: 16, scaleUpDomain: 8, scaleUpGBs: 100, scaleOutGBs: 10 }]);
    const intra = ((2 * 7) / 8) * (M / 100e9) + 14 * RING_LATENCY.scaleUpS; // 0.028 + 28 us
    const inter = ((2 * 1) / 2) * (M / (8 * 10e9)) + 2 * RING_LATENCY.scaleOutS; // 0.02 + 10 us
    expect(r.domains).toBe(2);
    expect(r.intraDomainS).toBeCloseTo(intra, 12);
    expect(r.interDomainS).toBeCloseTo(inter, 12);
    expect(r.totalS).toBeCloseTo(0.048038, 9);
  });

  it('has no scale-out phase inside one domain', () => {
    const r = hierarchicalAllReduce(M, [{ count: 8, scaleUpDomain: 8, scaleUpGBs: 100, scaleOutGBs: 10 }], noLatency);
    expect(r.interDomainS).toBe(0);
    expect(r.bottleneckGroup).toBe(-1);
  });

  it('runs a flat scale-out ring for PCIe cards (domain of 1)', () => {
    const r = hierarchicalAllReduce(M, [{ count: 16, scaleUpDomain: 1, scaleUpGBs: 25, scaleOutGBs: 25 }], noLatency);
    expect(r.intraDomainS).toBe(0);
    expect(r.interDomainS).toBeCloseTo(((2 * 15) / 16) * (M / 25e9), 12);
  });

  it('is bounded by the domain with the least d * B_out, and by the slowest intra-domain ring', () => {
    const r = hierarchicalAllReduce(
      M,
      [
        { count: 16, scaleUpDomain: 8, scaleUpGBs: 450, scaleOutGBs: 50 }, // 8 * 50 = 400 GB/s per domain
        { count: 144, scaleUpDomain: 72, scaleUpGBs: 900, scaleOutGBs: 50 }, // 3600 GB/s per domain
        { count: 8, scaleUpDomain: 8, scaleUpGBs: 150, scaleOutGBs: 12.5 }, // 100 GB/s: the bottleneck
      ],
      noLatency,
    );
    expect(r.domains).toBe(2 + 2 + 1);
    expect(r.bottleneckGroup).toBe(2);
    expect(r.interDomainS).toBeCloseTo(((2 * 4) / 5) * (M / 100e9), 12);
    expect(r.intraDomainS).toBeCloseTo(Math.max(((2 * 71) / 72) * (M / 900e9), ((2 * 7) / 8) * (M / 150e9)), 12);
  });

  it('counts a partial domain as one domain of the GPUs present', () => {
    const r = hierarchicalAllReduce(
      M,
      [{ count: 100, scaleUpDomain: 72, scaleUpGBs: 900, scaleOutGBs: 50 }],
      noLatency,
    );
    expect(r.domains).toBe(2);
  });
});
