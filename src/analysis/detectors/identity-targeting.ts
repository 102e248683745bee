/**
 * Rule `identity-targeting`: a fingerprint (timezone, locale, host, user, endpoint...) is compared
 * with a short literal list of identity values (timezones, country or language codes, TLDs,
 * domains, company names). Honest code asks "which platform?" or "which CI?"; code that asks
 * "is this user in Minsk, or at one of these companies?" singles people out.
 *
 * - `high` when the outcome gates an effect (exit, files, processes, UI, delay, URL, altered or
 *   sent text); `critical` at install time when that effect is destructive or sends.
 * - `medium` when the outcome is only returned or exported (a library answering "is the user in
 *   X?"); `high` at install time. An outcome that only picks a value here (a text direction) is `low`.
 * - `low` for short non-identity sets: platforms, CI vendors, a vendor SDK checking its own host.
 * Full tables (every zone, every locale) and data lookups (translations) are not targeting.
 */
import type { Detector, DetectorContext, Visitors } from '../detector.js';
import type { Severity } from '../../report/severity.js';
import { describeMatches, isHidden, type Decision, type Match } from '../facts/comparisons.js';
import { classifyList, LIST_CATEGORY_LABELS, type ListClass } from '../facts/identity-lists.js';
import { DESTRUCTIVE_EFFECTS } from '../facts/sinks.js';
import { correlatingVisitors } from '../facts/flow.js';

export const identityTargeting: Detector = Object.freeze({
  id: 'identity-targeting',
  severity: 'medium',
  summary:
    'Compares an environment fingerprint with a short literal list of identity values (timezones, countries, languages, domains, companies).',
  create(ctx: DetectorContext): Visitors {
    return correlatingVisitors(ctx.facts.flow, () => {
        for (const decision of ctx.facts.decisions(ctx.program)) report(ctx, decision);
    });
  },
});

function report(ctx: DetectorContext, decision: Decision): void {
  // A decision that also compares with a hidden list is reported whole by `encoded-list-match`.
  if (decision.matches.some((match) => match.hashed === undefined && isHidden(match.list.encoding))) return;
  const plain = decision.matches.filter((match) => match.hashed === undefined && !isHidden(match.list.encoding));
  const classified = plain
    .map((match) => ({ match, list: classifyList(match.list.values, match.source.kind) }))
    .filter((item): item is { match: Match; list: ListClass } => item.list !== null && !item.list.fullTable);
  const identity = classified.filter((item) => item.list.identity);
  const capability = classified.filter((item) => !item.list.identity && LOW_CATEGORIES.has(item.list.category));
  const chosen = identity.length > 0 ? identity : capability;
  if (chosen.length === 0) return;
  const first = chosen[0];
  if (first === undefined) return;
  const matches = chosen.map((item) => item.match);
  const evidence = describeMatches(ctx, matches, decision);
  const categories = [...new Set(chosen.map((item) => LIST_CATEGORY_LABELS[item.list.category]))].join(' and ');
  let severity: Severity = 'low';
  let severityByCodeKind: Partial<Record<'install', Severity>> | undefined;
  if (identity.length > 0) {
    const destructive = decision.effect !== null && DESTRUCTIVE_EFFECTS.has(decision.effect.kind);
    // Printing in the user's language is how CLIs localise (postcss greets LANG=zh users in
    // Chinese); printing on a timezone or host match is a message aimed at people. Install
    // scripts have no interface to localise: a message there only for one language's users is
    // aimed at them (a protest message printed on `npm install`).
    const localisedMessage = decision.effect?.kind === 'prints' && matches.every((match) => match.source.kind === 'locale');
    if (localisedMessage) {
      severity = 'low';
      severityByCodeKind = { install: 'high' };
    } else if (decision.effect !== null) {
      severity = 'high';
      severityByCodeKind = { install: destructive ? 'critical' : 'high' };
    } else if (decision.returned) {
      severity = 'medium';
      severityByCodeKind = { install: 'high' };
    }
    // Kept and used for nothing we can see (picking a text direction, a label): formatting, `low`.
  }
  const what = identity.length > 0 ? `a list of ${evidence.values.length} ${categories}` : `a short list of ${categories}`;
  ctx.report({
    start: first.match.start,
    message: `Compares ${evidence.sourcesText} with ${what} (${evidence.valuesText})${evidence.outcomeText}.`,
    severity,
    ...(severityByCodeKind === undefined ? {} : { severityByCodeKind }),
    evidence: {
      sourceKind: evidence.sourceKinds,
      links: evidence.links,
      list: { encoding: evidence.encoding, values: evidence.values },
      details: { category: categories, effect: decision.effect?.kind ?? (decision.returned ? 'returned' : 'none') },
    },
    identity: `${evidence.sourceKinds}|${[...evidence.values].sort().join(',')}|${decision.effect?.kind ?? 'none'}`,
  });
}

/** Non-identity lists still worth a `low` note: what a reviewer may want to know is checked. */
const LOW_CATEGORIES: ReadonlySet<string> = new Set(['platforms', 'ci-vendors', 'first-party']);
