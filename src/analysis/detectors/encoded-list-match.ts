/**
 * Rule `encoded-list-match`: a fingerprint is compared with a list the code hides behind an
 * encoding (base64, hex, char codes, XOR or add with a key, reversed text), decoded here by safe
 * partial evaluation. Nobody encodes the list of CI vendors they support: hiding the values is
 * the tell, so this is `high` whatever the list says, `critical` at install time when the match
 * gates something destructive or sends data. The decoded values are in the evidence in full.
 */
import type { Detector, DetectorContext, Visitors } from '../detector.js';
import { describeMatches, isHidden } from '../facts/comparisons.js';
import { correlatingVisitors } from '../facts/flow.js';
import { DESTRUCTIVE_EFFECTS } from '../facts/sinks.js';

export const encodedListMatch: Detector = Object.freeze({
  id: 'encoded-list-match',
  severity: 'high',
  summary: 'Compares an environment fingerprint with a list hidden behind an encoding (base64, hex, XOR, char codes), decoded statically.',
  create(ctx: DetectorContext): Visitors {
    return correlatingVisitors(ctx.facts.flow, () => {
        for (const decision of ctx.facts.decisions(ctx.program)) {
          const matches = decision.matches.filter((match) => match.hashed === undefined && isHidden(match.list.encoding));
          const first = matches[0];
          if (first === undefined) continue;
          const evidence = describeMatches(ctx, matches, decision);
          const destructive = decision.effect !== null && DESTRUCTIVE_EFFECTS.has(decision.effect.kind);
          ctx.report({
            start: first.start,
            message: `Compares ${evidence.sourcesText} with a hidden list decoded from ${evidence.encoding} (${evidence.valuesText})${evidence.outcomeText}.`,
            ...(destructive ? { severityByCodeKind: { install: 'critical' } } : {}),
            evidence: {
              sourceKind: evidence.sourceKinds,
              links: evidence.links,
              list: { encoding: evidence.encoding, values: evidence.values },
              details: { effect: decision.effect?.kind ?? (decision.returned ? 'returned' : 'none') },
            },
            identity: `${evidence.sourceKinds}|${[...evidence.values].sort().join(',')}|${decision.effect?.kind ?? 'none'}`,
          });
        }
    });
  },
});
