import { DeviceError, GpuUnavailableError, UsageError } from '../errors.js';
import type { AdapterInfo } from './adapter-info.js';
import { createDawn, platformBackend, warnOnStderr, webgpuVersion } from './dawn.js';
import { HOST_POLLING_OPTIONS, type HostPolling, type HostPollingOption, holdTimerPolling } from './polling.js';

/** Backends Dawn's node bindings know; on Linux only `vulkan` finds a real adapter here. */
export const BACKENDS = ['vulkan', 'd3d12', 'd3d11', 'metal', 'opengl', 'opengles', 'null'] as const;
export type Backend = (typeof BACKENDS)[number];

/** Features hetbench uses. Any can be made required; otherwise missing ones degrade with a warning. */
export const OPTIONAL_FEATURES = ['timestamp-query', 'shader-f16', 'subgroups'] as const;
export type OptionalFeature = (typeof OPTIONAL_FEATURES)[number];

/**
 * Dawn quantizes timestamps (to blunt timing side channels in browsers); a benchmark wants
 * the raw counter. Keep this list in every report's environment.
 */
export const DEFAULT_DAWN_TOGGLES: readonly string[] = ['disable-dawn-features=timestamp_quantization'];

export interface GpuOptions {
  /**
   * The WebGPU entry point to open the device on (a page's `navigator.gpu`). Default: Dawn's,
   * created with the flags below; with one given, Dawn's flags (backend, adapterName, dawnFlags)
   * do not apply and host polling is the runtime's own.
   */
  readonly gpu?: GPU;
  /** Restrict Dawn to one backend. */
  readonly backend?: Backend;
  /** Pick the adapter whose name contains this text (Dawn's `adapter=` flag). */
  readonly adapterName?: string;
  readonly powerPreference?: GPUPowerPreference;
  /** Features that must exist: their absence throws GpuUnavailableError. */
  readonly requiredFeatures?: readonly OptionalFeature[];
  /** Extra Dawn instance flags, e.g. 'enable-dawn-features=...'. */
  readonly dawnFlags?: readonly string[];
  /** Where degradations are reported (default: stderr). */
  readonly onWarning?: (message: string) => void;
  /**
   * How the host thread waits for the GPU (src/gpu/polling.ts). `auto` (default): `timer` on a
   * software adapter, whose work runs on the very cores a busy wait would take, `busy` on a GPU.
   */
  readonly polling?: HostPollingOption;
}

export interface GpuFeatures {
  readonly timestampQuery: boolean;
  readonly shaderF16: boolean;
  readonly subgroups: boolean;
}

/** An open device with everything hetbench needs to know about it. Release with closeGpu(). */
export interface Gpu {
  /**
   * The Dawn instance. It must stay referenced for the device's lifetime: once garbage
   * collected, Dawn tears down its event loop under the live device and the process aborts.
   */
  readonly instance: GPU;
  readonly device: GPUDevice;
  readonly adapter: GPUAdapter;
  readonly info: AdapterInfo;
  readonly features: GpuFeatures;
  readonly limits: GPUSupportedLimits;
  /** The Dawn instance flags used (toggles included), for reports. */
  readonly dawnFlags: readonly string[];
  /** How the host waits for this device now: `timer` leaves the CPU to a software adapter's work. */
  polling: HostPolling;
  /** Set once the device is lost or reports an uncaptured error; GPU calls then throw it. */
  failure: DeviceError | null;
  /** Resolves when the device is lost (also on closeGpu, with reason 'destroyed'). */
  readonly lost: Promise<GPUDeviceLostInfo>;
  closed: boolean;
}

const NO_ADAPTER_HINT =
  "run 'npm run setup' (it installs Mesa's software Vulkan driver, lavapipe, where no GPU driver exists), " +
  "or install your GPU's Vulkan driver and libvulkan1; check with `vulkaninfo --summary`.";

const NO_BROWSER_ADAPTER_HINT =
  'use a browser with WebGPU enabled (current Chromium, Edge, Safari or Firefox); headless Chromium needs ' +
  '--enable-unsafe-webgpu --enable-features=Vulkan; check chrome://gpu.';

/** The timer-polling hold of each open Gpu that took one, released by closeGpu(). */
const releasePolling = new WeakMap<Gpu, () => void>();

/** Limits worth raising to the adapter's maximum: big buffers and big workgroups make fast kernels. */
export const RAISED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

/**
 * Opens the local WebGPU device through Dawn. Throws GpuUnavailableError (exit 3) when there is none.
 *
 * It leaves the environment alone: some Mesa builds print a harmless warning when
 * XDG_RUNTIME_DIR is unset, and a program that minds sets it before opening the GPU, as the
 * CLI does.
 */
