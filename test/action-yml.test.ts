import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/*
 * action.yml, the composite GitHub Action (docs/ci.md, "The GitHub Action"), checked for the
 * structure a runner needs. No YAML library is a dependency, so a small reader for the subset
 * the file uses parses it. The script its steps run is tested in test/spawn/ci-action.test.ts.
 */
/*
 * A tiny reader for the YAML subset action.yml uses (block mappings and sequences, one-line
 * scalars, comments); anything else fails the test, so the file stays inside what it checks.
 */
type Yaml = string | Yaml[] | { [key: string]: Yaml };
interface YamlLine {
  readonly indent: number;
  readonly text: string;
  readonly no: number;
}

function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || line[i - 1] === ' ')) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

function scalar(text: string, no: number): string {
  if (/^["'].*["']$/.test(text) && text.length >= 2) return text.slice(1, -1);
  if (/^[|>[{&*!]/.test(text) || /: /.test(text)) throw new Error(`line ${no}: outside the YAML subset: ${text}`);
  return text;
}

function parseYaml(source: string): Yaml {
  const lines: YamlLine[] = [];
  source.split('\n').forEach((raw, i) => {
    if (raw.includes('\t')) throw new Error(`line ${i + 1}: a tab`);
    const text = stripComment(raw);
    if (text.trim() !== '') lines.push({ indent: text.length - text.trimStart().length, text: text.trim(), no: i + 1 });
  });
  let at = 0;
  const block = (indent: number): Yaml => {
    const first = lines[at];
    if (first === undefined || first.indent !== indent) throw new Error(`line ${first?.no}: bad indentation`);
    if (first.text.startsWith('- ')) {
      const items: Yaml[] = [];
      while (lines[at]?.indent === indent && lines[at]!.text.startsWith('- ')) {
        const line = lines[at]!;
        // The item's first key sits after the dash: read it as a line two columns deeper.
        lines[at] = { indent: indent + 2, text: line.text.slice(2), no: line.no };
        items.push(block(indent + 2));
      }
      return items;
    }
    const map: { [key: string]: Yaml } = {};
    while (lines[at]?.indent === indent && !lines[at]!.text.startsWith('- ')) {
      const line = lines[at]!;
      const m = /^([A-Za-z0-9_-]+):(?: (.*))?$/.exec(line.text);
      if (m === null) throw new Error(`line ${line.no}: not a key: ${line.text}`);
      const key = m[1]!;
      if (key in map) throw new Error(`line ${line.no}: duplicate key ${key}`);
      at++;
      if (m[2] !== undefined) map[key] = scalar(m[2], line.no);
      else {
        const next = lines[at];
        map[key] = next !== undefined && next.indent > indent ? block(next.indent) : '';
      }
    }
    return map;
  };
  const doc = block(0);
  if (at !== lines.length) throw new Error(`line ${lines[at]!.no}: bad indentation`);
  return doc;
}

const asMap = (y: Yaml | undefined): { [key: string]: Yaml } => {
  if (y === undefined || typeof y === 'string' || Array.isArray(y)) throw new Error('expected a mapping');
  return y;
};

describe('action.yml', () => {
  const action = asMap(parseYaml(readFileSync('action.yml', 'utf8')));
  const runs = asMap(action['runs']);
  const steps = runs['steps'];
  const inputs = asMap(action['inputs']);

  it('is a composite action whose every step runs scripts/ci-action.sh in bash', () => {
    expect(typeof action['name']).toBe('string');
    expect(typeof action['description']).toBe('string');
    expect(runs['using']).toBe('composite');
    expect(Array.isArray(steps)).toBe(true);
    const phases = (steps as Yaml[]).map((s) => {
      const step = asMap(s);
      expect(step['shell']).toBe('bash');
      const run = step['run'] as string;
      // exec: the script is the step's process, so the runner's signals reach it (and hetbench).
      const m = /^exec bash "\$GITHUB_ACTION_PATH\/scripts\/ci-action\.sh" (\w+)$/.exec(run);
      expect(m, run).not.toBeNull();
      return m![1];
    });
    expect(phases).toEqual(['check', 'setup', 'run', 'compare']);
  });

  it('passes every input to every step through env, and only declared ones', () => {
    expect(Object.keys(inputs).sort()).toEqual(
      ['baseline', 'metrics', 'out-dir', 'run-args', 'setup', 'threshold', 'working-directory'].sort(),
    );
    expect(asMap(inputs['metrics'])['default']).toBe('');
    expect(asMap(inputs['threshold'])['default']).toBe('auto');
    for (const s of steps as Yaml[]) {
      const step = asMap(s);
      // Inputs in the shell text would be pasted into the script (injection); env keeps them data.
      expect(step['run']).not.toMatch(/\$\{\{/);
      const env = asMap(step['env']);
      const used = Object.values(env).map((v) => /^\$\{\{ inputs\.([a-z-]+) \}\}$/.exec(v as string)?.[1]);
      expect(used.sort()).toEqual(
        Object.keys(inputs)
          .filter((k) => k !== 'setup')
          .sort(),
      );
    }
  });

  it('has outputs report, verdict and exit-code, read from step ids that exist', () => {
    const ids = new Set((steps as Yaml[]).map((s) => asMap(s)['id']));
    const outputs = asMap(action['outputs']);
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['report', 'verdict', 'exit-code']));
    for (const [name, o] of Object.entries(outputs)) {
      const value = asMap(o)['value'] as string;
      const refs = [...value.matchAll(/steps\.([a-z]+)\.outputs\.([a-z-]+)/g)];
      expect(refs.length, name).toBeGreaterThan(0);
      for (const [, id] of refs) expect(ids.has(id), `${name}: step ${id}`).toBe(true);
    }
  });

  it('the reader refuses YAML outside its subset', () => {
    expect(() => parseYaml('a:\n  - b: 1\n   c: 2\n')).toThrow(/indentation/);
    expect(() => parseYaml('a: |\n  text\n')).toThrow(/subset/);
    expect(() => parseYaml('a: 1\na: 2\n')).toThrow(/duplicate/);
    expect(parseYaml('a:\n  - b: "x # y" # c\n    d: e\n')).toEqual({ a: [{ b: 'x # y', d: 'e' }] });
  });
});
