import type { AdapterInfo } from '../gpu/adapter-info.js';

export interface Environment {
  readonly gitSha: string | null;
  readonly os: string;
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly webgpu: string;
  readonly dawnToggles: readonly string[];
  readonly adapter: AdapterInfo | null;
  /** How durations were taken: GPU timestamp queries, or the wall clock (when timestamp-query is missing). */
  readonly timing: 'gpu-timestamp' | 'wall-clock';
  /**
   * How the host thread waited for the GPU (src/gpu/polling.ts): `timer` sleeps between polls,
   * `busy` spins a core. Absent when no GPU was opened, and in reports from before it was recorded.
   */
  readonly hostPolling?: 'busy' | 'timer';
  /**
   * Mesa lavapipe's worker threads (LP_NUM_THREADS) when set: `hetbench run` sets 1 on its own
   * (src/cli/main.ts). Absent when unset, and in reports from before it was recorded.
   */
  readonly lavapipeThreads?: number;
  /**
   * Warnings Dawn wrote to stderr while the device opened (e.g. limits it reduced), kept out of
   * the terminal by the CLI (src/cli/stderr-filter.ts). Absent when not run through the CLI.
   */
  readonly dawnWarnings?: readonly string[];
  /**
   * The browser a run was made in (the page at `hetbench serve`), whose WebGPU implementation
   * took the figures; `node` and `webgpu` then say so. Absent in Node runs.
   */
  readonly browser?: BrowserInfo;
}

/** A browser as it names itself (navigator.userAgentData's brands, else the user-agent string). */
export interface BrowserInfo {
  /** e.g. 'Chromium', 'Google Chrome', 'Firefox', 'Safari'. */
  readonly name: string;
  /** Full version where the browser gives it, else its major version. */
  readonly version: string;
  readonly userAgent: string;
}
