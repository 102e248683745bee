/**
 * The facts detectors share for one file. Each is created on first use and memoised, so a file
 * no detector asks about costs nothing; logic two detectors need lives behind this, not in them.
 */
import type { Program } from 'acorn';
import { type Decision, findDecisions } from './comparisons.js';
import { type FlowAnalysis, type FlowFacts, flowFacts } from './flow.js';
import { createScope, type Scope } from './scope.js';
import { findSinkFlows, type SinkFlow } from './sinks.js';

export interface FileFacts {
  /** What names refer to (aliases, imports, `globalThis`, shadowing). */
  readonly scope: Scope;
  /** Whether the walk met a fingerprint source, and the value flow built afterwards when it did. */
  readonly flow: FlowFacts;
  /** Comparisons of fingerprints with lists and what they gate (empty without a source). */
  decisions(program: Program): readonly Decision[];
  /** Fingerprints handed to network or process sinks (empty without a source). */
  sinkFlows(program: Program): readonly SinkFlow[];
}

export function fileFacts(): FileFacts {
  let scope: Scope | undefined;
  let decisions: readonly Decision[] | undefined;
  let sinkFlows: readonly SinkFlow[] | undefined;
  const getScope = (): Scope => (scope ??= createScope());
  const flow = flowFacts(getScope);
  const withAnalysis = <T>(program: Program, compute: (analysis: FlowAnalysis) => T[]): T[] => {
    const analysis = flow.analysis(program);
    return analysis === null ? [] : compute(analysis);
  };
  return {
    get scope(): Scope {
      return getScope();
    },
    flow,
    decisions(program) {
      decisions ??= withAnalysis(program, findDecisions);
      return decisions;
    },
    sinkFlows(program) {
      sinkFlows ??= withAnalysis(program, findSinkFlows);
      return sinkFlows;
    },
  };
}
