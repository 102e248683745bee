/**
 * The facts detectors share for one file. Each is created on first use and memoised, so a file
 * no detector asks about costs nothing; logic two detectors need lives behind this, not in them.
 */
import { createScope, type Scope } from './scope.js';

export interface FileFacts {
  /** What names refer to (aliases, imports, `globalThis`, shadowing). */
  readonly scope: Scope;
}

export function fileFacts(): FileFacts {
  let scope: Scope | undefined;
  return {
    get scope(): Scope {
      scope ??= createScope();
      return scope;
    },
  };
}
