/// <reference lib="dom" />
import type { BrowserInfo, Environment } from '../bench/environment-info.js';
import type { Gpu } from '../gpu/open.js';

/** What navigator.userAgentData offers (Chromium; absent in Firefox and Safari). */
interface UserAgentData {
  readonly brands?: readonly { readonly brand: string; readonly version: string }[];
  readonly platform?: string;
  getHighEntropyValues?(hints: readonly string[]): Promise<{
    readonly fullVersionList?: readonly { readonly brand: string; readonly version: string }[];
    readonly platformVersion?: string;
  }>;
}

/** Brands that name the browser rather than its engine, most specific first. */
const PREFERRED_BRANDS = ['Microsoft Edge', 'Google Chrome', 'Opera', 'Brave', 'Chromium'];

/**
 * The browser as it names itself: navigator.userAgentData's brands (the full version when the
 * browser grants it), else the user-agent string's last product token.
 */
export async function browserInfo(nav: Navigator = navigator): Promise<BrowserInfo> {
  const data = (nav as Navigator & { userAgentData?: UserAgentData }).userAgentData;
  const userAgent = nav.userAgent;
  const brands = data?.brands ?? [];
  let full: readonly { readonly brand: string; readonly version: string }[] = [];
  try {
    full = (await data?.getHighEntropyValues?.(['fullVersionList']))?.fullVersionList ?? [];
  } catch {
    // A browser may refuse high-entropy hints: the major version is still known.
  }
  for (const name of PREFERRED_BRANDS) {
    const brand = full.find((b) => b.brand === name) ?? brands.find((b) => b.brand === name);
    if (brand) return { name, version: brand.version, userAgent };
  }
  const token = /(Firefox|Edg|HeadlessChrome|Chrome|Version)\/([\d.]+)/.exec(userAgent);
  if (token) {
    const name = { Edg: 'Microsoft Edge', Version: 'Safari', HeadlessChrome: 'Chromium' }[token[1] ?? ''] ?? token[1];
    return { name: name ?? 'unknown', version: token[2] ?? 'unknown', userAgent };
  }
  return { name: 'unknown', version: 'unknown', userAgent };
}

/**
 * The report's environment in a page. A page cannot see the CPU model, the git commit or a
 * Node version; those fields say so. `webgpu` names the browser whose WebGPU took the figures,
 * and `browser` carries its name, version and user agent.
 */
export function browserEnvironment(gpu: Gpu, browser: BrowserInfo, nav: Navigator = navigator): Environment {
  const data = (nav as Navigator & { userAgentData?: UserAgentData }).userAgentData;
  return {
    gitSha: null,
    os: data?.platform || nav.platform || 'unknown',
    cpu: 'unknown (not visible to a page)',
    cores: nav.hardwareConcurrency ?? 0,
    node: 'none (browser)',
    webgpu: `${browser.name} ${browser.version}`,
    dawnToggles: [],
    adapter: gpu.info,
    timing: gpu.features.timestampQuery ? 'gpu-timestamp' : 'wall-clock',
    browser,
  };
}
