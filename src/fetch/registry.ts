/**
 * The Fetcher the gate uses: registry tarballs through pacote with every way of running or
 * reaching outside code switched off, and local tarballs or directories the CLI user named.
 * Nothing fetched is installed or executed; tarballs are unpacked by `extract.ts` as they stream in
 * (pacote checks the integrity as the bytes pass and fails the stream at its end on a mismatch).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import pacote from 'pacote';
import semver from 'semver';
import { FetchError, GateError, errorMessage } from '../errors.js';
import type { PackageTarget } from '../lockfile/types.js';
import { SILENT_LOGGER, type Logger } from '../logger.js';
import { readPackageDirectory } from './read-package-directory.js';
import { DEFAULT_EXTRACT_LIMITS, extractTarballStream, type ExtractLimits } from './extract.js';
import { describeRegistries, scrubSecrets, type NpmrcConfig } from './npmrc.js';
import { formatBytes } from './note-list.js';
import type { Fetcher, PackageFiles } from './types.js';

export interface RegistryFetcherOptions extends PacoteAccess {
  logger?: Logger;
  /** Overrides of the extraction limits (tests, or a policy wanting bigger packages). */
  limits?: Partial<ExtractLimits>;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_RETRIES = 2;
/** Backoff between retries: 250 ms, then 1 s, then 4 s ... capped at 10 s. */
const RETRY_BACKOFF = Object.freeze({ factor: 4, minTimeout: 250, maxTimeout: 10_000, randomize: false });

export const NO_INTEGRITY_NOTE = "lockfile has no integrity; checked against the registry's";

type RefusedSource = Exclude<PackageTarget['source'], 'registry' | 'local-tarball' | 'local-directory'>;

/** Why each source is never fetched: none of them can be checked against a registry integrity. */
const REFUSED_SOURCES: Readonly<Record<RefusedSource, string>> = Object.freeze({
  git: 'git dependencies are not fetched (a clone can run prepare scripts and has no registry integrity)',
  remote: 'remote tarball URLs outside the registry are not fetched (nothing vouches for their contents)',
  file: 'file: dependencies outside the repository are not fetched by the gate',
  link: 'linked and workspace packages are part of the repository, not fetched dependencies',
});

/**
 * npm package names: an optional `@scope/`, then URL-safe characters. Checked before the spec
 * reaches pacote so a crafted lockfile name cannot turn `name@version` into a git or URL spec.
 */
const PACKAGE_NAME = /^(?:@[a-z0-9][\w.~-]*\/)?[a-z0-9_~-][\w.~-]*$/i;

/** How pacote may reach the registry; shared by the fetcher and the CLI's spec resolution. */
export interface PacoteAccess {
  npmrc: NpmrcConfig;
  /** Replaces the default registry of `npmrc`; scoped registries stay as configured. */
  registry?: string;
  /** pacote's cache (cacache); a private folder, never the user's npm cache. */
  cacheDir: string;
  timeoutMs?: number;
  /** Retries of one request on 5xx, timeouts and dropped connections. */
  retries?: number;
}

/** The npmrc with the `registry` override applied. */
export function effectiveNpmrc(access: Pick<PacoteAccess, 'npmrc' | 'registry'>): NpmrcConfig {
  return access.registry === undefined ? access.npmrc : { ...access.npmrc, registry: withSlash(access.registry) };
}

/**
 * pacote options with every way of running or reaching outside code switched off: no lifecycle
 * scripts, and no spec type other than a registry one (a git fetch would run `prepare`).
 */
export function lockedDownPacoteOptions(access: PacoteAccess): pacote.Options {
  return {
    ...effectiveNpmrc(access),
    cache: access.cacheDir,
    ignoreScripts: true,
    allowGit: 'none',
    allowRemote: 'none',
    allowFile: 'none',
    allowDirectory: 'none',
    timeout: access.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: { retries: access.retries ?? DEFAULT_RETRIES, ...RETRY_BACKOFF },
    userAgent: 'fingerprint-gate',
  };
}

