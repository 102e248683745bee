/**
 * Rule `hashed-list-match`: a fingerprint is hashed (`createHash(...).update(value).digest(...)`)
 * and compared with literal digests. The list cannot be read, which is the point of hashing it:
 * the finding says so and how many entries there are. `high`; `critical` at install time when
 * the match gates something destructive or sends data.
 *
 * Only literals shaped like the algorithm's digest count: a bundle that hashes a value and later
 * asks whether the hex string `includes('/')` compares nothing with a hidden list.
 */
import type { Detector, DetectorContext, Visitors } from '../detector.js';
import { describeMatches, type Match } from '../facts/comparisons.js';
import { correlatingVisitors } from '../facts/flow.js';
import { DESTRUCTIVE_EFFECTS } from '../facts/sinks.js';

export const hashedListMatch: Detector = Object.freeze({
  id: 'hashed-list-match',
  severity: 'high',
  summary: 'Hashes an environment fingerprint and compares it with literal digests: a targeting list that cannot be read.',
  create(ctx: DetectorContext): Visitors {
    return correlatingVisitors(ctx.facts.flow, () => {
        for (const decision of ctx.facts.decisions(ctx.program)) {
          const matches = decision.matches.flatMap(digestMatch);
          const first = matches[0];
          if (first === undefined) continue;
          const evidence = describeMatches(ctx, matches, decision);
          const algorithm = first.hashed ?? 'unknown';
          const destructive = decision.effect !== null && DESTRUCTIVE_EFFECTS.has(decision.effect.kind);
          ctx.report({
            start: first.start,
            message: `Hashes ${evidence.sourcesText} with ${algorithm} and compares it with ${evidence.values.length} literal digest(s); the list cannot be read${evidence.outcomeText}.`,
            ...(destructive ? { severityByCodeKind: { install: 'critical' } } : {}),
            evidence: {
              sourceKind: evidence.sourceKinds,
              links: evidence.links,
              list: { encoding: `hash:${algorithm}`, values: evidence.values, hashed: { algorithm, count: evidence.values.length } },
              details: { effect: decision.effect?.kind ?? (decision.returned ? 'returned' : 'none') },
            },
            identity: `${evidence.sourceKinds}|${algorithm}|${[...evidence.values].sort().join(',')}|${decision.effect?.kind ?? 'none'}`,
          });
        }
    });
  },
});

/** Digest length in bytes per algorithm, keyed by the name without case, `RSA-` prefix, `-` or `_`. */
export const DIGEST_BYTES: Readonly<Record<string, number>> = Object.freeze({
  md4: 16,
  md5: 16,
  sha1: 20,
  ripemd160: 20,
  rmd160: 20,
  md5sha1: 36,
  sha224: 28,
  sha512224: 28,
  sha3224: 28,
  sha256: 32,
  sha512256: 32,
  sha3256: 32,
  blake2s256: 32,
  sm3: 32,
  sha384: 48,
  sha3384: 48,
  sha512: 64,
  sha3512: 64,
  blake2b512: 64,
  whirlpool: 64,
});

/** Digest sizes accepted when the algorithm is not a literal or not one of the above. */
export const UNKNOWN_DIGEST_BYTES = { min: 16, max: 64 } as const;

const HEX = /^[0-9a-f]+$/i;
/** Standard and URL-safe base64, padded or not: `digest('base64')` and `digest('base64url')`. */
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;

/** The byte lengths a literal can spell: as hex, and as base64 (64 hex digits are also valid base64 of 48 bytes). */
function encodedBytes(value: string): number[] {
  const lengths: number[] = [];
  if (HEX.test(value) && value.length % 2 === 0) lengths.push(value.length / 2);
  if (BASE64.test(value)) {
    const body = value.replace(/=+$/, '');
    const padding = value.length - body.length;
    // Padded base64 comes in blocks of four; unpadded never leaves a single dangling character.
    const wellFormed = padding === 0 ? body.length % 4 !== 1 : value.length % 4 === 0;
    if (wellFormed) lengths.push(Math.floor((body.length * 3) / 4));
  }
  return lengths;
}

/** Whether a literal is shaped like a digest of `algorithm` (hex or base64 of its length). */
export function isDigestShaped(value: string, algorithm: string): boolean {
  const key = algorithm.toLowerCase().replace(/^rsa-/, '').replace(/[-_]/g, '');
  const bytes = DIGEST_BYTES[key];
  return encodedBytes(value).some((length) =>
    bytes === undefined ? length >= UNKNOWN_DIGEST_BYTES.min && length <= UNKNOWN_DIGEST_BYTES.max : length === bytes,
  );
}

/** A hashed match narrowed to its digest-shaped literals; none when it has no such literal. */
function digestMatch(match: Match): Match[] {
  if (match.hashed === undefined) return [];
  const algorithm = match.hashed;
  const values = match.list.values.filter((value) => isDigestShaped(value, algorithm));
  if (values.length === 0) return [];
  return [values.length === match.list.values.length ? match : { ...match, list: { ...match.list, values } }];
}
