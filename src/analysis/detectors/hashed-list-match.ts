/**
 * Rule `hashed-list-match`: a fingerprint is hashed (`createHash(...).update(value).digest(...)`)
 * and compared with literal digests. The list cannot be read, which is the point of hashing it:
 * the finding says so and how many entries there are. `high`; `critical` at install time when
 * the match gates something destructive or sends data.
 */
import type { Detector, DetectorContext, Visitors } from '../detector.js';
import { describeMatches } from '../facts/comparisons.js';
import { correlatingVisitors } from '../facts/flow.js';
import { DESTRUCTIVE_EFFECTS } from '../facts/sinks.js';

export const hashedListMatch: Detector = Object.freeze({
  id: 'hashed-list-match',
  severity: 'high',
  summary: 'Hashes an environment fingerprint and compares it with literal digests: a targeting list that cannot be read.',
  create(ctx: DetectorContext): Visitors {
    return correlatingVisitors(ctx.facts.flow, () => {
        for (const decision of ctx.facts.decisions(ctx.program)) {
          const matches = decision.matches.filter((match) => match.hashed !== undefined);
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
