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

/** No Dawn bindings in a page: the browser's WebGPU is named by Environment.browser instead. */
export function webgpuVersion(): string {
  return 'browser';
}
