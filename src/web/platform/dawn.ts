/**
 * The page's side of src/gpu/dawn.ts (same exports; scripts/build-web.mjs puts this module in
 * its place): no Dawn, no process. The page opens its device on navigator.gpu (openGpu's `gpu`
 * option), so createDawn is never reached from it.
 */
export function createDawn(_flags: readonly string[]): GPU {
  throw new Error("internal: Dawn's Node bindings do not exist in a page; pass navigator.gpu as openGpu's gpu option");
}

export function platformBackend(): string {
  return 'browser';
}

export function warnOnStderr(message: string): void {
  console.warn(`hetbench: warning: ${message}`);
}

/**
 * No Dawn bindings in a page: the WebGPU implementation is the browser's, so it is named by the
 * browser's product token (e.g. `Chrome/156.0.0.0`). The tuning cache keys on it: a browser
 * update changes the shader compiler and driver path under a tuned choice, so it tunes again.
 * Environment.browser carries the full name and version in reports.
 */
export function webgpuVersion(): string {
  const userAgent = globalThis.navigator?.userAgent ?? '';
  const token = /(?:Firefox|Edg|HeadlessChrome|Chrome|Version)\/[\d.]+/.exec(userAgent);
  return token ? `browser ${token[0]}` : 'browser';
}
