/**
 * What a cached result is keyed by: the tarball's content (its integrity) and the engine that
 * analysed it. Findings before policy depend on nothing else: the policy's allow-list, rule
 * overrides and threshold are applied to them afterwards, on every run, cached or not.
 */
import { createHash } from 'node:crypto';
import type { Detector } from '../analysis/detector.js';
import { ENGINE_VERSION } from '../version.js';

export interface CacheKey {
  /** The one SRI hash the entry is keyed by (`sha512-...`), normalised. */
  integrity: string;
  /** Hex digest of the engine version, the detectors and the build (see `engineKey`). */
  engine: string;
}

/**
 * Hashes strong enough to stand for a tarball's content. sha1 is left out on purpose: colliding
 * tarballs are within an attacker's reach, and a benign twin scanned once must not vouch for its
 * malicious sibling. Packages pinned only by sha1 (old lockfiles) are simply analysed every time.
 */
const STRONG_ALGORITHMS = ['sha512', 'sha384', 'sha256'] as const;

/** Base64 digest lengths per algorithm, so `sha512-x` (a truncated or made-up value) keys nothing. */
const DIGEST_LENGTHS: Record<(typeof STRONG_ALGORITHMS)[number], number> = { sha512: 88, sha384: 64, sha256: 44 };

/**
 * The strongest hash of an SRI string (`sha512-... sha1-...`), or null when it has none we trust
 * to name the content. Options after `?` are dropped: they do not change what is hashed.
 */
export function cacheableIntegrity(integrity: string | null | undefined): string | null {
  if (typeof integrity !== 'string') return null;
  const hashes = new Map<string, string>();
  for (const token of integrity.trim().split(/\s+/)) {
    const match = /^(sha512|sha384|sha256)-([A-Za-z0-9+/]+={0,2})(\?.*)?$/.exec(token);
    if (match === null) continue;
    const [, algorithm, digest] = match as unknown as [string, (typeof STRONG_ALGORITHMS)[number], string];
    if (digest.length === DIGEST_LENGTHS[algorithm] && !hashes.has(algorithm)) hashes.set(algorithm, `${algorithm}-${digest}`);
  }
  for (const algorithm of STRONG_ALGORITHMS) {
    const hash = hashes.get(algorithm);
    if (hash !== undefined) return hash;
  }
  return null;
}

export interface EngineKeyInput {
  detectors: readonly Detector[];
  /**
   * What identifies the code doing the analysis beyond its version number: the entries pass a
   * digest of the bundle that runs (`bundleDigest`), so an engine changed without a version bump
   * never reads results of the one before.
   */
  build?: string;
}

/** The engine part of the key: version, every detector with its default severity, the build. */
export function engineKey(input: EngineKeyInput): string {
  const detectors = input.detectors.map((detector) => `${detector.id}:${detector.severity}`).sort();
  const material = JSON.stringify({ version: ENGINE_VERSION, detectors, build: input.build ?? null });
  return createHash('sha256').update(material).digest('hex');
}

/** sha256 of the bytes that run, for `EngineKeyInput.build`. */
export function bundleDigest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
