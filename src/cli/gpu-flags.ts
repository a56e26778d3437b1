import { BACKENDS, type Backend, type GpuOptions } from '../gpu/open.js';
import { HOST_POLLING_OPTIONS, type HostPollingOption } from '../gpu/polling.js';
import { choiceFlag, type ParsedArgs, stringFlag } from './args.js';
import type { FlagNames } from './flag-names.js';

/** The adapter-selection flags every GPU command takes. */
export const gpuFlagOptions = {
  backend: { type: 'string' },
  adapter: { type: 'string' },
  polling: { type: 'string' },
} as const;

/** The flag of each openGpu parameter, for the errors openGpu throws (flag-names.ts). */
export const gpuParameterFlags = {
  backend: '--backend',
  adapter: '--adapter',
  polling: '--polling',
} as const satisfies FlagNames;

export const gpuFlagHelp = `  --backend NAME         Dawn backend (${BACKENDS.join(', ')}); default: the platform's
  --adapter TEXT         use the adapter whose name contains TEXT
  --polling MODE         how the host waits for the GPU: auto (default: timer on a software adapter,
                         busy on a GPU), busy (spin a core), timer (sleep between polls)`;

export function gpuOptionsFrom(values: ParsedArgs['values']): GpuOptions {
  const backend = stringFlag(values, 'backend');
  const adapterName = stringFlag(values, 'adapter');
  const polling = stringFlag(values, 'polling');
  return {
    ...(polling !== undefined
      ? { polling: choiceFlag<HostPollingOption>('--polling', polling, 'auto', HOST_POLLING_OPTIONS) }
      : {}),
    ...(backend !== undefined ? { backend: choiceFlag<Backend>('--backend', backend, 'vulkan', BACKENDS) } : {}),
    ...(adapterName !== undefined ? { adapterName } : {}),
  };
}
