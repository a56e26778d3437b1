import * as validators from 'hetbench:validators';
import type { ValidateFunction } from 'ajv';
import clusterSchema from '../../../schemas/cluster.schema.json' with { type: 'json' };
import layoutSchema from '../../../schemas/layout.schema.json' with { type: 'json' };
import reportSchema from '../../../schemas/report.schema.json' with { type: 'json' };
import tuneCacheSchema from '../../../schemas/tune-cache.schema.json' with { type: 'json' };
import workloadSchema from '../../../schemas/workload.schema.json' with { type: 'json' };

/**
 * The page's side of `ajv/dist/2020.js` as src/spec/validate.ts uses it. ajv compiles a schema
 * into code run through `new Function`, which the page's Content-Security-Policy forbids (no
 * 'unsafe-eval'); scripts/build-web.mjs compiles the same schemas with the same options ahead of
 * time (ajv's standalone code) and this hands validate.ts those functions, so the page checks
 * specs, reports and its tuning cache with the very rules Node uses, and the same messages.
 */
const COMPILED = new Map<object, ValidateFunction>([
  [clusterSchema, validators.cluster],
  [workloadSchema, validators.workload],
  [layoutSchema, validators.layout],
  [reportSchema, validators.report],
  [tuneCacheSchema, validators.tune_cache],
]);

export class Ajv2020 {
  compile(schema: object): ValidateFunction {
    const validate = COMPILED.get(schema);
    if (validate === undefined) throw new Error('internal: no precompiled validator for this schema (build-web.mjs)');
    return validate;
  }
}
