import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/** Colour only on a TTY, never when NO_COLOR is set (https://no-color.org). */
export function colorEnabled(stream: NodeJS.WriteStream = process.stdout): boolean {
  const noColor = process.env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  return stream.isTTY === true;
}

export function paint(style: Style, text: string, stream: NodeJS.WriteStream = process.stdout): string {
  return colorEnabled(stream) ? styleText(style, text, { validateStream: false }) : text;
}

/** Progress is redrawn in place only on an interactive terminal outside CI. */
export function interactive(stream: NodeJS.WriteStream = process.stderr): boolean {
  return stream.isTTY === true && !process.env['CI'];
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
