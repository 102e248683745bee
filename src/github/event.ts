/**
 * The pull request a run is about, read from the event payload the runner writes to
 * `GITHUB_EVENT_PATH`. The payload is narrowed here once; everything downstream trusts `PrRef`.
 */
import { readFileSync } from 'node:fs';
import { UsageError, errorMessage } from '../errors.js';

/** Events whose payload carries a `pull_request`; every other event is not ours to gate. */
export const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target'] as const;
export type PullRequestEvent = (typeof PULL_REQUEST_EVENTS)[number];

export interface PrRef {
  /** The base repository: where the PR lives and where comments go. */
  owner: string;
  repo: string;
  number: number;
  baseSha: string;
  headSha: string;
  baseRef: string;
  headRef: string;
  /**
   * `owner/name` of the repository the head branch lives in; null when that repository was
   * deleted (GitHub then sends `head.repo: null`).
   */
  headRepoFullName: string | null;
  /** The head lives in another repository: the token is read-only and the code is untrusted. */
  isFork: boolean;
}

/**
 * Object ids are later passed to `git` as arguments: accepting only hex (SHA-1 or SHA-256) keeps
 * a crafted payload from smuggling an option such as `--output=...` into the command line.
 */
const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export function isPullRequestEvent(eventName: string): eventName is PullRequestEvent {
  return (PULL_REQUEST_EVENTS as readonly string[]).includes(eventName);
}

/**
 * Returns the pull request of a `pull_request` or `pull_request_target` event, or null for any
 * other event (the caller then explains it only gates pull requests). Throws `UsageError` naming
 * the file when the payload is missing or not the shape GitHub sends.
 */
export function readPullRequestEvent(eventPath: string, eventName: string): PrRef | null {
  if (!isPullRequestEvent(eventName)) return null;
  if (eventPath === '') {
    throw new UsageError(`No event payload path given for the ${eventName} event (GITHUB_EVENT_PATH is empty)`);
  }
  let text: string;
  try {
    text = readFileSync(eventPath, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the ${eventName} event payload ${eventPath}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The ${eventName} event payload ${eventPath} is not JSON: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  return parsePullRequestPayload(payload, `${eventName} event payload ${eventPath}`);
}

/** Narrows a parsed payload; `where` names the source in error messages. */
export function parsePullRequestPayload(payload: unknown, where: string): PrRef {
  const field = new PayloadReader(where);
  const root = field.object(payload, '(root)');
  const pr = field.object(root['pull_request'], 'pull_request');
  const base = field.object(pr['base'], 'pull_request.base');
  const head = field.object(pr['head'], 'pull_request.head');
  const repository = field.object(root['repository'], 'repository');
  const owner = field.object(repository['owner'], 'repository.owner');

  const baseRepoFullName = field.string(
    field.object(base['repo'], 'pull_request.base.repo')['full_name'],
    'pull_request.base.repo.full_name',
  );
  const headRepoValue = head['repo'];
  const headRepoFullName =
    headRepoValue === null
      ? null
      : field.string(field.object(headRepoValue, 'pull_request.head.repo')['full_name'], 'pull_request.head.repo.full_name');

  const number = pr['number'] ?? root['number'];
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0) {
    throw new UsageError(`The ${where} has no valid pull_request.number`);
  }

  return {
    owner: field.string(owner['login'], 'repository.owner.login'),
    repo: field.string(repository['name'], 'repository.name'),
    number,
    baseSha: field.sha(base['sha'], 'pull_request.base.sha'),
    headSha: field.sha(head['sha'], 'pull_request.head.sha'),
    baseRef: field.string(base['ref'], 'pull_request.base.ref'),
    headRef: field.string(head['ref'], 'pull_request.head.ref'),
    headRepoFullName,
    // Compared case-insensitively: GitHub repository names are, and the two fields can differ in case.
    isFork: headRepoFullName === null || headRepoFullName.toLowerCase() !== baseRepoFullName.toLowerCase(),
  };
}

class PayloadReader {
  constructor(private readonly where: string) {}

  object(value: unknown, name: string): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new UsageError(`The ${this.where} has no object at ${name}`);
    }
    return value as Record<string, unknown>;
  }

  string(value: unknown, name: string): string {
    if (typeof value !== 'string' || value === '') {
      throw new UsageError(`The ${this.where} has no string at ${name}`);
    }
    return value;
  }

  sha(value: unknown, name: string): string {
    const text = this.string(value, name);
    if (!OBJECT_ID.test(text)) {
      throw new UsageError(`The ${this.where} has ${name} ${JSON.stringify(text.slice(0, 80))}, not a commit id`);
    }
    return text;
  }
}
