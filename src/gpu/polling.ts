/**
 * How the host thread waits for the GPU.
 *
 * Dawn's Node bindings (npm `webgpu`) keep every pending promise (mapAsync, onSubmittedWorkDone,
 * createComputePipelineAsync, popErrorScope, ...) moving by calling the instance's ProcessEvents
 * from a callback that re-arms itself with the global `setImmediate` for as long as anything is
 * pending. While Node has an immediate queued its event loop never sleeps, so every wait for the
 * GPU is a busy loop that keeps one CPU core at 100%.
 *
 * On a real GPU that costs a host core and nothing else. On a software adapter (lavapipe) the
 * "GPU" is the same CPU cores, and the busy loop takes one of the cores the work itself runs on:
 * on this project's 2-core machines a 1024^3 matmul ran at 23-33 GFLOP/s with the busy loop and
 * at 52-54 without it (same kernel, same process, GPU timestamps; docs/kernels.md).
 *
 * `timer` polling routes Dawn's re-arming callback through a 0 ms timer instead (Node clamps it to
 * 1 ms), so the thread sleeps between polls: a wait ends up to about 1 ms after the GPU finishes,
 * which GPU timestamps do not see. Dawn's callback is told apart from everyone else's by being a
 * native function: JavaScript callers of setImmediate keep the real one. The bindings look the
 * global up on every re-arm, which is what makes this possible without patching them.
 */
export type HostPolling = 'busy' | 'timer';

/** `auto`: timer polling on software (CPU) adapters, busy polling on GPUs. */
export type HostPollingOption = HostPolling | 'auto';

export const HOST_POLLING_OPTIONS: readonly HostPollingOption[] = ['auto', 'busy', 'timer'];

let holders = 0;
let realSetImmediate: typeof setImmediate | null = null;

function isNativeFunction(fn: unknown): boolean {
  return typeof fn === 'function' && Function.prototype.toString.call(fn).includes('[native code]');
}

/**
 * Starts timer polling for Dawn's callbacks; returns the release function (idempotent). Holders
 * are counted: the real `setImmediate` comes back when the last one releases.
 */
export function holdTimerPolling(): () => void {
  if (holders++ === 0) {
    const real = globalThis.setImmediate;
    realSetImmediate = real;
    const routed = function setImmediate(callback: (...args: unknown[]) => void, ...args: unknown[]) {
      if (isNativeFunction(callback)) return setTimeout(callback, 0, ...args) as unknown as NodeJS.Immediate;
      return real(callback, ...args);
    };
    // util.promisify(setImmediate) and friends keep working through the real function's symbols.
    Object.assign(routed, real);
    globalThis.setImmediate = routed as typeof setImmediate;
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0 && realSetImmediate) {
      globalThis.setImmediate = realSetImmediate;
      realSetImmediate = null;
    }
  };
}

/** Whether Dawn's callbacks are being routed through timers right now. */
export function timerPollingActive(): boolean {
  return holders > 0;
}
