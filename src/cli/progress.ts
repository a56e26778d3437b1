import { interactive } from './output.js';

/**
 * Progress on stderr: one line redrawn in place on an interactive terminal, plain lines
 * otherwise (CI logs, pipes), and only when the message changes materially.
 */
export class Progress {
  private readonly tty: boolean;
  private lastPlain = '';
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled = true,
  ) {
    this.tty = interactive(stream);
  }

  /** `key` decides when a plain line is due (e.g. the policy name); `text` is what is shown. */
  update(key: string, text: string): void {
    if (!this.enabled) return;
    if (this.tty) {
      this.stream.write(`\r\u001b[2K${text}`);
      this.drawn = true;
    } else if (key !== this.lastPlain) {
      this.stream.write(`${text}\n`);
      this.lastPlain = key;
    }
  }

  done(): void {
    if (this.tty && this.drawn) this.stream.write('\r\u001b[2K');
    this.drawn = false;
  }
}

export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
}
