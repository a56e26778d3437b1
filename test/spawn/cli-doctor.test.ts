import { describe, expect, it } from 'vitest';
import { hetbench } from '../helpers/spawn-cli.js';

// Point the Vulkan loader at no driver at all: the machine then has no WebGPU adapter.
const NO_DRIVER = {
  VK_DRIVER_FILES: '/nonexistent/hetbench-no-driver.json',
  VK_ICD_FILENAMES: '/nonexistent/hetbench-no-driver.json',
};

describe('hetbench doctor', () => {
  it('--json describes the adapter, backend, software flag, features and limits', () => {
    const r = hetbench(['doctor', '--json']);
    expect(r.status).toBe(0);
    const d = JSON.parse(r.stdout) as Record<string, unknown> & {
      adapter: { vendor: unknown; description: string; backend: string };
      enabled: { timestampQuery: boolean };
      limits: { maxStorageBufferBindingSize: number };
    };
    expect(typeof d['adapter'].vendor).toBe('string');
    expect(d['adapter'].description.length).toBeGreaterThan(0);
    expect(d['adapter'].backend).toBe('vulkan');
    expect(typeof d['software']).toBe('boolean');
    expect(d['features']).toContain('timestamp-query');
    expect(d['enabled'].timestampQuery).toBe(true);
    expect(d['timing']).toBe('gpu-timestamp');
    expect(d['limits'].maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);
    expect(d['dawnFlags']).toContain('disable-dawn-features=timestamp_quantization');
    expect(d['polling']).toBe(d['software'] ? 'timer' : 'busy');
  });

  it('--polling chooses how the host waits, and a mode that does not exist exits 2 listing the allowed ones', () => {
    const busy = hetbench(['doctor', '--json', '--polling', 'busy']);
    expect(busy.status).toBe(0);
    expect((JSON.parse(busy.stdout) as { polling: string }).polling).toBe('busy');
    const bad = hetbench(['doctor', '--polling', 'lazy']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--polling: got "lazy"; must be one of: auto, busy, timer/);
  });

  it('prints a readable report with the adapter and limits, without colour when NO_COLOR is set', () => {
    const r = hetbench(['doctor']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^adapter\s+\S+/m);
    expect(r.stdout).toMatch(/backend\s+vulkan/);
    expect(r.stdout).toMatch(/maxStorageBufferBindingSize\s+[\d,]+/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for ANSI escapes on purpose
    expect(r.stdout).not.toMatch(/\u001b\[/);
  });

  it('--quiet prints nothing and exits 0 when an adapter opens', () => {
    const r = hetbench(['doctor', '--quiet']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('exits 3 with a fix hint when the machine has no adapter', () => {
    const r = hetbench(['doctor'], NO_DRIVER);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/no WebGPU adapter found/);
    expect(r.stderr).toMatch(/fix: run 'npm run setup'/);
  });

  it('exits 3 naming the filter and the adapters that exist when --adapter matches none', () => {
    const r = hetbench(['doctor', '--adapter', 'no-such-gpu-xyz']);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/no WebGPU adapter matches name "no-such-gpu-xyz"/);
    expect(r.stderr).toMatch(/Available adapters/);
  });

  it('exits 2 for a backend that does not exist, listing the allowed ones', () => {
    const r = hetbench(['doctor', '--backend', 'cuda']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--backend: got "cuda"; must be one of: vulkan, d3d12/);
  });
});
