import { execFileSync } from 'node:child_process';
import { cpus, platform, release } from 'node:os';
import { packageRoot } from '../assets.js';
import { type Gpu, webgpuVersion } from '../gpu/open.js';
import type { Environment } from './environment-info.js';

function gitSha(): string | null {
  try {
    return (
      execFileSync('git', ['rev-parse', 'HEAD'], {
        cwd: packageRoot(),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() || null
    );
  } catch {
    return null;
  }
}

/** LP_NUM_THREADS as a whole number, when set (Mesa's lavapipe reads it; other drivers ignore it). */
function lavapipeThreads(): { readonly lavapipeThreads?: number } {
  const raw = process.env['LP_NUM_THREADS'];
  const n = raw === undefined ? Number.NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? { lavapipeThreads: n } : {};
}

/** Where and how a report's figures were taken: enough to tell two machines or builds apart. */
export function environmentOf(gpu: Gpu | null, extra: { readonly dawnWarnings?: readonly string[] } = {}): Environment {
  const cpu = cpus();
  return {
    gitSha: gitSha(),
    os: `${platform()} ${release()}`,
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    node: process.version,
    webgpu: webgpuVersion(),
    dawnToggles: gpu?.dawnFlags ?? [],
    adapter: gpu?.info ?? null,
    timing: gpu?.features.timestampQuery === false ? 'wall-clock' : 'gpu-timestamp',
    ...(gpu ? { hostPolling: gpu.polling } : {}),
    ...lavapipeThreads(),
    ...(extra.dawnWarnings === undefined ? {} : { dawnWarnings: extra.dawnWarnings }),
  };
}
