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

/**
 * A class, not an object literal with a getter: a literal's getter is a new closure per file, so
 * each file's object gets a map of its own, and maps live in old space until a full collection.
 * Through the closure that map kept the file's scope and reads (and so its whole tree) alive
 * across every young-generation collection: on packages of many small files, the collector
 * copied and promoted three times what a bare parse does.
 */
class LazyFileFacts implements FileFacts {
  private scopeFacts: Scope | undefined;
  private decided: readonly Decision[] | undefined;
  private sent: readonly SinkFlow[] | undefined;
  readonly flow: FlowFacts = flowFacts(() => this.scope);

  get scope(): Scope {
    return (this.scopeFacts ??= createScope());
  }

  decisions(program: Program): readonly Decision[] {
    return (this.decided ??= this.withAnalysis(program, findDecisions));
  }

  sinkFlows(program: Program): readonly SinkFlow[] {
    return (this.sent ??= this.withAnalysis(program, findSinkFlows));
  }

  private withAnalysis<T>(program: Program, compute: (analysis: FlowAnalysis) => T[]): T[] {
    const analysis = this.flow.analysis(program);
    return analysis === null ? [] : compute(analysis);
  }
}

export function fileFacts(): FileFacts {
  return new LazyFileFacts();
}
