import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FetchError } from '../../src/errors.js';
import type { PackageTarget } from '../../src/lockfile/types.js';
import { readNpmrc } from '../../src/fetch/npmrc.js';
import { NO_INTEGRITY_NOTE, createRegistryFetcher, type RegistryFetcherOptions } from '../../src/fetch/registry.js';
import type { PackageFiles } from '../../src/fetch/types.js';
import { sha512, startMiniRegistry, type MiniRegistry } from '../support/mini-registry.js';
import { buildTarball, packageEntries } from '../support/tarball.js';

const TOKEN = 'npm_tok3n-that-must-never-leak';

function target(name: string, version: string, overrides: Partial<PackageTarget> = {}): PackageTarget {
  return { name, version, spec: `${name}@${version}`, integrity: null, resolved: null, source: 'registry', ...overrides };
}

function tarballOf(name: string, version: string, files: Record<string, string> = {}): Buffer {
  return buildTarball(packageEntries({ 'package.json': JSON.stringify({ name, version }), 'index.js': `// ${name}@${version}\n`, ...files }));
}

function paths(result: PackageFiles): string[] {
  return result.files.map((file) => file.path).sort();
}

async function fetchError(promise: Promise<unknown>): Promise<FetchError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(FetchError);
  if (!(outcome instanceof FetchError)) throw new Error('expected a FetchError');
  return outcome;
}

/** Every text an error carries down its cause chain: none of it may hold a secret. */
function errorTexts(error: unknown): string {
  const texts: string[] = [];
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    texts.push(current.message, String(current.stack));
  }
  return texts.join('\n');
}

let registry: MiniRegistry;
let scoped: MiniRegistry;
let cacheDir: string;

beforeAll(async () => {
  registry = await startMiniRegistry();
  scoped = await startMiniRegistry({ token: TOKEN });
  const published: [string, string][] = [
    ['victim', '1.0.0'],
    ['flaky', '1.0.0'],
    ['dropped', '1.0.0'],
    ['broken', '1.0.0'],
    ['slow', '1.0.0'],
    ['no-integrity', '2.0.0'],
  ];
  for (const [name, version] of published) registry.publish({ name, version, tarball: tarballOf(name, version) });
  // The packument vouches for one tarball and the server sends another: a tampered download.
  registry.publish({ name: 'tampered', version: '1.0.0', tarball: tarballOf('tampered', '1.0.0', { 'evil.js': 'x' }), integrity: sha512(tarballOf('tampered', '1.0.0')) });
  // Tampered and not even a tarball: the stream is read as it arrives, and the integrity still decides.
  registry.publish({ name: 'tampered-garbage', version: '1.0.0', tarball: Buffer.concat([tarballOf('x', '1.0.0').subarray(0, 10), randomBytes(4 * 1024 * 1024)]), integrity: sha512(tarballOf('tampered-garbage', '1.0.0')) });
  scoped.publish({ name: '@corp/internal', version: '3.1.4', tarball: tarballOf('@corp/internal', '3.1.4', { 'lib/a.js': 'a' }) });
});

afterAll(async () => {
  await registry.close();
  await scoped.close();
});

beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'fg-pacote-cache-'));
  registry.requests.length = 0;
  scoped.requests.length = 0;
});

afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

function fetcher(overrides: Partial<RegistryFetcherOptions> = {}) {
  return createRegistryFetcher({ npmrc: { registry: registry.url }, cacheDir, retries: 2, timeoutMs: 10_000, ...overrides });
}

