import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The package's root folder, found by walking up from this module (works from src/ and dist/src/). */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (
      existsSync(candidate) &&
      (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'hetbench'
    ) {
      root = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('hetbench: cannot find the package root (package.json named "hetbench")');
    dir = parent;
  }
}

const shaderCache = new Map<string, string>();

/** Reads a WGSL source or template from shaders/. */
export function readShader(name: string): string {
  let text = shaderCache.get(name);
  if (text === undefined) {
    text = readFileSync(join(packageRoot(), 'shaders', name), 'utf8');
    shaderCache.set(name, text);
  }
  return text;
}

// The template filler is platform-neutral (the web bundle's assets use it too).
export { fillTemplate } from './template.js';
