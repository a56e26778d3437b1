import type { AdapterInfo } from '../gpu/adapter-info.js';
import type { Report } from './schema.js';

/**
 * Whether two reports ran on the same adapter. Regression verdicts between different
 * hardware would measure the hardware, not the change, so compare refuses them by default.
 * The driver description is left out: a driver update on the same GPU is exactly the kind of
 * change CI wants verdicts for.
 */
export function adapterKey(adapter: AdapterInfo | null): string {
  if (adapter === null) return 'unknown';
  return [
    adapter.vendor,
    adapter.architecture,
    adapter.device,
    adapter.backend,
    adapter.isFallbackAdapter ? 'fallback' : 'hw',
  ].join('|');
}

export function sameAdapter(a: Report, b: Report): boolean {
  return adapterKey(a.environment.adapter) === adapterKey(b.environment.adapter);
}

/** Human label: the description when the driver gives one, else vendor/architecture/device. */
export function adapterLabel(adapter: AdapterInfo | null): string {
  if (adapter === null) return 'unknown adapter';
  const parts = [adapter.vendor, adapter.architecture, adapter.device].filter((p) => p !== '');
  const name = adapter.description !== '' ? adapter.description : parts.join(' ') || 'unnamed adapter';
  return `${name} (${adapter.backend}${adapter.isFallbackAdapter ? ', software' : ''})`;
}
