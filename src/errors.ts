/**
 * Every error the gate raises on purpose. Messages name the file or package and what is wrong;
 * each entry maps them to an exit code or a failed step in one place.
 */
export class GateError extends Error {
  override readonly name: string = 'GateError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Bad command line or action input: the user must change how they call us. */
export class UsageError extends GateError {
  override readonly name = 'UsageError';
}

/** A policy file or option value that cannot be used. */
export class ConfigError extends GateError {
  override readonly name = 'ConfigError';
}

/** A lockfile that cannot be read as its format. */
export class LockfileError extends GateError {
  override readonly name = 'LockfileError';
}

/** A package that could not be fetched (registry, network, integrity, refused spec). */
export class FetchError extends GateError {
  override readonly name = 'FetchError';
  /** npm-style code when known: E404, EINTEGRITY, ETIMEDOUT, EREFUSED ... */
  readonly code: string | undefined;
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options);
    this.code = options?.code;
  }
}

/** A tarball that cannot be unpacked safely (limits, traversal, links, corrupt gzip). */
export class ExtractError extends GateError {
  override readonly name = 'ExtractError';
}

/** Talking to GitHub failed in a way that stops publishing. */
export class GitHubError extends GateError {
  override readonly name = 'GitHubError';
  /** HTTP status when the API answered (403 read-only token, 404 gone ...); undefined otherwise. */
  readonly status: number | undefined;
  constructor(message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options);
    this.status = options?.status;
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
