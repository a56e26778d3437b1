import type { ProgressEvent } from '../bench/measured-run.js';
import { UsageError } from '../errors.js';
import type { Gpu } from '../gpu/open.js';
import { type PolicyName, policyNames } from '../policy/index.js';

/**
 * A test seam, not a feature: with HETBENCH_FAULT=lose-device:POLICY, `hetbench run` destroys
 * its GPU device as POLICY starts its first step, as a driver reset would, so that the failure
 * path (exit 3, the partial report) is tested on the real adapter rather than on a mock
 * (test/cli-run.test.ts; docs/measured.md). main.ts reads the variable once at start-up and
 * arms the fault; `run` hands its progress events to `injectArmedFault`, which does nothing
 * unless a fault is armed. Nothing else reads HETBENCH_FAULT.
 */
export interface Fault {
  readonly kind: 'lose-device';
  readonly policy: PolicyName;
}

export const FAULT_VARIABLE = 'HETBENCH_FAULT';

let armed: Fault | null = null;

/** The fault a HETBENCH_FAULT value asks for; a value that asks for none that exists is bad input. */
export function parseFault(raw: string | undefined): Fault | null {
  if (raw === undefined || raw === '') return null;
  const parts = raw.split(':');
  const [kind, policy] = parts;
  const known = policyNames.find((p) => p === policy);
  if (parts.length !== 2 || kind !== 'lose-device' || known === undefined) {
    throw new UsageError(
      FAULT_VARIABLE,
      raw,
      `must be lose-device:POLICY, POLICY one of ${policyNames.join(', ')} (a test seam: docs/measured.md).`,
    );
  }
  return { kind: 'lose-device', policy: known };
}

/** Arms (or, with null, disarms) the fault for this process. Called once, by main.ts. */
export function armFault(fault: Fault | null): void {
  armed = fault;
}

/** Loses the device for real when the armed fault's moment comes; a no-op when none is armed. */
export function injectArmedFault(gpu: Gpu, event: ProgressEvent): void {
  if (armed === null) return;
  if (event.phase === 'policy' && event.step === 0 && event.policy === armed.policy) gpu.device.destroy();
}
