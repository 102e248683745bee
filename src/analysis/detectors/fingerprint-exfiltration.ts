/**
 * Rule `fingerprint-exfiltration`: a fingerprint value reaches a network or process sink (fetch,
 * http(s).request/get, net/tls, dns lookups of built names, WebSocket, sendBeacon, XMLHttpRequest,
 * child_process arguments). `medium`, `critical` at install time, where nothing the user asked
 * for needs their host name.
 *
 * The timezone and the locale are sent by every browser (Accept-Language) and by many SDKs for
 * formatting, so sending them is `low` (`medium` at install time). Endpoint and proxy settings
 * reaching a sink are the destination, not a payload, and are not reported.
 */
import type { Detector, DetectorContext, Visitors } from '../detector.js';
import { raisedSeverity, type Severity } from '../../report/severity.js';
import { correlatingVisitors } from '../facts/flow.js';
import { PAGE_ORIGIN_READS, SOURCE_KIND_LABELS, type SourceKind } from '../facts/sources.js';

/** Values the user's own software routinely sends: worth a note, not a block. */
const ROUTINE_KINDS: ReadonlySet<SourceKind> = new Set(['timezone', 'locale']);

/**
 * A local process is not a network peer: passing an interface name to `ip` or `netstat` is how
 * system tools work (pm2, systeminformation). Outside install-time code it is a note.
 */
const PROCESS_SINK = /^child_process\./;

/** A command that talks to the network (`curl …?u=` + user) makes a process sink a network sink. */
const NETWORK_COMMAND = /\b(?:curl|wget|nc|ncat|netcat|nslookup|dig|ping|Invoke-WebRequest|Invoke-RestMethod|iwr|irm)\b|[a-z][a-z0-9+.-]*:\/\//i;
/** How much of the sink call's text is searched for such a command. */
const COMMAND_WINDOW = 400;

function isRoutine(kind: SourceKind, what: string, sink: string, callText: string): boolean {
  if (ROUTINE_KINDS.has(kind) || PAGE_ORIGIN_READS.has(what)) return true;
  return PROCESS_SINK.test(sink) && !NETWORK_COMMAND.test(callText);
}

export const fingerprintExfiltration: Detector = Object.freeze({
  id: 'fingerprint-exfiltration',
  severity: 'medium',
  summary: 'Sends an environment fingerprint (host, user, network, machine id, CI or git identity) to a network or process sink.',
  create(ctx: DetectorContext): Visitors {
    return correlatingVisitors(ctx.facts.flow, () => {
        const seen = new Set<string>();
        for (const flow of ctx.facts.sinkFlows(ctx.program)) {
          const { source } = flow.taint;
          const identity = `${source.kind}|${source.what}|${flow.sink}`;
          if (seen.has(identity)) continue;
          seen.add(identity);
          const routine = isRoutine(source.kind, source.what, flow.sink, ctx.source.slice(flow.start, flow.start + COMMAND_WINDOW));
          // A read that hides the member's name has no honest reason to: one step up, and say why.
          const disguise = [
            ...(source.disguise === undefined ? [] : [`the read is disguised (${source.disguise})`]),
            ...(flow.disguise === undefined ? [] : [`the call is disguised (${flow.disguise})`]),
          ];
          const disguised = disguise.length === 0 ? '' : `; ${disguise.join(' and ')}, which honest code has no reason to do`;
          const severity: Severity = routine ? 'low' : disguise.length === 0 ? 'medium' : raisedSeverity('medium');
          const hashed = flow.taint.hashed === undefined ? '' : ` (hashed with ${flow.taint.hashed})`;
          ctx.report({
            start: flow.start,
            message: `Sends ${SOURCE_KIND_LABELS[source.kind]} (${source.what})${hashed} through ${flow.sink}${disguised}.`,
            severity,
            // Nothing the user asked for at install time needs their fingerprint sent anywhere.
            severityByCodeKind: { install: routine && ROUTINE_KINDS.has(source.kind) ? 'medium' : 'critical' },
            evidence: {
              sourceKind: source.kind,
              links: [
                { role: 'source', ...ctx.position(source.start), snippet: ctx.snippet(source.start), description: `reads ${source.what}` },
                { role: 'sink', ...ctx.position(flow.start), snippet: ctx.snippet(flow.start), description: `sent through ${flow.sink}` },
              ],
              details: { sink: flow.sink, ...(disguise.length === 0 ? {} : { disguise: disguise.join('; ') }) },
            },
            identity,
          });
        }
    });
  },
});
