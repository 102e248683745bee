/**
 * Turns a package spec typed on the command line (`left-pad`, `left-pad@^1.3`, `@corp/x@latest`)
 * into the exact registry version to scan, with the registry's integrity. Only registry specs
 * resolve: git, URL, file and directory specs are refused by the locked-down pacote options.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pacote from 'pacote';
import { FetchError } from '../errors.js';
import type { PackageTarget } from '../lockfile/types.js';
import { DEFAULT_TIMEOUT_MS, effectiveNpmrc, lockedDownPacoteOptions, toFetchError, type PacoteAccess } from './registry.js';

/** Without a `cacheDir`, a private temporary cache is used and removed: never the user's npm cache. */
export type ResolveSpecOptions = Omit<PacoteAccess, 'cacheDir'> & { cacheDir?: string };

export async function resolveRegistrySpec(spec: string, options: ResolveSpecOptions): Promise<PackageTarget> {
  const cacheDir = options.cacheDir ?? (await mkdtemp(join(tmpdir(), 'fingerprint-gate-resolve-')));
  try {
    let manifest: Awaited<ReturnType<typeof pacote.manifest>>;
    try {
      manifest = await pacote.manifest(spec, lockedDownPacoteOptions({ ...options, cacheDir }));
    } catch (error) {
      throw toFetchError(error, spec, effectiveNpmrc(options), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    }
    const { name, version } = manifest;
    if (typeof name !== 'string' || typeof version !== 'string') {
      throw new FetchError(`${spec}: the registry's manifest has no name or version`, { code: 'EBADMANIFEST' });
    }
    return {
      name,
      version,
      spec: `${name}@${version}`,
      integrity: typeof manifest._integrity === 'string' && manifest._integrity !== '' ? manifest._integrity : null,
      resolved: typeof manifest._resolved === 'string' ? manifest._resolved : null,
      source: 'registry',
    };
  } finally {
    if (options.cacheDir === undefined) await rm(cacheDir, { recursive: true, force: true });
  }
}
