import type { ClusterGroup, ClusterSpec } from '../cluster/types.js';
import { SpecError } from '../errors.js';
import type { GpuSpec } from '../hardware/types.js';
import { type LayoutSpec, type ResolvedLayout, replicasOf, resolveLayout } from '../model/layout.js';
import { balanceStageLayers, type MixedLayoutSpec } from '../model/mixed-stages.js';
import { layerCosts, stageParamsPerGpu } from '../model/stage-cost.js';
import { stageMemory } from '../model/stage-memory.js';
import type { WorkloadSpec } from '../workload/types.js';
import type { HybridGroupInput, HybridStep, StageDevice } from './hybrid-step.js';

/**
 * A mixed-generation pipeline as a replica class (model/mixed-stages.ts): which groups its
 * stages sit on, how many replicas the groups' GPUs allow, and the layers per stage that
 * balance the stages (balanceStageLayers, under each stage's memory). The class joins the
 * ClusterModel like a group's replicas do (sim/hybrid-model.ts), so every policy partitions
 * over it.
 */
export interface MixedPlan {
  readonly position: number;
  readonly spec: MixedLayoutSpec;
  readonly replicas: number;
  /** Each pipeline device's GPU and group, in pipeline order. */
  readonly devices: readonly StageDevice[];
  /** The groups it draws from, in stage order, each once. */
  readonly groupIndices: readonly number[];
}

export interface MixedClass {
  readonly layout: ResolvedLayout;
  /** Each pipeline stage's generation. */
  readonly stageGpus: readonly GpuSpec[];
  readonly replicas: number;
  /** GPUs of all its replicas. */
  readonly gpuCount: number;
  /** Whether the layers per stage were balanced here (false: given by the layout). */
  readonly balanced: boolean;
  readonly step: HybridStep;
  readonly sequences: number;
}

type Field = (layout: number, name: string) => string;

/** Replicas of each mixed layout, in order, taking their GPUs out of `available` (per group). */
export function planMixed(
  cluster: ClusterSpec,
  specs: readonly GpuSpec[],
  w: WorkloadSpec,
  mixed: readonly MixedLayoutSpec[],
  available: number[],
  field: Field,
): MixedPlan[] {
  return mixed.map((spec, position) => {
    if (spec.stages.length === 0) throw new SpecError(field(position, 'stages'), 0, 'must name at least one stage.');
    const stagesOn = new Map<number, number>();
    const devices: StageDevice[] = [];
    spec.stages.forEach((st, k) => {
      const g = cluster.groups.findIndex((group) => group.gpu === st.gpu);
      if (g < 0)
        throw new SpecError(
          field(position, `stages[${k}].gpu`),
          st.gpu,
          `is not a group of cluster ${cluster.name}: use one of ${cluster.groups.map((x) => x.gpu).join(', ')}.`,
        );
      if (!Number.isSafeInteger(st.count) || st.count < 1)
        throw new SpecError(field(position, `stages[${k}].count`), st.count, 'must be a whole number >= 1.');
      stagesOn.set(g, (stagesOn.get(g) ?? 0) + st.count);
      for (let i = 0; i < st.count; i++)
        devices.push({ gpu: specs[g] as GpuSpec, group: cluster.groups[g] as ClusterGroup });
    });
    if (devices.length < 2)
      throw new SpecError(field(position, 'stages'), devices.length, 'must make at least 2 pipeline stages.');
    let replicas = Infinity;
    for (const [g, stages] of stagesOn) {
      const group = cluster.groups[g] as ClusterGroup;
      const k = spec.stages.findIndex((st) => st.gpu === group.gpu);
      const probe: LayoutSpec = { ...spec, pp: stages, schedule: { kind: '1f1b' } };
      // The group's checks (tp in its domain, heads, cp), on what earlier layouts left of it.
      const left = { count: available[g] ?? 0, scaleUpDomain: group.scaleUpDomain };
      const fieldOf = (name: keyof LayoutSpec): string =>
        name === 'pp' ? field(position, `stages[${k}].count`) : field(position, name);
      replicas = Math.min(replicas, replicasOf(probe, left, w, fieldOf));
    }
    if (spec.replicas !== undefined) {
      if (!Number.isSafeInteger(spec.replicas) || spec.replicas < 1 || spec.replicas > replicas)
        throw new SpecError(
          field(position, 'replicas'),
          spec.replicas,
          `must be a whole number from 1 to ${replicas}, the replicas the groups' GPUs allow.`,
        );
      replicas = spec.replicas;
    }
    for (const [g, stages] of stagesOn) available[g] = (available[g] ?? 0) - replicas * stages * spec.tp * spec.cp;
    return { position, spec, replicas, devices, groupIndices: [...stagesOn.keys()] };
  });
}

