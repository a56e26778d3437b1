/** What the web build (scripts/build-web.mjs) provides to the bundle beside the TypeScript sources. */

/** WGSL files from shaders/, bundled as text (esbuild's text loader). */
declare module '*.wgsl' {
  const source: string;
  export default source;
}

/** ajv's standalone validators, one per schema of src/spec/validate.ts, generated at build time. */
declare module 'hetbench:validators' {
  import type { ValidateFunction } from 'ajv';
  export const cluster: ValidateFunction;
  export const workload: ValidateFunction;
  export const layout: ValidateFunction;
  export const report: ValidateFunction;
  export const tune_cache: ValidateFunction;
}

/** package.json's version, defined by the build. */
declare const __HETBENCH_VERSION__: string;