describe('createRegistryFetcher: registry packages', () => {
  it('fetches and unpacks a package whose integrity matches the lockfile', async () => {
    const integrity = sha512(tarballOf('victim', '1.0.0'));
    const result = await fetcher().fetch(target('victim', '1.0.0', { integrity }));
    expect(paths(result)).toEqual(['index.js', 'package.json']);
    expect(result.files.find((file) => file.path === 'index.js')?.content.toString()).toBe('// victim@1.0.0\n');
    expect(result.integrity).toBe(integrity);
    expect(result.notes).toEqual([]);
  });

  it('refuses a tarball whose integrity differs from the lockfile: EINTEGRITY', async () => {
    const wrong = sha512(Buffer.from('something else'));
    const error = await fetchError(fetcher().fetch(target('victim', '1.0.0', { integrity: wrong })));
    expect(error.code).toBe('EINTEGRITY');
    expect(error.message).toMatch(/^victim@1\.0\.0: /);
  });

  // make-fetch-happen retries the download too, but always against the same pinned integrity.
  it.each([
    ['the lockfile', sha512(tarballOf('tampered', '1.0.0'))],
    ['the registry', null],
  ])('never retries a tampered download into success (integrity from %s)', async (_, integrity) => {
    const error = await fetchError(fetcher({ retries: 1 }).fetch(target('tampered', '1.0.0', { integrity })));
    expect(error.code).toBe('EINTEGRITY');
    expect(registry.requests.filter((request) => request.path.startsWith('/tampered/-/')).length).toBeGreaterThanOrEqual(1);
  });

  it('fails a tampered download that is also corrupt, naming the package, and leaves nothing unhandled', async () => {
    const unhandled: unknown[] = [];
    const note = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', note);
    try {
      // Either failure is a refusal: the integrity check's, or the unpacker's "not valid gzip".
      await expect(fetcher().fetch(target('tampered-garbage', '1.0.0'))).rejects.toThrow(/^tampered-garbage@1\.0\.0: .*(integrity|not valid gzip)/);
      // Rejections surface a turn later: give them the chance before looking.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', note);
    }
  });

  it('reports a package the registry does not have as E404', async () => {
    const error = await fetchError(fetcher().fetch(target('missing-package', '1.0.0')));
    expect(error.code).toBe('E404');
    expect(error.message).toBe('missing-package@1.0.0: not found in the registry (404)');
  });

  it('retries a 500 and then succeeds', async () => {
    registry.fault('/flaky', { status: 500, times: 1 });
    const result = await fetcher().fetch(target('flaky', '1.0.0'));
    expect(paths(result)).toEqual(['index.js', 'package.json']);
    expect(registry.requests.filter((request) => request.path === '/flaky')).toHaveLength(2);
  });

  it('retries a dropped connection and then succeeds', async () => {
    registry.fault('/dropped/-/', { drop: true, times: 1 });
    const result = await fetcher().fetch(target('dropped', '1.0.0'));
    expect(paths(result)).toEqual(['index.js', 'package.json']);
    expect(registry.requests.filter((request) => request.path.startsWith('/dropped/-/')).length).toBeGreaterThanOrEqual(2);
  });

  it('gives up after the configured retries with the HTTP status as the code', async () => {
    registry.fault('/broken', { status: 503, times: 2 });
    const error = await fetchError(fetcher({ retries: 1 }).fetch(target('broken', '1.0.0')));
    expect(error.code).toBe('E503');
    expect(error.message).toMatch(/^broken@1\.0\.0: the registry answered HTTP 503/);
    expect(registry.requests.filter((request) => request.path === '/broken')).toHaveLength(2);
  });

  it('reports a registry that does not answer in time as ETIMEDOUT', async () => {
    registry.fault('/slow', { delayMs: 3_000, times: 1 });
    const error = await fetchError(fetcher({ retries: 0, timeoutMs: 300 }).fetch(target('slow', '1.0.0')));
    expect(error.code).toBe('ETIMEDOUT');
    expect(error.message).toBe('slow@1.0.0: the registry did not answer within 300 ms');
  });

  it("checks a package without lockfile integrity against the registry's, and says so", async () => {
    const result = await fetcher().fetch(target('no-integrity', '2.0.0'));
    expect(result.integrity).toBe(sha512(tarballOf('no-integrity', '2.0.0')));
    expect(result.notes[0]).toBe(NO_INTEGRITY_NOTE);
  });

  it('lets the registry option replace the npmrc registry', async () => {
    const result = await fetcher({ npmrc: { registry: 'http://127.0.0.1:9/' }, registry: registry.url.slice(0, -1) }).fetch(
      target('victim', '1.0.0'),
    );
    expect(paths(result)).toEqual(['index.js', 'package.json']);
  });
});

