/**
 * The few GitHub REST calls the action makes, behind an interface so the rest of the action (and
 * its tests) can hand in a fake. Built by a factory: `@actions/github` reads `GITHUB_API_URL` at
 * import, so the base URL is always passed explicitly (GHES, loopback tests).
 */
import { getOctokit } from '@actions/github';
import { GitHubError, UsageError, errorMessage } from '../errors.js';
import { SILENT_LOGGER, type Logger } from '../logger.js';
import type { PrRef } from './event.js';

/** The repository a call addresses. */
export type RepoRef = Pick<PrRef, 'owner' | 'repo'>;
/** The pull request (an issue, for comments) a call addresses. */
export type PullRef = Pick<PrRef, 'owner' | 'repo' | 'number'>;

export interface PullFile {
  filename: string;
  /** GitHub's status: added, removed, modified, renamed, copied, changed, unchanged. */
  status: string;
  previousFilename?: string;
}

export interface IssueComment {
  id: number;
  body: string;
  /** Null when the author's account was deleted. */
  user: { login: string; type: string } | null;
}

export interface GitHubClient {
  /** Every file the pull request changes, all pages. */
  listPullFiles(pr: PullRef): Promise<PullFile[]>;
  /** The file's bytes at `ref` as UTF-8 text; null when the path does not exist there. */
  getFileRaw(repo: RepoRef, path: string, ref: string): Promise<string | null>;
  listIssueComments(pr: PullRef): Promise<IssueComment[]>;
  createComment(pr: PullRef, body: string): Promise<IssueComment>;
  updateComment(pr: RepoRef, id: number, body: string): Promise<IssueComment>;
}

export interface GitHubClientOptions {
  token: string;
  baseUrl: string;
  logger?: Logger;
  /** Injected so tests never wait on a real clock. */
  sleep?: (ms: number) => Promise<void>;
  /** Epoch milliseconds; injected to make `x-ratelimit-reset` testable. */
  now?: () => number;
}

/** Tries of one request, the first included. */
export const MAX_ATTEMPTS = 4;
/** Total time one request may spend waiting for rate limits or a flaky server before it fails. */
export const MAX_TOTAL_WAIT_MS = 60_000;
/** GitHub's advice when it limits without saying for how long. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;
/** First wait after a 5xx on a read; doubled on each further try. */
export const SERVER_ERROR_BACKOFF_MS = 1_000;
/** The largest page GitHub serves. */
export const PER_PAGE = 100;
/** GitHub stops listing a pull request's files here: lockfiles past it are invisible to the API. */
export const PULL_FILES_LIMIT = 3_000;
/** The contents API serves files up to 100 MB; nothing larger is a lockfile worth reading. */
export const MAX_RAW_FILE_BYTES = 100 * 1024 * 1024;

const RAW_MEDIA_TYPE = 'application/vnd.github.raw';
/** A 5xx on these may be retried; a write may have taken effect, and a comment must never post twice. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  if (options.token === '') throw new UsageError('No GitHub token: set the github-token input');
  if (!/^https?:\/\/[^/]/.test(options.baseUrl)) {
    throw new UsageError(`The GitHub API URL ${JSON.stringify(options.baseUrl)} is not an http(s) URL`);
  }
  const logger = options.logger ?? SILENT_LOGGER;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const octokit = getOctokit(options.token, {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    // Octokit's default logger writes to the console; the action speaks through `logger` only.
    log: { debug: () => {}, info: () => {}, warn: (message: string) => logger.warn(message), error: () => {} },
  });

  // Wrapped at the request level so each page of a paginated list retries on its own instead of
  // restarting the whole listing.
  octokit.hook.wrap('request', async (request, requestOptions) => {
    let waited = 0;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await request(requestOptions);
      } catch (error) {
        const wait = retryDelay(error, requestOptions.method, attempt, now());
        if (wait === null || waited + wait > MAX_TOTAL_WAIT_MS) throw error;
        logger.warn(
          `GitHub ${requestOptions.method} ${pathOf(requestOptions.url)} answered ${statusOf(error) ?? 'no status'}; ` +
            `retrying in ${Math.ceil(wait / 1000)} s (try ${attempt + 1} of ${MAX_ATTEMPTS})`,
        );
        await sleep(wait);
        waited += wait;
      }
    }
  });

  return {
    async listPullFiles(pr) {
      const path = `/repos/${pr.owner}/${pr.repo}/pulls/${pr.number}/files`;
      const files = await call('GET', path, () =>
        octokit.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
          owner: pr.owner,
          repo: pr.repo,
          pull_number: pr.number,
          per_page: PER_PAGE,
        }),
      );
      if (files.length >= PULL_FILES_LIMIT) {
        logger.warn(
          `Pull request #${pr.number} lists ${files.length} files, GitHub's limit: lockfiles changed beyond it are not seen`,
        );
      }
      return files.map((file) => ({
        filename: file.filename,
        status: file.status,
        ...(typeof file.previous_filename === 'string' ? { previousFilename: file.previous_filename } : {}),
      }));
    },

    async getFileRaw(repo, filePath, ref) {
      const path = `/repos/${repo.owner}/${repo.repo}/contents/${filePath}?ref=${ref}`;
      return call('GET', path, async () => {
        let response;
        try {
          response = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
            owner: repo.owner,
            repo: repo.repo,
            path: filePath,
            ref,
            headers: { accept: RAW_MEDIA_TYPE },
            // The body is streamed so the size limit holds before a huge file sits in memory.
            request: { parseSuccessResponseBody: false },
          });
        } catch (error) {
          if (statusOf(error) === 404) return null;
          throw error;
        }
        const bytes = await readLimited(response.data as unknown, MAX_RAW_FILE_BYTES, `${filePath} at ${ref}`);
        const contentType = String(response.headers['content-type'] ?? '');
        const text = new TextDecoder('utf-8').decode(bytes);
        return contentType.startsWith('application/json') ? contentFromJson(text, filePath, ref) : text;
      });
    },

    async listIssueComments(pr) {
      const path = `/repos/${pr.owner}/${pr.repo}/issues/${pr.number}/comments`;
      const comments = await call('GET', path, () =>
        octokit.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          owner: pr.owner,
          repo: pr.repo,
          issue_number: pr.number,
          per_page: PER_PAGE,
        }),
      );
      return comments.map(toIssueComment);
    },

    async createComment(pr, body) {
      const path = `/repos/${pr.owner}/${pr.repo}/issues/${pr.number}/comments`;
      const response = await call('POST', path, () =>
        octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          owner: pr.owner,
          repo: pr.repo,
          issue_number: pr.number,
          body,
        }),
      );
      return toIssueComment(response.data);
    },

    async updateComment(repo, id, body) {
      const path = `/repos/${repo.owner}/${repo.repo}/issues/comments/${id}`;
      const response = await call('PATCH', path, () =>
        octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
          owner: repo.owner,
          repo: repo.repo,
          comment_id: id,
          body,
        }),
      );
      return toIssueComment(response.data);
    },
  };
}

/** Runs one call and turns whatever it throws into a `GitHubError` naming the call. */
async function call<T>(method: string, path: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof GitHubError) throw error;
    const status = statusOf(error);
    const detail = status === undefined ? errorMessage(error) : `${status} ${errorMessage(error)}`;
    throw new GitHubError(`GitHub ${method} ${path} failed: ${detail}`, {
      cause: error,
      ...(status === undefined ? {} : { status }),
    });
  }
}

