/**
 * The benchmark corpus: pinned `name@version` specs read from `bench/corpus.json`, fetched with
 * pacote into `bench/.cache/` and unpacked in memory with the gate's own extractor. Corpus code is
 * data: it is read as bytes and parsed, never required or run.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pacote from 'pacote';
import { extractTarball } from '../src/fetch/extract.js';
import type { PackageFiles } from '../src/fetch/types.js';

/** Only registry tarballs: pacote would otherwise clone git specs and run their `prepare`. */
const PACOTE_LOCKDOWN = Object.freeze({
  allowGit: 'none',
  allowRemote: 'none',
  allowFile: 'none',
  allowDirectory: 'none',
});

/** Parallel downloads on a first run; the machine is shared, the registry is the bottleneck. */
const FETCH_CONCURRENCY = 6;

export interface CorpusEntry {
  spec: string;
  name: string;
  version: string;
}

export interface LoadedPackage extends CorpusEntry {
  files: PackageFiles;
  tarballBytes: number;
}

export interface CorpusFailure extends CorpusEntry {
  stage: 'fetch' | 'extract';
  reason: string;
}

export interface LoadedCorpus {
  packages: LoadedPackage[];
  failures: CorpusFailure[];
}

export interface LoadOptions {
  cacheDir: string;
  /** Refuse the network: proves a second run is served from the cache. */
  offline: boolean;
  onProgress?: (done: number, total: number, spec: string) => void;
}

/** Splits `name@version`, keeping the `@` of a scope. */
export function parsePin(spec: string): CorpusEntry {
  const at = spec.lastIndexOf('@');
  const name = spec.slice(0, at);
  const version = spec.slice(at + 1);
  if (at <= 0 || name.length === 0 || !/^\d+\.\d+\.\d+/.test(version)) {
    throw new Error(`bench/corpus.json: "${spec}" is not an exact name@version pin`);
  }
  return { spec, name, version };
}

export async function readCorpus(file: string): Promise<CorpusEntry[]> {
  const raw: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (typeof raw !== 'object' || raw === null || !('packages' in raw) || !Array.isArray(raw.packages)) {
    throw new Error(`${file}: expected { "packages": ["name@version", ...] }`);
  }
  const entries: CorpusEntry[] = [];
  const seen = new Set<string>();
  for (const item of raw.packages as unknown[]) {
    if (typeof item !== 'string') throw new Error(`${file}: every pin must be a string`);
    const entry = parsePin(item);
    if (seen.has(entry.name)) throw new Error(`${file}: ${entry.name} is pinned twice`);
    seen.add(entry.name);
    entries.push(entry);
  }
  return entries;
}

/**
 * The registry is the one npm is configured with (`npm run` passes it down), pacote's default
 * otherwise. `preferOffline` serves pinned versions from the cache without asking again.
 */
function pacoteOptions(options: LoadOptions): pacote.Options {
  const registry = process.env['npm_config_registry'];
  return {
    cache: join(options.cacheDir, 'pacote'),
    ...(registry === undefined || registry === '' ? {} : { registry }),
    preferOffline: true,
    offline: options.offline,
    ignoreScripts: true,
    ...PACOTE_LOCKDOWN,
  };
}

/** Fetches one pinned tarball (served from `bench/.cache/` when it is there). */
export function fetchTarball(spec: string, options: LoadOptions): Promise<Buffer> {
  return pacote.tarball(spec, pacoteOptions(options));
}

/** Fetches and unpacks one pin; a failure is returned with its stage, never thrown. */
export async function loadPackage(entry: CorpusEntry, options: LoadOptions): Promise<LoadedPackage | CorpusFailure> {
  let tgz: Buffer;
  try {
    tgz = await fetchTarball(entry.spec, options);
  } catch (error) {
    return { ...entry, stage: 'fetch', reason: describeError(error) };
  }
  try {
    const files = await extractTarball(tgz, entry.spec);
    return { ...entry, files, tarballBytes: tgz.length };
  } catch (error) {
    return { ...entry, stage: 'extract', reason: describeError(error) };
  }
}

export async function loadCorpus(entries: readonly CorpusEntry[], options: LoadOptions): Promise<LoadedCorpus> {
  let done = 0;
  const results = await mapBounded(entries, FETCH_CONCURRENCY, async (entry) => {
    const result = await loadPackage(entry, options);
    options.onProgress?.(++done, entries.length, entry.spec);
    return result;
  });
  const packages: LoadedPackage[] = [];
  const failures: CorpusFailure[] = [];
  for (const result of results) {
    if ('stage' in result) failures.push(result);
    else packages.push(result);
  }
  return { packages, failures };
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the input order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
