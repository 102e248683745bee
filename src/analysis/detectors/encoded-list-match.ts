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

/** At least two letters or digits: a value a reviewer can read (a domain, a zone, a word). */
function isReadable(value: string): boolean {
  return (value.match(/[\p{L}\p{N}]/gu)?.length ?? 0) >= 2;
}

export const encodedListMatch: Detector = Object.freeze({
  id: 'encoded-list-match',
  severity: 'high',
  summary: 'Compares an environment fingerprint with a list hidden behind an encoding (base64, hex, XOR, char codes), decoded statically.',
  create(ctx: DetectorContext): Visitors {
    return correlatingVisitors(ctx.facts.flow, () => {
        for (const decision of ctx.facts.decisions(ctx.program)) {
          const readable = decision.matches.filter((match) => match.hashed === undefined);
          // A decoded "list" of control or private-use characters (a sentinel picked in a loop) says nothing about anyone.
          const hidden = readable.filter((match) => isHidden(match.list.encoding) && match.list.values.some(isReadable));
          const first = hidden[0];
          if (first === undefined) continue;
          // The decision as a whole: plain comparisons joined to it (a timezone check stored beside
          // the hidden-list check) are part of what it decides, so they are named here, not apart.
          const plain = readable.filter((match) => !isHidden(match.list.encoding));
          const evidence = describeMatches(ctx, [...hidden, ...plain], decision);
          const hiddenEvidence = describeMatches(ctx, hidden, decision);
          const joined = plain.length === 0 ? '' : `, joined to a comparison of ${describeMatches(ctx, plain, decision).sourcesText} with ${describeMatches(ctx, plain, decision).valuesText}`;
          const destructive = decision.effect !== null && DESTRUCTIVE_EFFECTS.has(decision.effect.kind);
          ctx.report({
            start: first.start,
            message: `Compares ${hiddenEvidence.sourcesText} with ${hiddenEvidence.lists.length > 1 ? `${hiddenEvidence.lists.length} hidden lists` : 'a hidden list'} decoded from ${hiddenEvidence.encoding} (${hiddenEvidence.valuesText})${joined}${evidence.outcomeText}.`,
            ...(destructive ? { severityByCodeKind: { install: 'critical' } } : {}),
            evidence: {
              sourceKind: evidence.sourceKinds,
              links: evidence.links,
              list: { encoding: hiddenEvidence.encoding, values: hiddenEvidence.values },
              ...(evidence.lists.length > 1 ? { lists: evidence.lists } : {}),
              details: {
                effect: decision.effect?.kind ?? (decision.returned ? 'returned' : 'none'),
                ...(decision.effect?.detail === undefined ? {} : { effectDetail: decision.effect.detail }),
              },
            },
            identity: `${evidence.sourceKinds}|${[...hiddenEvidence.values].sort().join(',')}|${decision.effect?.kind ?? 'none'}`,
          });
        }
    });
  },
});
