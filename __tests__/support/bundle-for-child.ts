/**
 * Bundles a small TypeScript entry that imports from `src/` into one ESM file a child node
 * process can run: for what must be measured or survived outside the test worker (peak memory,
 * inputs that abort V8).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

/** Returns the directory it wrote to and the script to run. `source` resolves imports from the repo root. */
export async function bundleForChild(source: string, name: string): Promise<{ dir: string; script: string }> {
  const dir = await mkdtemp(join(tmpdir(), `fg-${name}-`));
  const script = join(dir, `${name}.mjs`);
  await build({
    stdin: { contents: source, resolveDir: resolve('.'), sourcefile: `${name}-entry.ts`, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    outfile: script,
    logLevel: 'silent',
  });
  return { dir, script };
}
