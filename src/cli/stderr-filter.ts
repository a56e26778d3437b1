import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Dawn writes two warnings straight to file descriptor 2 from native code every time a device
 * opens on some drivers (lavapipe among them):
 *   Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 ...
 * No JavaScript hook sees them (not console.warn, not process.stderr.write) and the bindings
 * take no logging callback, so the GPU commands run themselves as a child process whose stderr
 * this parent filters: those lines are kept out of the terminal and handed to the child through
 * a file (DAWN_LOG_VARIABLE), which the report's environment records (bench/environment.ts).
 * Everything else the child writes passes through unchanged, byte for byte.
 */
export const DAWN_NOISE =
  /^Warning: maxDynamic(Uniform|Storage)BuffersPerPipelineLayout artificially reduced from \d+ to \d+ to fit dynamic offset allocation limit\.$/;
/** Set in the child: it is the filtered one, and must not filter again. */
export const FILTERED_VARIABLE = 'HETBENCH_STDERR_FILTERED';
/** The file the parent appends Dawn's filtered lines to. */
export const DAWN_LOG_VARIABLE = 'HETBENCH_DAWN_LOG';
/** Whether the parent's stderr is a terminal (the child's is a pipe): colour and redrawn progress follow it. */
export const STDERR_TTY_VARIABLE = 'HETBENCH_STDERR_TTY';

const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export function isFilteredChild(): boolean {
  return process.env[FILTERED_VARIABLE] === '1';
}

/** Runs this CLI again as a child with `argv`, filtering Dawn's lines out of its stderr; resolves its exit code. */
export function runFiltered(argv: readonly string[], extraEnv: Readonly<Record<string, string>> = {}): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'hetbench-dawn-'));
  const log = join(dir, 'dawn.log');
  appendFileSync(log, '');
  // Its own process group: a terminal's Ctrl-C reaches this parent only, which forwards it once,
  // so the child's first-signal/second-signal handling (interrupt.ts) sees each signal once.
  const child: ChildProcess = spawn(process.execPath, [...process.execArgv, process.argv[1] ?? '', ...argv], {
    stdio: ['inherit', 'inherit', 'pipe'],
    detached: true,
    env: {
      ...process.env,
      ...extraEnv,
      [FILTERED_VARIABLE]: '1',
      [DAWN_LOG_VARIABLE]: log,
      [STDERR_TTY_VARIABLE]: process.stderr.isTTY === true ? '1' : '0',
    },
  });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, forward);
  let pending = '';
  const emit = (line: string, newline: boolean): void => {
    if (DAWN_NOISE.test(line)) appendFileSync(log, `${line}\n`);
    else process.stderr.write(newline ? `${line}\n` : line);
  };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    pending += chunk;
    let at = pending.indexOf('\n');
    while (at >= 0) {
      emit(pending.slice(0, at), true);
      pending = pending.slice(at + 1);
      at = pending.indexOf('\n');
    }
    // A progress line redrawn with \r has no newline yet: pass it on at once.
    if (pending.includes('\r') || pending.length > 4096) {
      emit(pending, false);
      pending = '';
    }
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      if (pending !== '') emit(pending, false);
      for (const s of signals) process.off(s, forward);
      rmSync(dir, { recursive: true, force: true });
      resolve(code ?? (signal ? (SIGNAL_EXIT[signal] ?? 1) : 1));
    });
  });
}

/**
 * In a filtered child: the Dawn lines the parent has kept out of the terminal so far, for the
 * report's environment; {} when not run through the filter (the library, tests in process).
 */
export function dawnWarningsSoFar(): { dawnWarnings?: string[] } {
  const log = process.env[DAWN_LOG_VARIABLE];
  if (!isFilteredChild() || log === undefined) return {};
  try {
    const lines = readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    return { dawnWarnings: [...new Set(lines)] };
  } catch {
    return {};
  }
}