/**
 * How long to wait before trying again, or null to give up. Rate limits (403/429 with
 * `retry-after`, or `x-ratelimit-remaining: 0`) are waited out for any method: GitHub did not act
 * on the request. Server errors are retried only on reads.
 */
export function retryDelay(error: unknown, method: string, attempt: number, nowMs: number): number | null {
  if (attempt >= MAX_ATTEMPTS) return null;
  const status = statusOf(error);
  if (status === undefined) return null;
  const headers = headersOf(error);
  if (status === 403 || status === 429) {
    const retryAfter = parseRetryAfter(headers['retry-after'], nowMs);
    if (retryAfter !== null) return retryAfter;
    if (headers['x-ratelimit-remaining'] === '0') {
      const reset = Number(headers['x-ratelimit-reset']);
      if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - nowMs) + 1000;
      return DEFAULT_RATE_LIMIT_WAIT_MS;
    }
    return status === 429 ? DEFAULT_RATE_LIMIT_WAIT_MS : null;
  }
  if (status >= 500 && IDEMPOTENT_METHODS.has(method.toUpperCase())) {
    return SERVER_ERROR_BACKOFF_MS * 2 ** (attempt - 1);
  }
  return null;
}

/** `retry-after` is either delta seconds or an HTTP date. */
function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (value === undefined || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  const status = error.status;
  return typeof status === 'number' ? status : undefined;
}

function headersOf(error: unknown): Record<string, string | undefined> {
  if (typeof error !== 'object' || error === null || !('response' in error)) return {};
  const response = error.response;
  if (typeof response !== 'object' || response === null || !('headers' in response)) return {};
  const headers = response.headers;
  if (typeof headers !== 'object' || headers === null) return {};
  const result: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined && value !== null) result[key.toLowerCase()] = String(value);
  }
  return result;
}

function pathOf(url: string): string {
  // Octokit keeps templated URLs relative until sent; absolute ones (next page links) carry the host.
  try {
    const parsed = new URL(url, 'http://placeholder.invalid');
    return parsed.pathname;
  } catch {
    return url;
  }
}

async function readLimited(body: unknown, limit: number, what: string): Promise<Uint8Array> {
  if (body === null || body === undefined) return new Uint8Array(0);
  if (typeof body !== 'object' || !(Symbol.asyncIterator in body)) {
    throw new GitHubError(`GitHub sent an unreadable body for ${what}`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<unknown>) {
    if (!(chunk instanceof Uint8Array)) throw new GitHubError(`GitHub sent an unreadable body for ${what}`);
    total += chunk.byteLength;
    // Leaving the loop early cancels the stream, so the rest is never downloaded.
    if (total > limit) throw new GitHubError(`${what} is larger than ${limit} bytes; not read`);
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * A server that ignores the raw media type (old GHES) answers with the JSON form: base64 content
 * for files up to 1 MB, and no content beyond, which cannot be read this way.
 */
function contentFromJson(text: string, filePath: string, ref: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new GitHubError(`GitHub sent malformed JSON for ${filePath} at ${ref}`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GitHubError(`${filePath} at ${ref} is not a file (GitHub listed a directory)`);
  }
  const record = value as Record<string, unknown>;
  if (record['type'] !== 'file') {
    throw new GitHubError(`${filePath} at ${ref} is a ${String(record['type'])}, not a file`);
  }
  if (record['encoding'] !== 'base64' || typeof record['content'] !== 'string') {
    throw new GitHubError(`${filePath} at ${ref} is too large for GitHub's JSON contents form and the raw form was refused`);
  }
  return Buffer.from(record['content'], 'base64').toString('utf8');
}

function toIssueComment(comment: {
  // Octokit parses big integers as bigint; comment ids are still far below 2^53.
  id: number | bigint;
  body?: string | undefined;
  user: { login: string; type: string } | null;
}): IssueComment {
  return {
    id: Number(comment.id),
    body: comment.body ?? '',
    user: comment.user === null ? null : { login: comment.user.login, type: comment.user.type },
  };
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
