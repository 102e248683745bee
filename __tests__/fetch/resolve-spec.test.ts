import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FetchError } from '../../src/errors.js';
import { resolveRegistrySpec } from '../../src/fetch/resolve-spec.js';
import { sha512, startMiniRegistry, type MiniRegistry } from '../support/mini-registry.js';
import { buildTarball, packageEntries } from '../support/tarball.js';

let registry: MiniRegistry;
let cacheDir: string;
const tarballs = new Map<string, Buffer>();

beforeAll(async () => {
  registry = await startMiniRegistry();
  for (const version of ['1.0.0', '1.2.0', '2.0.0']) {
    const tarball = buildTarball(packageEntries({ 'package.json': JSON.stringify({ name: 'victim', version }) }));
    tarballs.set(version, tarball);
    registry.publish({ name: 'victim', version, tarball });
  }
});

afterAll(async () => {
  await registry.close();
});

beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'fg-resolve-'));
  registry.requests.length = 0;
});

afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

describe('resolveRegistrySpec', () => {
  it.each([
    ['victim', '2.0.0'],
    ['victim@^1', '1.2.0'],
    ['victim@1.0.0', '1.0.0'],
    ['victim@latest', '2.0.0'],
  ])('resolves %s to %s with the registry integrity', async (spec, version) => {
    const target = await resolveRegistrySpec(spec, { npmrc: { registry: registry.url }, cacheDir });
    const tarball = tarballs.get(version);
    expect(tarball).toBeDefined();
    expect(target).toEqual({
      name: 'victim',
      version,
      spec: `victim@${version}`,
      integrity: sha512(tarball ?? Buffer.alloc(0)),
      resolved: `${registry.url}victim/-/victim-${version}.tgz`,
      source: 'registry',
    });
  });

  it('uses and removes a private cache when none is given', async () => {
    const privateCaches = async (): Promise<string[]> => (await readdir(tmpdir())).filter((name) => name.startsWith('fingerprint-gate-resolve-'));
    const before = await privateCaches();
    const target = await resolveRegistrySpec('victim@^1', { npmrc: { registry: registry.url } });
    expect(target.version).toBe('1.2.0');
    expect(registry.requests.length).toBeGreaterThan(0);
    expect(await privateCaches()).toEqual(before);
  });

  it.each(['github:attacker/repo', 'git+ssh://git@example.invalid/x.git', 'https://example.invalid/x.tgz', 'file:../x'])(
    'refuses %s without contacting anything',
    async (spec) => {
      const failure = resolveRegistrySpec(spec, { npmrc: { registry: registry.url }, cacheDir, retries: 0 });
      await expect(failure).rejects.toBeInstanceOf(FetchError);
      await expect(failure).rejects.toMatchObject({ code: 'EREFUSED' });
      expect(registry.requests).toEqual([]);
    },
  );

  it('reports an unknown package as E404 and an unmatched range with its npm code', async () => {
    await expect(resolveRegistrySpec('nothing-here', { npmrc: { registry: registry.url }, cacheDir, retries: 0 })).rejects.toMatchObject({
      code: 'E404',
      message: 'nothing-here: not found in the registry (404)',
    });
    await expect(resolveRegistrySpec('victim@^9', { npmrc: { registry: registry.url }, cacheDir, retries: 0 })).rejects.toMatchObject({
      code: 'ETARGET',
    });
  });
});
