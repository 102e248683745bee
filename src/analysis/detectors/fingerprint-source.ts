/**
 * Rule `fingerprint-source`: the code reads something that tells who or where it runs (timezone,
 * locale, proxy and endpoint settings, host, user, network, machine id, CI or git identity,
 * cloud metadata, public IP). On its own this is common and harmless, hence `info`; it is the
 * first link the deeper rules (hidden lists, comparisons, effects) build on, and the reviewer's
 * map of what a new version starts looking at.
 *
 * Repeats are collapsed per (source kind, what) in a file, so a bundle reading `process.env.CI`
 * three hundred times yields one finding with an occurrence count.
 */
import type { AnyNode, Node } from 'acorn';
import type { Detector, DetectorContext, Visitors } from '../detector.js';
import type { CodeKind } from '../../report/report.js';
import { modulePath, type RefPath } from '../facts/scope.js';
import {
  envSourceKind,
  intlOptionKind,
  isSourceName,
  memberSource,
  SOURCE_KIND_LABELS,
  stringSources,
  type SourceKind,
  type SourceMatch,
} from '../facts/sources.js';
import { memberName, propertyKey, somePatternKey } from '../facts/member-name.js';
import type { FlowAnalysis, SourceRead } from '../facts/flow.js';
import { staticString } from '../facts/values/evaluate.js';

const CODE_KIND_PHRASES: Readonly<Record<CodeKind, string>> = Object.freeze({
  install: 'install-time code',
  entry: 'entry code',
  reachable: 'package code',
  unreached: 'code no entry point reaches',
});

interface Read {
  start: number;
  kind: SourceKind;
  what: string;
  occurrences: number;
}

type ObjectPatternNode = Extract<AnyNode, { type: 'ObjectPattern' }>;

