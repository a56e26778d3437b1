import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/** Colour only on a TTY, never when NO_COLOR is set (https://no-color.org). */
export function colorEnabled(stream: NodeJS.WriteStream = process.stdout): boolean {
  const noColor = process.env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  return isTerminal(stream);
}

/**
 * A terminal, or the stderr pipe of a child the CLI filters (stderr-filter.ts) whose parent's
 * stderr is one: colour and redrawn progress follow the user's terminal, not the pipe.
 */
function isTerminal(stream: NodeJS.WriteStream): boolean {
  if (stream.isTTY === true) return true;
  return stream === process.stderr && process.env['HETBENCH_STDERR_TTY'] === '1';
}

export function paint(style: Style, text: string, stream: NodeJS.WriteStream = process.stdout): string {
  return colorEnabled(stream) ? styleText(style, text, { validateStream: false }) : text;
}

/** Progress is redrawn in place only on an interactive terminal outside CI. */
export function interactive(stream: NodeJS.WriteStream = process.stderr): boolean {
  return isTerminal(stream) && !process.env['CI'];
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * The one escape for user-supplied text printed to a terminal (spec names, flag values, paths,
 * error messages): control characters and escape sequences, C1 ones (U+0080-U+009F, CSI among
 * them) and the Unicode line separators included, are written as visible \u{..} codes, so a
 * spec name cannot clear the screen, move the cursor or forge a line. Newlines stay unless
 * `keepNewlines` is false.
 */
export function terminalSafe(text: string, keepNewlines = true): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) =>
    c === '\n' && keepNewlines ? c : `\\u{${c.charCodeAt(0).toString(16)}}`,
  );
}

/**
 * Every number in a command's result is finite before it is printed: the schemas bound the
 * inputs so the model cannot overflow, and a NaN or Infinity that still comes out is a bug,
 * not a figure (it would print "NaNx"). Throws a plain Error (exit 70, internal) naming where.
 */
export function assertFinite(value: unknown, what: string, at = '$'): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new Error(`${what}: the model produced a non-finite figure (${value}) at ${at}; this is a bug in hetbench`);
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) assertFinite(v, what, `${at}[${i}]`);
  } else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) assertFinite(v, what, `${at}.${k}`);
}
