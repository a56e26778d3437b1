/**
 * The one escape for text from reports (GPU, policy, adapter, failure and input fields, file
 * labels) placed into Markdown: a PR comment or a job summary renders raw HTML and links, and
 * a pipe or newline breaks a table. `&`, `<` and `>` become entities (so no tag or entity of
 * the input survives), `\`, `|` and the backtick are backslash-escaped, and line breaks and
 * other control characters become spaces: a cell stays one cell, a line one line.
 */
export function markdownText(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/[\\|`]/g, '\\$&')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
  );
}

/** Inline code for a name: the backtick cannot be escaped inside a code span, so it is replaced. */
export function markdownCode(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
  return `\`${text.replace(/`/g, "'").replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')}\``;
}
