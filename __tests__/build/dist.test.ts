import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_VERSION } from '../../src/version.js';

describe('dist/', () => {
  it('is what the current source builds (rebuild with `npm run build` and commit it)', () => {
    const out = mkdtempSync(join(tmpdir(), 'fg-dist-'));
    execFileSync(process.execPath, ['scripts/build.mjs', '--outdir', out], { stdio: 'pipe' });
    for (const file of ['index.js', 'cli.js']) {
      const fresh = readFileSync(join(out, file), 'utf8');
      const committed = readFileSync(join('dist', file), 'utf8');
      expect(committed === fresh, `dist/${file} is stale`).toBe(true);
    }
  });

  it('keeps the engine version equal to package.json', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(ENGINE_VERSION).toBe(pkg.version);
  });

  it('declares the action the way the runner needs it', () => {
    const action = readFileSync('action.yml', 'utf8');
    expect(action).toMatch(/using: node24/);
    expect(action).toMatch(/main: dist\/index\.js/);
    // Only the token has a declared default; the others default in the schema so a policy file can set them.
    expect(action.match(/^\s+default:/gm)).toHaveLength(1);
  });
});
