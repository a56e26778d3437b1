import { createRequire } from 'node:module';
import { create, globals } from 'webgpu';

/**
 * Everything Node-specific about opening a device: Dawn's bindings (npm `webgpu`), the platform's
 * default backend and stderr. open.ts takes a `GPU` object from here unless the caller hands it
 * one (a page's navigator.gpu); the web bundle replaces this module with
 * src/web/platform/dawn.ts, which has the same exports and no Dawn.
 */

let globalsInstalled = false;

/** Dawn's WebGPU entry point for these instance flags; installs GPUBufferUsage & co. as globals once. */
export function createDawn(flags: readonly string[]): GPU {
  if (!globalsInstalled) {
    // GPUBufferUsage, GPUMapMode, ... are globals in browsers; Dawn's bindings export them.
    Object.assign(globalThis, globals);
    globalsInstalled = true;
  }
  return create([...flags]);
}

/** Dawn does not expose the backend on the adapter; on Linux only Vulkan yields adapters. */
export function platformBackend(): string {
  return process.platform === 'darwin' ? 'metal' : process.platform === 'win32' ? 'd3d12' : 'vulkan';
}

/** Where degradations go when the caller names no onWarning: stderr. */
export function warnOnStderr(message: string): void {
  process.stderr.write(`hetbench: warning: ${message}\n`);
}

/** Version of the `webgpu` package (Dawn's node bindings) in use, for reports. */
export function webgpuVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require('webgpu/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
