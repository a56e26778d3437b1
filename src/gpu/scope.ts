import { DeviceError } from '../errors.js';
import type { Gpu } from './open.js';
import { errorReason } from './open.js';

/**
 * Runs GPU work inside validation, out-of-memory and internal error scopes, so that a bad
 * shader or an allocation failure surfaces here as a DeviceError naming `label`, not later as
 * an uncaptured error. Also rethrows a device loss recorded earlier.
 */
export async function withErrorScopes<T>(gpu: Gpu, label: string, work: () => T | Promise<T>): Promise<T> {
  throwIfFailed(gpu);
  const { device } = gpu;
  device.pushErrorScope('internal');
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let outcome: { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };
  try {
    outcome = { ok: true, value: await work() };
  } catch (err) {
    outcome = { ok: false, error: asDeviceError(gpu, err, label) };
  }
  // Pop all three even when the work threw, so scopes never leak onto later work; an error a
  // scope caught explains the failure better than what it caused, so it wins.
  const errors = [await device.popErrorScope(), await device.popErrorScope(), await device.popErrorScope()];
  const first = errors.find((e): e is GPUError => e !== null);
  if (first) throw new DeviceError(`${label}: ${first.message.trim()}`, errorReason(first));
  if (!outcome.ok) throw outcome.error;
  throwIfFailed(gpu);
  return outcome.value;
}

export function throwIfFailed(gpu: Gpu): void {
  if (gpu.failure) throw gpu.failure;
  if (gpu.closed) throw new DeviceError('GPU used after closeGpu()', 'lost');
}

/**
 * A mapAsync or submission on a device that was lost or destroyed rejects with a bare
 * DOMException (AbortError, OperationError) that may arrive before `device.lost` resolves.
 * Turn those into the DeviceError they are, so callers can keep finished results and exit 3.
 */
export function asDeviceError(gpu: Gpu, err: unknown, label: string): unknown {
  if (err instanceof DeviceError) return err;
  const name =
    err instanceof Error || (typeof err === 'object' && err !== null && 'name' in err)
      ? String((err as { name: unknown }).name)
      : '';
  if (name === 'AbortError' || name === 'OperationError' || gpu.failure !== null) {
    const message = err instanceof Error ? err.message : String(err);
    return (
      gpu.failure ??
      new DeviceError(
        `${label}: GPU work aborted (${name}${message ? `: ${message}` : ''}); the device was lost`,
        'lost',
      )
    );
  }
  return err;
}
