import { EXIT_CODES } from '../errors.js';
import { paint } from './output.js';

/** The signals that ask a long command to stop; each has its shell exit code (128 + number). */
export type StopSignal = 'SIGINT' | 'SIGTERM';

export const SIGNAL_EXIT_CODES = {
  SIGINT: EXIT_CODES.interrupted,
  SIGTERM: EXIT_CODES.terminated,
} as const satisfies Record<StopSignal, number>;

export interface StopRequest {
  /** The first signal received, or null. */
  readonly signal: () => StopSignal | null;
  /** Polled between GPU passes (src/bench/rounds.ts). */
  readonly shouldStop: () => boolean;
  /** Restores the default handling (the process dies on the signal). */
  readonly dispose: () => void;
}

/**
 * Graceful stop for `hetbench run`: the first SIGINT (Ctrl-C) or SIGTERM lets the GPU pass in
 * flight finish, so that every finished step is written, marked partial with the reason, and the
 * run exits 130 / 143; a second signal exits at once with its code (outputs not yet written are
 * lost, but none is half-written: writes are synchronous and atomic, so a signal is handled only
 * between two of them). Commands that do not listen keep Node's default: they die on the signal.
 */
export function listenForStop(stream: NodeJS.WriteStream = process.stderr): StopRequest {
  let first: StopSignal | null = null;
  const onSignal = (signal: StopSignal): void => {
    if (first !== null) {
      stream.write(`\nhetbench: second ${signal}: stopping now, without writing the outputs.\n`);
      process.exit(SIGNAL_EXIT_CODES[signal]);
    }
    first = signal;
    stream.write(
      `\n${paint('yellow', `hetbench: ${signal}:`, stream)} finishing the current GPU pass, then writing every ` +
        `output marked partial (send it again to stop at once).\n`,
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: () => first,
    shouldStop: () => first !== null,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