export const fingerprintSource: Detector = Object.freeze({
  id: 'fingerprint-source',
  severity: 'info',
  summary:
    'Reads an environment fingerprint (timezone, locale, proxy or endpoint settings, host, user, network, machine id, CI or git identity).',
  create(ctx: DetectorContext): Visitors {
    const reads = new Map<string, Read>();

    const record = (start: number, match: SourceMatch): void => {
      const key = `${match.kind}|${match.what}`;
      const existing = reads.get(key);
      if (existing === undefined) {
        reads.set(key, { start, kind: match.kind, what: match.what, occurrences: 1 });
        return;
      }
      existing.occurrences++;
      if (start < existing.start) existing.start = start;
    };

    /** A member read at a canonical path: an environment variable or a catalogued member. */
    const recordPath = (start: number, path: RefPath): void => {
      const name = path[path.length - 1];
      if (name === undefined) return;
      if (path.length === 3 && isProcessEnv(path)) {
        const kind = envSourceKind(name);
        if (kind !== null) record(start, { kind, what: `process.env.${name}` });
        return;
      }
      const match = memberSource(path);
      if (match !== null) record(start, match);
    };

    /** `const {TZ} = process.env`, `const {env: {TZ}} = process`: each key read is a member read. */
    const recordPattern = (pattern: ObjectPatternNode, base: RefPath): void => {
      const stack: { pattern: ObjectPatternNode; base: RefPath }[] = [{ pattern, base }];
      while (stack.length > 0) {
        const item = stack.pop();
        if (item === undefined) break;
        for (const property of item.pattern.properties) {
          if (property.type !== 'Property') continue;
          const key = propertyKey(property.key, property.computed);
          if (key === null) continue;
          const path = [...item.base, key];
          recordPath(property.start, path);
          const value = property.value.type === 'AssignmentPattern' ? property.value.left : property.value;
          if (value.type === 'ObjectPattern') stack.push({ pattern: value, base: path });
        }
      }
    };

    /**
     * The walk's own reads (see `FlowFacts.seen`): flow noted every node that reads a fingerprint
     * by itself, so the members, calls and strings of a file are asked about once, not once more
     * here. Only what flow does not keep is found again: every match of a string, the option an
     * Intl read takes, a member with an escaped name (a disguise candidate to flow).
     */
    const recordSeen = (): void => {
      const seen = ctx.facts.flow.seen;
      // Memoised by the flow: built once, only when the walk saw a read.
      const flowAnalysis = (): FlowAnalysis | null => ctx.facts.flow.analysis(ctx.program);
      for (let index = 0; index < seen.origins.length; index++) {
        const node = seen.origins[index] as AnyNode;
        const read = seen.originReads[index] as SourceRead;
        if (node.type === 'Literal' || node.type === 'TemplateElement') {
          const text = node.type === 'Literal' ? node.value : node.value.cooked;
          if (typeof text === 'string') for (const match of stringSources(text)) record(node.start, match);
        } else if (node.type === 'CallExpression') {
          // `hostname()` of a destructured `os` is counted where it was destructured.
          if (node.callee.type !== 'MemberExpression') continue;
          if (memberName(node.callee) !== 'resolvedOptions') record(read.start, read);
          else recordIntl(node, read, flowAnalysis()?.parents.get(node));
        } else {
          record(read.start, read);
        }
      }
      for (const node of seen.disguises) {
        if (node.type !== 'MemberExpression') continue;
        const name = memberName(node);
        if (name === null || !isSourceName(name)) continue;
        const path = flowAnalysis()?.resolvePath(node) ?? null;
        if (path !== null) recordPath(node.start, path);
      }
    };

    function variableDeclarator(node: Node, ancestors: readonly Node[]): void {
      const declarator = node as Extract<AnyNode, { type: 'VariableDeclarator' }>;
      if (declarator.id.type !== 'ObjectPattern' || !declarator.init) return;
      // Only a catalogued key can make a read: most destructurings are not worth resolving.
      if (!somePatternKey(declarator.id, isSourceName)) return;
      const base = ctx.facts.scope.resolve(declarator.init, ancestors);
      if (base !== null) recordPattern(declarator.id, base);
    }

    function importDeclaration(node: Node): void {
      const declaration = node as Extract<AnyNode, { type: 'ImportDeclaration' }>;
      const source = declaration.source.value;
      if (typeof source !== 'string') return;
      const module = modulePath(source);
      if (module === null) return;
      for (const specifier of declaration.specifiers) {
        if (specifier.type !== 'ImportSpecifier') continue;
        const imported =
          specifier.imported.type === 'Identifier' ? specifier.imported.name : String(specifier.imported.value);
        recordPath(specifier.start, [...module, imported]);
      }
    }

    const observe = ctx.facts.flow.observe;
    return {
      MemberExpression: observe,
      CallExpression: observe,
      Literal: observe,
      TemplateElement: observe,
      Identifier: observe,
      ImportDeclaration: [observe, importDeclaration],
      VariableDeclarator: [observe, variableDeclarator],

      AssignmentExpression(node, ancestors) {
        const assignment = node as Extract<AnyNode, { type: 'AssignmentExpression' }>;
        if (assignment.left.type !== 'ObjectPattern' || !somePatternKey(assignment.left, isSourceName)) return;
        const base = ctx.facts.scope.resolve(assignment.right, ancestors);
        if (base !== null) recordPattern(assignment.left, base);
      },

      BinaryExpression(node, ancestors) {
        // `'HTTPS_PROXY' in process.env` asks about the variable as surely as reading it.
        const binary = node as Extract<AnyNode, { type: 'BinaryExpression' }>;
        if (binary.operator !== 'in' || binary.left.type === 'PrivateIdentifier') return;
        const name = staticString(binary.left);
        if (name === null || envSourceKind(name) === null) return;
        const object = ctx.facts.scope.resolve(binary.right, ancestors);
        if (object !== null && object.length === 2 && isProcessEnv(object)) {
          recordPath(binary.start, [...object, name]);
        }
      },

      'Program:exit': () => {
        recordSeen();
        const ordered = [...reads.values()].sort((a, b) => a.start - b.start);
        for (const read of ordered) {
          ctx.report({
            start: read.start,
            message: `Reads ${SOURCE_KIND_LABELS[read.kind]} (${read.what}) in ${CODE_KIND_PHRASES[ctx.codeKind]}`,
            evidence: { sourceKind: read.kind, details: { occurrences: read.occurrences } },
            identity: `${read.kind}|${read.what}`,
          });
        }
        // Reads that hide the member's name (found by the flow analysis the correlating rules
        // share): one step above a plain read, since hiding what is read is a signal of its own.
        const disguised: ReadonlyMap<Node, SourceRead> = ctx.facts.flow.analysis(ctx.program)?.disguisedReads() ?? new Map<Node, SourceRead>();
        const seen = new Set<string>();
        for (const read of disguised.values()) {
          if (read.disguise === undefined) continue;
          const key = `${read.kind}|${read.what}|${read.disguise ?? ''}`;
          if (seen.has(key)) continue;
          seen.add(key);
          ctx.report({
            start: read.start,
            message: `Reads ${SOURCE_KIND_LABELS[read.kind]} (${read.what}) through a disguised access (${read.disguise ?? 'computed'}) in ${CODE_KIND_PHRASES[ctx.codeKind]}`,
            severity: 'low',
            evidence: { sourceKind: read.kind, details: { disguise: read.disguise ?? 'computed' } },
            identity: `disguised|${read.kind}|${read.what}`,
          });
        }
      },
    };

    /**
     * `Intl.DateTimeFormat().resolvedOptions()` and what is taken from it: `.timeZone`,
     * `.locale`, or both by destructuring. Kept whole when stored: the object holds both.
     */
    function recordIntl(call: Node, read: SourceRead, parent: Node | undefined): void {
      const around = parent as AnyNode | undefined;
      if (around?.type === 'MemberExpression' && around.object === call) {
        const option = memberName(around);
        const kind = option === null ? null : intlOptionKind(option);
        if (kind !== null) record(call.start, { kind, what: `${read.what}.${option ?? ''}` });
        return;
      }
      if (around?.type === 'VariableDeclarator' && around.init === call && around.id.type === 'ObjectPattern') {
        for (const property of around.id.properties) {
          if (property.type !== 'Property') continue;
          const option = propertyKey(property.key, property.computed);
          const kind = option === null ? null : intlOptionKind(option);
          if (kind !== null) record(call.start, { kind, what: `${read.what}.${option ?? ''}` });
        }
        return;
      }
      record(call.start, read);
    }
  },
});

function isProcessEnv(path: RefPath): boolean {
  return path[0] === 'process' && path[1] === 'env';
}
