import { describe, expect, it } from 'vitest';
import { defineCommand } from '../../src/cli/command.js';
import { parseFault } from '../../src/cli/fault.js';
import { withFlagNames } from '../../src/cli/flag-names.js';
import { exitCodeOf, reportError } from '../../src/cli/report-error.js';
import { DeviceError, EXIT_CODES, SpecError, UsageError } from '../../src/errors.js';
import { hetbench } from '../helpers/spawn-cli.js';

/** A stderr stand-in that keeps what reportError writes. */
function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = {
    isTTY: false,
    write: (chunk: string) => {
      text += chunk;
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

/** Preloaded into the real CLI: stdout throws, as a closed pipe or a bug in a renderer would. */
const BROKEN_STDOUT = 'data:text/javascript,process.stdout.write=()=>{throw new TypeError("stdout is gone")}';

describe('exit codes', () => {
  it('give each outcome its own code: 1 is a regression and nothing else, 70 an internal error', () => {
    expect(EXIT_CODES).toEqual({
      ok: 0,
      regression: 1,
      badInput: 2,
      device: 3,
      internal: 70,
      interrupted: 130,
      terminated: 143,
    });
    expect(exitCodeOf(new UsageError('--m', '0', 'must be an integer.'))).toBe(2);
    expect(exitCodeOf(new DeviceError('GPU device lost', 'lost'))).toBe(3);
    expect(exitCodeOf(new TypeError('x is undefined'))).toBe(70);
    expect(exitCodeOf('thrown string')).toBe(70);
  });

  it('an internal error prints one line saying it is a bug and how to get the stack', () => {
    const err = capture();
    const code = reportError(new TypeError("Cannot read properties of undefined (reading 'steps')"), err.stream, {});
    expect(code).toBe(70);
    expect(err.text()).toBe(
      "hetbench: internal error (a bug in hetbench): TypeError: Cannot read properties of undefined (reading 'steps'); " +
        'rerun with HETBENCH_DEBUG=1 to print the stack trace, and report it.\n',
    );
  });

  it('a multi-line internal error still prints one line', () => {
    const err = capture();
    expect(reportError(new Error('first\nsecond'), err.stream, {})).toBe(70);
    expect(err.text().trimEnd().split('\n')).toHaveLength(1);
    expect(err.text()).toMatch(/^hetbench: internal error \(a bug in hetbench\): Error: first \.\.\.; rerun/);
  });

  it('HETBENCH_DEBUG=1 prints the stack trace', () => {
    const err = capture();
    expect(reportError(new TypeError('boom'), err.stream, { HETBENCH_DEBUG: '1' })).toBe(70);
    expect(err.text()).toMatch(/^hetbench: internal error: TypeError: boom\n\s+at /);
  });

  it('a named error prints its message and keeps its code', () => {
    const err = capture();
    expect(reportError(new UsageError('--steps', '0', 'must be an integer from 1 to 1,000.'), err.stream, {})).toBe(2);
    expect(err.text()).toBe('hetbench: error: --steps: got "0"; must be an integer from 1 to 1,000.\n');
  });

  it('the CLI exits 70 with the one-line message when a command crashes, and shows the stack only on request', () => {
    const plain = hetbench(['gpus'], {}, 60_000, ['--import', BROKEN_STDOUT]);
    expect(plain.status).toBe(70);
    expect(plain.stderr).toMatch(/^hetbench: internal error \(a bug in hetbench\): TypeError: stdout is gone; /);
    expect(plain.stderr).toMatch(/HETBENCH_DEBUG=1/);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = hetbench(['gpus'], { HETBENCH_DEBUG: '1' }, 60_000, ['--import', BROKEN_STDOUT]);
    expect(debug.status).toBe(70);
    expect(debug.stderr).toMatch(/^hetbench: internal error: TypeError: stdout is gone\n\s+at /);
  });

  it('hetbench --help lists every exit code', () => {
    const r = hetbench(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /Exit codes: 0 ok, 1 regression found \(compare\), 2 bad input, 3 GPU\/device failure,\n70 internal/,
    );
  });
});

describe('library parameters are named by the flag that set them', () => {
  const flags = { backend: '--backend', m: '--m', n: '--n', k: '--k' } as const;

  it('renames a parameter to its flag, message otherwise identical', () => {
    const err = withFlagNames(new UsageError('backend', 'x', 'must be one of: vulkan, metal.'), flags);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).field).toBe('--backend');
    expect((err as UsageError).message).toBe('--backend: got "x"; must be one of: vulkan, metal.');
    expect((err as UsageError).exitCode).toBe(2);
  });

  it('renames a field of several parameters part by part', () => {
    const err = withFlagNames(new UsageError('m/n/k', '1x2x3', 'too big.'), flags) as UsageError;
    expect(err.message).toBe('--m/--n/--k: got "1x2x3"; too big.');
  });

  it('leaves flags, JSON paths, parameters without a flag and other errors alone', () => {
    for (const field of ['--backend', '--m/--n/--k', '$.groups[0].gpu', 'globalBatch', 'polling']) {
      const original = new UsageError(field, 1, 'fix.');
      expect(withFlagNames(original, flags)).toBe(original);
    }
    const device = new DeviceError('lost', 'lost');
    expect(withFlagNames(device, flags)).toBe(device);
  });

  it('keeps the error class', () => {
    const err = withFlagNames(new SpecError('kernel', 'x', 'is not a kernel.'), { kernel: '--kernel' });
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).message).toBe('--kernel: got "x"; is not a kernel.');
  });

  it("a command rethrows a library error under its flag's name", async () => {
    const command = defineCommand({
      name: 'demo',
      summary: 'demo',
      help: 'demo',
      flags: { policy: '--policy' },
      run: () => Promise.reject(new UsageError('policy', 'fastest', 'is not a policy.')),
    });
    const err = await command.run([]).catch((e: unknown) => e);
    expect((err as UsageError).message).toBe('--policy: got "fastest"; is not a policy.');
  });
});

describe('the fault seam (HETBENCH_FAULT)', () => {
  it('parses lose-device:POLICY and nothing else', () => {
    expect(parseFault(undefined)).toBeNull();
    expect(parseFault('')).toBeNull();
    expect(parseFault('lose-device:minmax')).toEqual({ kind: 'lose-device', policy: 'minmax' });
    for (const bad of ['lose-device:fastest', 'lose-device', 'melt:minmax', 'lose-device:minmax:extra']) {
      expect(() => parseFault(bad)).toThrow(UsageError);
    }
  });

  it('a value that asks for no fault there is is bad input (exit 2), so a typo cannot pass silently', () => {
    const r = hetbench(['gpus'], { HETBENCH_FAULT: 'lose-device:fastest' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/HETBENCH_FAULT: got "lose-device:fastest"; must be lose-device:POLICY/);
  });
});