export function createRegistryFetcher(options: RegistryFetcherOptions): Fetcher {
  const logger = options.logger ?? SILENT_LOGGER;
  const limits: ExtractLimits = { ...DEFAULT_EXTRACT_LIMITS, ...options.limits };
  const npmrc = effectiveNpmrc(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const pacoteOptions = lockedDownPacoteOptions(options);
  logger.debug(`registries: ${describeRegistries(npmrc)}`);

  async function fetchFromRegistry(target: PackageTarget): Promise<PackageFiles> {
    const label = `${target.name}@${target.version}`;
    if (!PACKAGE_NAME.test(target.name) || semver.valid(target.version, { loose: true }) === null) {
      throw new FetchError(`${JSON.stringify(label)}: not a registry package name and exact version`, { code: 'EREFUSED' });
    }
    logger.debug(`fetching ${label}`);
    let unpacked: PackageFiles;
    try {
      // Streamed: a platform package of a single-file CLI is a 200 MB tarball, never held whole.
      unpacked = await pacote.tarball.stream(label, (stream) => extractTarballStream(stream, label, limits), {
        ...pacoteOptions,
        ...(target.integrity === null ? {} : { integrity: target.integrity }),
      });
    } catch (error) {
      if (error instanceof GateError) throw error;
      throw toFetchError(error, label, npmrc, timeoutMs);
    }
    if (target.integrity !== null) return { ...unpacked, integrity: target.integrity };
    // pacote checked the bytes against the registry's dist.integrity; this is the sha512 of the same bytes.
    return { files: unpacked.files, integrity: unpacked.integrity, notes: [NO_INTEGRITY_NOTE, ...unpacked.notes] };
  }

  async function fetchLocalTarball(target: PackageTarget): Promise<PackageFiles> {
    const file = target.spec;
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new FetchError(`${file}: not a tarball file`, { code: 'EISDIR' });
      if (info.size > limits.maxUnpackedBytes) {
        throw new FetchError(`${file}: the tarball is ${formatBytes(info.size)}, over the ${formatBytes(limits.maxUnpackedBytes)} limit`, { code: 'ETOOBIG' });
      }
      return await extractTarballStream(createReadStream(file), file, limits);
    } catch (error) {
      if (error instanceof GateError) throw error;
      throw new FetchError(`${file}: cannot read the tarball (${errorMessage(error)})`, { cause: error, code: codeOf(error) });
    }
  }

  return {
    async fetch(target: PackageTarget): Promise<PackageFiles> {
      switch (target.source) {
        case 'registry':
          return fetchFromRegistry(target);
        case 'local-tarball':
          return fetchLocalTarball(target);
        case 'local-directory':
          return readPackageDirectory(target.spec, target.spec, limits);
        case 'git':
        case 'remote':
        case 'file':
        case 'link':
          throw new FetchError(`${target.name}: ${REFUSED_SOURCES[target.source]}`, { code: 'EREFUSED' });
        default: {
          const unknown: never = target.source;
          throw new FetchError(`${target.name}: unknown dependency source ${String(unknown)}`, { code: 'EREFUSED' });
        }
      }
    },
  };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function codeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

function typeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'type' in error ? error.type : undefined;
}

/** npm-style codes pacote, npm-registry-fetch and minipass-fetch use for a request that timed out. */
const TIMEOUT_CODES: ReadonlySet<string> = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ERR_SOCKET_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const NETWORK_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * One FetchError per failure, naming the package. Its message and its cause carry only text
 * scrubbed of the npmrc's secrets: registry errors quote URLs, and a URL can hold a password.
 */
export function toFetchError(error: unknown, label: string, npmrc: NpmrcConfig, timeoutMs: number): FetchError {
  const rawCode = codeOf(error);
  const type = typeOf(error);
  const detail = scrubSecrets(errorMessage(error), npmrc);
  const cause = Object.assign(new Error(detail), { code: rawCode });
  const fail = (message: string, code: string): FetchError => new FetchError(`${label}: ${message}`, { cause, code });

  if (rawCode === 'EINTEGRITY') {
    return fail("the registry's tarball does not match the expected integrity; it was not read", 'EINTEGRITY');
  }
  if (rawCode === 'E404') return fail('not found in the registry (404)', 'E404');
  if ((rawCode !== undefined && TIMEOUT_CODES.has(rawCode)) || type === 'request-timeout' || type === 'body-timeout') {
    return fail(`the registry did not answer within ${timeoutMs} ms`, 'ETIMEDOUT');
  }
  if (rawCode !== undefined && /^EALLOW/.test(rawCode)) return fail(`pacote refused the spec (${rawCode})`, 'EREFUSED');
  if (rawCode !== undefined && /^E\d{3}$/.test(rawCode)) {
    return fail(`the registry answered HTTP ${rawCode.slice(1)} (${detail})`, rawCode);
  }
  if (rawCode !== undefined && NETWORK_CODES.has(rawCode)) return fail(`could not reach the registry (${rawCode})`, rawCode);
  return fail(`fetch failed (${detail})`, rawCode ?? 'EFETCH');
}
