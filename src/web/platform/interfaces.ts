import type * as NodeAjv from 'ajv/dist/2020.js';
import type * as NodeAssets from '../../assets.js';
import type * as NodeDawn from '../../gpu/dawn.js';
import type * as NodeTuneStore from '../../kernels/tune-store.js';
import type * as NodeVersion from '../../version.js';
import * as WebAjv from './ajv.js';
import * as WebAssets from './assets.js';
import * as WebDawn from './dawn.js';
import * as WebTuneStore from './tune-store.js';
import * as WebVersion from './version.js';

/**
 * The web build swaps each Node-only module for its browser implementation
 * (scripts/build-web.mjs, WEB_SUBSTITUTES). These assignments make the compiler hold each pair
 * to one interface: a function the Node module gains, loses or retypes fails the type check
 * until its browser side follows. Never imported at run time.
 */
export const substitutes = {
  dawn: WebDawn satisfies typeof NodeDawn,
  assets: WebAssets satisfies typeof NodeAssets,
  tuneStore: WebTuneStore satisfies typeof NodeTuneStore,
  version: WebVersion satisfies typeof NodeVersion,
  // validate.ts constructs Ajv2020 with its options and calls compile(schema) only.
  ajv: WebAjv satisfies {
    readonly Ajv2020: new (options: NodeAjv.Options) => { compile(schema: object): NodeAjv.ValidateFunction };
  },
} as const;
