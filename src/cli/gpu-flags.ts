import { BACKENDS, type Backend, type GpuOptions } from '../gpu/open.js';
import { choiceFlag, stringFlag, type ParsedArgs } from './args.js';

/** The adapter-selection flags every GPU command takes. */
export const gpuFlagOptions = {
  backend: { type: 'string' },
  adapter: { type: 'string' },
} as const;

export const gpuFlagHelp = `  --backend NAME         Dawn backend (${BACKENDS.join(', ')}); default: the platform's
  --adapter TEXT         use the adapter whose name contains TEXT`;

export function gpuOptionsFrom(values: ParsedArgs['values']): GpuOptions {
  const backend = stringFlag(values, 'backend');
  const adapterName = stringFlag(values, 'adapter');
  return {
    ...(backend !== undefined ? { backend: choiceFlag<Backend>('--backend', backend, 'vulkan', BACKENDS) } : {}),
    ...(adapterName !== undefined ? { adapterName } : {}),
  };
}