/** The class's layout (layers per stage balanced unless given), its step input and its name. */
export function resolveMixed(
  plan: MixedPlan,
  w: WorkloadSpec,
  sequencesPerReplica: number,
  field: Field,
  scale: { readonly computeScale?: number },
): {
  readonly input: HybridGroupInput;
  readonly classGpu: GpuSpec;
  readonly info: Omit<MixedClass, 'step' | 'sequences'>;
} {
  const { spec, devices, replicas } = plan;
  const p = devices.length;
  const size = spec.tp * spec.cp;
  const domain = Math.min(...devices.map((d) => d.group.scaleUpDomain));
  const layoutField = (name: keyof LayoutSpec): string =>
    field(plan.position, name === 'pp' ? 'stages' : name === 'schedule' ? 'stages' : name);
  const asLayout = (layers?: readonly number[]): LayoutSpec => {
    const { stages: _stages, replicas: _replicas, layersPerStage: _given, ...rest } = spec;
    return {
      ...rest,
      pp: p,
      schedule: { kind: '1f1b' },
      ...(layers === undefined ? {} : { layersPerStage: layers }),
    };
  };
  const group = { count: replicas * p * size, scaleUpDomain: domain };
  const first = resolveLayout(asLayout(spec.layersPerStage), group, w, sequencesPerReplica, layoutField);
  let layout = first;
  let balanced = false;
  if (spec.layersPerStage === undefined) {
    const split = balancedLayers(first, devices, w, scale) ?? first.stageLayers;
    layout = resolveLayout(asLayout(split), group, w, sequencesPerReplica, layoutField);
    balanced = true;
  }
  const ids = [...new Set(devices.map((d) => d.gpu.id))];
  const names = [...new Set(devices.map((d) => d.gpu.name))];
  const head = devices[0] as StageDevice;
  const classGpu: GpuSpec = { ...head.gpu, id: ids.join('+'), name: names.join(' + ') };
  return {
    input: {
      group: head.group,
      gpu: head.gpu,
      workload: w,
      layout,
      stageDevices: devices,
      gpuCount: replicas * p * size,
    },
    classGpu,
    info: { layout, stageGpus: devices.map((d) => d.gpu), replicas, gpuCount: replicas * p * size, balanced },
  };
}

/**
 * Layers per stage with the stages' per-micro-batch times (forward + backward, with their
 * exposed TP/CP communication, on each stage's generation) as equal as whole layers allow, each
 * stage within its GPUs' memory (1F1B holds min(p - i, m) micro-batches on stage i). Null when
 * no split fits in memory either way: the caller keeps the even split, which the plan reports
 * as not fitting.
 */
function balancedLayers(
  layout: ResolvedLayout,
  devices: readonly StageDevice[],
  w: WorkloadSpec,
  scale: { readonly computeScale?: number },
): number[] | null {
  const p = devices.length;
  const perLayerS: number[] = [];
  const fixedS: number[] = [];
  const maxLayers: number[] = [];
  devices.forEach((d, i) => {
    const c = layerCosts({
      gpu: d.gpu,
      workload: w,
      layout,
      scaleUpGBs: d.gpu.scaleUpGBs ?? d.group.scaleOutGBs,
      scaleOutGBs: d.group.scaleOutGBs,
      scaleUpDomain: d.group.scaleUpDomain,
      ...scale,
    });
    const last = i === p - 1;
    perLayerS.push(
      c.layer.forward.computeS + c.layer.forward.commS + c.layer.backward.computeS + c.layer.backward.commS,
    );
    fixedS.push(last ? c.head.forward.computeS + c.head.backward.computeS : 0);
    const inFlight = Math.min(p - i, layout.microBatches);
    const fits = (layers: number): boolean =>
      stageMemory({
        gpu: d.gpu,
        workload: w,
        layout,
        paramsPerGpu: stageParamsPerGpu(w, layout, layers, i === 0, last),
        layersInFlight: inFlight * layers,
        last,
      }).headroomBytes >= 0;
    let most = 0;
    while (most < w.layers && fits(most + 1)) most++;
    maxLayers.push(most);
  });
  return (
    balanceStageLayers({ perLayerS, fixedS, maxLayers, layers: w.layers }) ??
    balanceStageLayers({ perLayerS, fixedS, maxLayers: perLayerS.map(() => Infinity), layers: w.layers })
  );
}
