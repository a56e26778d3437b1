/// <reference lib="dom" />
import type { BrowserInfo } from '../bench/environment-info.js';
import { clusterPresetNames } from '../cluster/presets.js';
import { HetbenchError } from '../errors.js';
import { closeGpu, type Gpu, openGpu } from '../gpu/open.js';
import { autotune } from '../kernels/autotune.js';
import type { MatmulShape } from '../kernels/kernel.js';
import { policyNames } from '../policy/index.js';
import { reportBody } from '../report/html.js';
import type { RunReport } from '../report/schema.js';
import { workloadPresetNames } from '../workload/presets.js';
import { browserInfo } from './environment.js';
import { checkMatmuls, type MatmulCheck } from './matmul-check.js';
import { runInPage } from './page-run.js';
import { type PageRequest, pageRequest, parseQuery } from './request.js';

/**
 * The page `hetbench serve` serves (dist/web/index.html): pick a cluster and workload (presets
 * or pasted JSON), policies and quick/default, run, watch the progress bar, read the report the
 * HTML export shows, download the JSON. `?run=quick|default` starts a run on load; scripts read
 * `window.hetbenchReport` once it is set (the run finished) or `window.hetbenchError`.
 */
declare global {
  interface Window {
    hetbenchReport?: RunReport;
    hetbenchError?: string;
    hetbench?: {
      readonly checkMatmul: (shapes: readonly (readonly [number, number, number])[]) => Promise<MatmulCheck[]>;
      readonly adapter: () => Promise<Gpu['info']>;
      /** Tunes (or reads from the page's tuning cache) the kernel of one f32 product: scripts and tests. */
      readonly tune: (shape: MatmulShape, budgetS: number) => Promise<PageTune>;
    };
  }
}

/** What `window.hetbench.tune` answers: the chosen kernel and whether the cache supplied it. */
export interface PageTune {
  readonly kernel: string;
  readonly shapeClass: string;
  readonly fromCache: boolean;
}

const PASTE = '(paste JSON)';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`internal: the page has no #${id}`);
  return found as T;
}

function fillSelect(select: HTMLSelectElement, names: readonly string[], chosen: string): void {
  for (const name of [...names, PASTE]) select.add(new Option(name, name, false, name === chosen));
}

let opened: Promise<Gpu> | null = null;

/** The page's one device, opened on first use on navigator.gpu. */
function pageGpu(): Promise<Gpu> {
  opened ??= (async () => {
    const entry = (navigator as Navigator & { gpu?: GPU }).gpu;
    if (entry === undefined)
      throw new Error(
        'this browser has no WebGPU (navigator.gpu is undefined): use a current Chromium, Edge, Safari or ' +
          'Firefox; headless Chromium needs --enable-unsafe-webgpu --enable-features=Vulkan',
      );
    const gpu = await openGpu({ gpu: entry, onWarning: (m) => console.warn(`hetbench: warning: ${m}`) });
    window.addEventListener('pagehide', () => closeGpu(gpu));
    return gpu;
  })();
  opened.catch(() => {
    opened = null;
  });
  return opened;
}

