import naiveWgsl from '../../../shaders/matmul-naive.wgsl';

/**
 * The page's side of src/assets.ts (same exports): shaders/ is bundled into the page as text by
 * scripts/build-web.mjs, so there is no package folder to read.
 */
export { fillTemplate } from '../../template.js';

const SHADERS: Readonly<Record<string, string>> = { 'matmul-naive.wgsl': naiveWgsl };

export function packageRoot(): string {
  throw new Error('internal: a page has no package folder; its shaders are bundled');
}

/** A WGSL source from shaders/, as bundled. */
export function readShader(name: string): string {
  const text = SHADERS[name];
  if (text === undefined) throw new Error(`internal: shader ${name} is not bundled (src/web/platform/assets.ts)`);
  return text;
}
