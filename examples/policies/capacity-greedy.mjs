// A worked example of your own partitioning policy for hetbench (docs/policies.md, "Your own
// policy"). Plain JavaScript with JSDoc types: no build step. Run it beside the built-ins:
//
//   hetbench simulate --cluster lab-a100-h100 --workload 8b \
//     --policy lockstep,minmax,./examples/policies/capacity-greedy.mjs
//   hetbench run --quick --policy lockstep,./examples/policies/capacity-greedy.mjs --json report.json
//
// The rule: water-filling. Start every class at 0 sequences per worker; then, one level at a
// time, give one more sequence to each worker of whichever class would still finish soonest
// with it (its modelled time at that per-worker batch, times its slowest-of-n tail factor),
// never past a class's memory cap. When fewer sequences remain than the chosen class has
// workers, that class takes only the remainder (its slowest worker then runs one more than
// the others). It is a greedy approximation of minmax's exact min-max split, so a team can see
// in `simulate` and `run` how close a simple rule gets.

/** @typedef {import('hetbench').UserStaticPolicy} UserStaticPolicy */
/** @typedef {import('hetbench').PolicyContext} PolicyContext */

/** @type {UserStaticPolicy} */
export const policy = {
  name: 'capacity-greedy',
  summary: 'water-filling: each next sequence per worker to the class that still finishes soonest',
  kind: 'static',
  /**
   * @param {PolicyContext} ctx
   * @returns {number[]} sequences per class, summing to ctx.model.globalBatch
   */
  allocate(ctx) {
    const { model } = ctx;
    const classes = model.classes;
    const tail = (/** @type {number} */ i) => ctx.classTailFactors?.[i] ?? 1;
    const perWorker = classes.map(() => 0);
    const sequences = classes.map(() => 0);
    let remaining = model.globalBatch;
    while (remaining > 0) {
      let best = -1;
      let bestS = Number.POSITIVE_INFINITY;
      classes.forEach((c, i) => {
        const next = (perWorker[i] ?? 0) + 1;
        if (c.count <= 0 || next > c.memoryCapSequences) return;
        const s = c.timeS(next) * tail(i);
        if (s < bestS) {
          bestS = s;
          best = i;
        }
      });
      const c = classes[best];
      if (c === undefined)
        throw new Error(`the cluster's memory caps hold fewer than the global batch of ${model.globalBatch}`);
      const take = Math.min(c.count, remaining);
      perWorker[best] = (perWorker[best] ?? 0) + 1;
      sequences[best] = (sequences[best] ?? 0) + take;
      remaining -= take;
    }
    return sequences;
  },
};