describe('createRegistryFetcher: scoped registry and auth from .npmrc', () => {
  let projectDir: string;
  let homeDir: string;

  beforeEach(async () => {
    projectDir = await mkdtemp(join(tmpdir(), 'fg-project-'));
    homeDir = await mkdtemp(join(tmpdir(), 'fg-home-'));
    const scopedHost = new URL(scoped.url).host;
    await writeFile(join(projectDir, '.npmrc'), `registry=${registry.url}\n@corp:registry=${scoped.url}\n`);
    await writeFile(join(homeDir, '.npmrc'), `//${scopedHost}/:_authToken=\${CORP_TOKEN}\n`);
  });

  afterEach(async () => {
    await rm(projectDir, { recursive: true, force: true });
    await rm(homeDir, { recursive: true, force: true });
  });

  it('sends the token only to the scoped registry and fetches the scoped package', async () => {
    const npmrc = readNpmrc(projectDir, { CORP_TOKEN: TOKEN }, homeDir);
    const result = await fetcher({ npmrc }).fetch(target('@corp/internal', '3.1.4'));
    expect(paths(result)).toEqual(['index.js', 'lib/a.js', 'package.json']);
    expect(scoped.requests.length).toBeGreaterThanOrEqual(2);
    for (const request of scoped.requests) expect(request.authorization).toBe(`Bearer ${TOKEN}`);
    await fetcher({ npmrc }).fetch(target('victim', '1.0.0'));
    expect(registry.requests.length).toBeGreaterThan(0);
    for (const request of registry.requests) expect(request.authorization).toBeUndefined();
  });

  it('keeps the token out of errors: a missing scoped package', async () => {
    const npmrc = readNpmrc(projectDir, { CORP_TOKEN: TOKEN }, homeDir);
    const error = await fetchError(fetcher({ npmrc }).fetch(target('@corp/absent', '1.0.0')));
    expect(error.code).toBe('E404');
    expect(scoped.requests.some((request) => request.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(errorTexts(error)).not.toContain(TOKEN);
  });

  it('keeps the token out of errors: a rejected token', async () => {
    const wrong = `${TOKEN}-revoked`;
    const npmrc = readNpmrc(projectDir, { CORP_TOKEN: wrong }, homeDir);
    const error = await fetchError(fetcher({ npmrc, retries: 0 }).fetch(target('@corp/internal', '3.1.4')));
    expect(error.code).toBe('E401');
    expect(scoped.requests.some((request) => request.authorization === `Bearer ${wrong}`)).toBe(true);
    expect(errorTexts(error)).not.toContain(wrong);
    expect(errorTexts(error)).not.toContain(TOKEN);
  });

  it('keeps a password written into the registry URL out of errors', async () => {
    const secret = 'hunter2-url-password';
    const withPassword = registry.url.replace('http://', `http://someone:${secret}@`);
    const error = await fetchError(fetcher({ npmrc: { registry: withPassword }, retries: 0 }).fetch(target('missing-package', '1.0.0')));
    expect(error.code).toBe('E404');
    expect(errorTexts(error)).not.toContain(secret);
  });
});

describe('createRegistryFetcher: refused sources', () => {
  const REFUSED: [PackageTarget['source'], RegExp][] = [
    ['git', /^dep: git dependencies are not fetched/],
    ['remote', /^dep: remote tarball URLs outside the registry are not fetched/],
    ['file', /^dep: file: dependencies outside the repository are not fetched/],
    ['link', /^dep: linked and workspace packages/],
  ];
  it.each(REFUSED)('%s', async (source, message) => {
    const error = await fetchError(fetcher().fetch(target('dep', '1.0.0', { source, spec: 'git+ssh://git@example.invalid/x.git' })));
    expect(error.code).toBe('EREFUSED');
    expect(error.message).toMatch(message);
    expect(registry.requests).toEqual([]);
  });

  const CRAFTED: [string, string][] = [
    ['github:attacker/repo', '1.0.0'],
    ['https://example.invalid/x.tgz', '1.0.0'],
    ['victim', 'file:../../etc'],
    ['victim', '^1.0.0'],
    ['../victim', '1.0.0'],
  ];
  it.each(CRAFTED)('a registry target named %s@%s never reaches pacote', async (name, version) => {
    const error = await fetchError(fetcher().fetch(target(name, version)));
    expect(error.code).toBe('EREFUSED');
    expect(registry.requests).toEqual([]);
  });
});

describe('createRegistryFetcher: local paths the CLI names', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fg-local-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a local tarball and records its sha512', async () => {
    const tgz = tarballOf('local', '0.0.1');
    const file = join(dir, 'local-0.0.1.tgz');
    await writeFile(file, tgz);
    const result = await fetcher().fetch(target('local', '0.0.1', { source: 'local-tarball', spec: file }));
    expect(paths(result)).toEqual(['index.js', 'package.json']);
    expect(result.integrity).toBe(sha512(tgz));
  });

  it('reports a missing local tarball as a FetchError with its code', async () => {
    const file = join(dir, 'absent.tgz');
    const error = await fetchError(fetcher().fetch(target('local', '0.0.1', { source: 'local-tarball', spec: file })));
    expect(error.code).toBe('ENOENT');
    expect(error.message).toMatch(/absent\.tgz: cannot read the tarball/);
  });

  it('reads a local directory', async () => {
    await writeFile(join(dir, 'index.js'), 'module.exports = 1;');
    const result = await fetcher().fetch(target('local', '0.0.1', { source: 'local-directory', spec: dir }));
    expect(paths(result)).toEqual(['index.js']);
    expect(result.integrity).toBeNull();
  });
});