export async function openGpu(options: GpuOptions = {}): Promise<Gpu> {
  if (options.backend !== undefined && !(BACKENDS as readonly string[]).includes(options.backend)) {
    throw new UsageError('backend', options.backend, `must be one of: ${BACKENDS.join(', ')}.`);
  }
  if (options.polling !== undefined && !HOST_POLLING_OPTIONS.includes(options.polling)) {
    throw new UsageError('polling', options.polling, `must be one of: ${HOST_POLLING_OPTIONS.join(', ')}.`);
  }
  const given = options.gpu;
  if (given !== undefined) {
    const dawnOnly = (['backend', 'adapterName', 'dawnFlags', 'polling'] as const).find(
      (k) => options[k] !== undefined,
    );
    if (dawnOnly !== undefined)
      throw new UsageError(
        dawnOnly,
        options[dawnOnly],
        'applies to Dawn only; leave it out when passing a GPU object.',
      );
  }
  const warn = options.onWarning ?? warnOnStderr;
  const dawnFlags =
    given !== undefined
      ? []
      : [
          ...DEFAULT_DAWN_TOGGLES,
          ...(options.backend ? [`backend=${options.backend}`] : []),
          ...(options.adapterName ? [`adapter=${options.adapterName}`] : []),
          ...(options.dawnFlags ?? []),
        ];

  let adapter: GPUAdapter | null;
  let instance: GPU;
  try {
    instance = given ?? createDawn(dawnFlags);
    adapter = await instance.requestAdapter(
      options.powerPreference ? { powerPreference: options.powerPreference } : undefined,
    );
  } catch (err) {
    // Dawn throws when a backend/adapter filter matches nothing; its message lists what exists.
    const detail = err instanceof Error ? err.message.trim() : String(err);
    throw new GpuUnavailableError(
      `no WebGPU adapter matches ${describeFilter(options)}: ${detail}`,
      given === undefined
        ? `drop or change the backend or adapter filter; ${NO_ADAPTER_HINT}`
        : NO_BROWSER_ADAPTER_HINT,
    );
  }
  if (!adapter) {
    throw new GpuUnavailableError(
      `no WebGPU adapter found${options.backend ? ` on backend ${options.backend}` : ''}`,
      given === undefined ? NO_ADAPTER_HINT : NO_BROWSER_ADAPTER_HINT,
    );
  }

  const missingRequired = (options.requiredFeatures ?? []).filter((f) => !adapter.features.has(f));
  if (missingRequired.length > 0) {
    throw new GpuUnavailableError(
      `adapter ${adapter.info.description || adapter.info.device} lacks required feature(s): ${missingRequired.join(', ')}`,
      'use an adapter that has them (see `hetbench doctor`), or run without requiring them.',
    );
  }
  const enabled = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f));
  if (!enabled.includes('timestamp-query')) {
    warn('adapter lacks timestamp-query: durations fall back to the wall clock and are labelled so');
  }

  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];

  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredFeatures: enabled, requiredLimits, label: 'hetbench' });
  } catch (err) {
    throw new GpuUnavailableError(
      `requestDevice failed: ${err instanceof Error ? err.message : String(err)}`,
      given === undefined ? NO_ADAPTER_HINT : NO_BROWSER_ADAPTER_HINT,
    );
  }

  const info = adapterInfo(adapter, given === undefined ? (options.backend ?? platformBackend()) : 'browser');
  // A page's runtime polls its own way; the timer hold (polling.ts) is for Dawn's Node bindings.
  const requested = given === undefined ? (options.polling ?? 'auto') : 'busy';
  const polling: HostPolling = requested === 'auto' ? (info.isFallbackAdapter ? 'timer' : 'busy') : requested;
  const gpu: Gpu = {
    instance,
    device,
    adapter,
    info,
    features: {
      timestampQuery: device.features.has('timestamp-query'),
      shaderF16: device.features.has('shader-f16'),
      subgroups: device.features.has('subgroups'),
    },
    limits: device.limits,
    dawnFlags,
    polling: 'busy', // Dawn's own way; setHostPolling below switches when asked
    failure: null,
    lost: device.lost,
    closed: false,
  };
  setHostPolling(gpu, polling);
  void device.lost.then((info) => {
    // 'destroyed' by anything but closeGpu() (a driver reset, another owner) is a loss too.
    if (!gpu.closed)
      gpu.failure ??= new DeviceError(`GPU device lost (${info.reason}): ${info.message || 'no message'}`, 'lost');
  });
  device.addEventListener('uncapturederror', (event) => {
    const error = (event as GPUUncapturedErrorEvent).error;
    gpu.failure ??= new DeviceError(`uncaptured GPU error: ${error.message}`, errorReason(error));
  });
  return gpu;
}

/** Destroys the device so that Node can exit; safe to call twice. */
export function closeGpu(gpu: Gpu): void {
  if (gpu.closed) return;
  gpu.closed = true;
  gpu.device.destroy();
  releaseTimerHold(gpu);
}

/** Switches how the host waits for an open device (see src/gpu/polling.ts). */
export function setHostPolling(gpu: Gpu, polling: HostPolling): void {
  if (gpu.closed || gpu.polling === polling) return;
  if (polling === 'timer') releasePolling.set(gpu, holdTimerPolling());
  else releaseTimerHold(gpu);
  gpu.polling = polling;
}

function releaseTimerHold(gpu: Gpu): void {
  releasePolling.get(gpu)?.();
  releasePolling.delete(gpu);
}

/** Runs `fn` with an open GPU and always closes it. */
export async function withGpu<T>(options: GpuOptions, fn: (gpu: Gpu) => Promise<T>): Promise<T> {
  const gpu = await openGpu(options);
  try {
    return await fn(gpu);
  } finally {
    closeGpu(gpu);
  }
}

export function errorReason(error: GPUError): DeviceError['reason'] {
  const name = error.constructor?.name ?? '';
  if (name.includes('OutOfMemory')) return 'out-of-memory';
  if (name.includes('Internal')) return 'internal';
  return 'validation';
}

function describeFilter(options: GpuOptions): string {
  const parts = [
    options.backend && `backend ${options.backend}`,
    options.adapterName && `name "${options.adapterName}"`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' and ') : 'the default request';
}

function adapterInfo(adapter: GPUAdapter, backend: string): AdapterInfo {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const description = info.description ?? '';
  // A CPU rasteriser is a software adapter even where Dawn does not flag it as fallback.
  const software = /llvmpipe|lavapipe|swiftshader|software|warp/i.test(
    `${info.architecture} ${info.device} ${description}`,
  );
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description,
    isFallbackAdapter: info.isFallbackAdapter === true || software,
    backend,
  };
}

export { webgpuVersion };