function describeError(err: unknown): string {
  if (err instanceof HetbenchError) return err.message;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function showError(err: unknown): void {
  const message = describeError(err);
  window.hetbenchError = message;
  const box = element<HTMLParagraphElement>('error');
  box.textContent = message;
  box.hidden = false;
  console.error(`hetbench: ${message}`);
}

function formRequest(): PageRequest {
  const spec = (select: string, text: string): string => {
    const chosen = element<HTMLSelectElement>(select).value;
    return chosen === PASTE ? element<HTMLTextAreaElement>(text).value : chosen;
  };
  const checked = [...document.querySelectorAll<HTMLInputElement>('input[name="policy"]:checked')].map((i) => i.value);
  return pageRequest({
    cluster: spec('cluster', 'cluster-json'),
    workload: spec('workload', 'workload-json'),
    policy: checked.join(','),
    steps: element<HTMLInputElement>('steps').value,
    seed: element<HTMLInputElement>('seed').value,
    autotune: element<HTMLInputElement>('autotune').checked ? 'on' : 'off',
    size: element<HTMLInputElement>('size-quick').checked ? 'quick' : 'full',
  });
}

function showForm(request: PageRequest): void {
  const preset = (select: string, text: string, value: string, names: readonly string[]): void => {
    const pasted = !names.includes(value);
    fillSelect(element<HTMLSelectElement>(select), names, pasted ? PASTE : value);
    const area = element<HTMLTextAreaElement>(text);
    area.hidden = !pasted;
    if (pasted) area.value = value;
    element<HTMLSelectElement>(select).addEventListener('change', (e) => {
      area.hidden = (e.target as HTMLSelectElement).value !== PASTE;
    });
  };
  preset('cluster', 'cluster-json', request.cluster, clusterPresetNames);
  preset('workload', 'workload-json', request.workload, workloadPresetNames);
  const box = element<HTMLFieldSetElement>('policies');
  for (const name of policyNames) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.name = 'policy';
    input.value = name;
    input.checked = request.policies.includes(name);
    label.append(input, ` ${name}`);
    box.append(label);
  }
  element<HTMLInputElement>(request.size === 'quick' ? 'size-quick' : 'size-default').checked = true;
  element<HTMLInputElement>('steps').value = String(request.steps);
  element<HTMLInputElement>('seed').value = String(request.seed);
  element<HTMLInputElement>('autotune').checked = request.autotune;
}

let running = false;

async function run(request: PageRequest, browser: BrowserInfo): Promise<void> {
  if (running) return;
  running = true;
  const button = element<HTMLButtonElement>('start');
  const bar = element<HTMLProgressElement>('progress');
  const status = element<HTMLSpanElement>('status');
  const download = element<HTMLAnchorElement>('download');
  button.disabled = true;
  element<HTMLParagraphElement>('error').hidden = true;
  download.hidden = true;
  delete window.hetbenchReport;
  delete window.hetbenchError;
  try {
    const gpu = await pageGpu();
    const { report } = await runInPage(gpu, request, browser, (fraction, text) => {
      bar.value = fraction;
      status.textContent = text;
    });
    element<HTMLDivElement>('report').innerHTML = reportBody(report);
    const blob = new Blob([`${JSON.stringify(report, null, 2)}\n`], { type: 'application/json' });
    if (download.href) URL.revokeObjectURL(download.href);
    download.href = URL.createObjectURL(blob);
    download.download = `hetbench-${report.environment.browser?.name.toLowerCase().replace(/\W+/g, '-') ?? 'browser'}.json`;
    download.hidden = false;
    window.hetbenchReport = report;
  } catch (err) {
    showError(err);
  } finally {
    button.disabled = false;
    running = false;
  }
}

async function start(): Promise<void> {
  const browser = await browserInfo();
  window.hetbench = {
    checkMatmul: async (shapes) => checkMatmuls(await pageGpu(), shapes),
    adapter: async () => (await pageGpu()).info,
    tune: async (shape, budgetS) => {
      const r = await autotune(await pageGpu(), shape, 'f32', { budgetS });
      return { kernel: r.kernel.name, shapeClass: r.shapeClass, fromCache: r.fromCache };
    },
  };
  element<HTMLSpanElement>('browser').textContent = `${browser.name} ${browser.version}`;
  let query: ReturnType<typeof parseQuery>;
  try {
    query = parseQuery(location.search);
  } catch (err) {
    showError(err);
    query = parseQuery('');
  }
  showForm(query.request);
  element<HTMLFormElement>('run-form').addEventListener('submit', (e) => {
    e.preventDefault();
    try {
      void run(formRequest(), browser);
    } catch (err) {
      showError(err);
    }
  });
  pageGpu().then(
    (gpu) => {
      element<HTMLSpanElement>('adapter').textContent =
        `${gpu.info.description || gpu.info.device || gpu.info.architecture} (${gpu.info.vendor})`;
    },
    (err: unknown) => showError(err),
  );
  if (query.autorun !== null && window.hetbenchError === undefined) await run(query.request, browser);
}

void start().catch(showError);
