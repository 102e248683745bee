import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitHubError, UsageError } from '../../src/errors.js';
import {
  createGitHubClient,
  MAX_ATTEMPTS,
  MAX_TOTAL_WAIT_MS,
  retryDelay,
  type GitHubClient,
} from '../../src/github/client.js';
import type { Logger } from '../../src/logger.js';
import { startFakeGitHub, type FakeGitHub, type FakePullFile } from '../support/fake-github.js';

const TOKEN = 'test-token';
const PR = { owner: 'acme', repo: 'app', number: 7 };
const FILES_PATH = '/repos/acme/app/pulls/7/files';
const COMMENTS_PATH = '/repos/acme/app/issues/7/comments';

let fake: FakeGitHub;
let client: GitHubClient;
let sleeps: number[];
let warnings: string[];

function makeClient(nowMs = Date.now()): GitHubClient {
  const logger: Logger = { debug() {}, info() {}, warn: (message) => void warnings.push(message) };
  return createGitHubClient({
    token: TOKEN,
    baseUrl: `${fake.url}/`,
    logger,
    sleep: async (ms) => void sleeps.push(ms),
    now: () => nowMs,
  });
}

beforeEach(async () => {
  fake = await startFakeGitHub({ token: TOKEN });
  sleeps = [];
  warnings = [];
  client = makeClient();
});
afterEach(async () => {
  await fake.close();
});

async function rejection(promise: Promise<unknown>): Promise<GitHubError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GitHubError);
  return error as GitHubError;
}

describe('createGitHubClient', () => {
  it.each([
    ['an empty token', { token: '', baseUrl: 'http://127.0.0.1:1' }, /github-token/],
    ['a base URL that is not http(s)', { token: 't', baseUrl: 'file:///etc' }, /not an http\(s\) URL/],
  ])('refuses %s with a UsageError', (_name, options, message) => {
    expect(() => createGitHubClient(options)).toThrow(UsageError);
    expect(() => createGitHubClient(options)).toThrow(message);
  });
});

describe('listPullFiles', () => {
  it('follows Link pages past 100 files and keeps renamed files’ previous names', async () => {
    const files: FakePullFile[] = Array.from({ length: 250 }, (_, index) => ({ filename: `src/file-${index}.ts`, status: 'modified' }));
    files[120] = { filename: 'web/package-lock.json', status: 'renamed', previous_filename: 'package-lock.json' };
    fake.setPullFiles(7, files);

    const listed = await client.listPullFiles(PR);

    expect(listed).toHaveLength(250);
    expect(listed[0]).toEqual({ filename: 'src/file-0.ts', status: 'modified' });
    expect(listed[120]).toEqual({ filename: 'web/package-lock.json', status: 'renamed', previousFilename: 'package-lock.json' });
    const pages = fake.requests.filter((request) => request.path === FILES_PATH);
    expect(pages.map((request) => [request.query['per_page'], request.query['page'] ?? '1'])).toEqual([
      ['100', '1'],
      ['100', '2'],
      ['100', '3'],
    ]);
    expect(pages[0]?.headers.authorization).toBe(`token ${TOKEN}`);
  });

  it('retries a failed page on its own instead of restarting the listing', async () => {
    fake.setPullFiles(7, Array.from({ length: 150 }, (_, index) => ({ filename: `f${index}`, status: 'added' })));
    fake.injectFault({ method: 'GET', path: FILES_PATH, query: { page: '2' }, status: 502 });

    expect(await client.listPullFiles(PR)).toHaveLength(150);
    expect(fake.requests.map((request) => request.query['page'] ?? '1')).toEqual(['1', '2', '2']);
    expect(sleeps).toHaveLength(1);
  });

  it('names the call and status when GitHub refuses it, without retrying a plain 403', async () => {
    fake.setPullFiles(7, []);
    fake.injectFault({ path: FILES_PATH, status: 403, body: { message: 'Resource not accessible by integration' } });

    const error = await rejection(client.listPullFiles(PR));
    expect(error.status).toBe(403);
    expect(error.message).toContain(`GET ${FILES_PATH}`);
    expect(error.message).toContain('Resource not accessible by integration');
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('fails with 401 when the token is wrong', async () => {
    fake.setPullFiles(7, []);
    const wrong = createGitHubClient({ token: 'nope', baseUrl: fake.url, sleep: async () => {} });
    expect((await rejection(wrong.listPullFiles(PR))).status).toBe(401);
  });
});

describe('getFileRaw', () => {
  it('reads a lockfile over 1 MB through the raw media type', async () => {
    const big = JSON.stringify({ lockfileVersion: 3, packages: { pad: 'x'.repeat(1_500_000) }, note: 'ünïcödé' });
    fake.setFile('b'.repeat(40), 'packages/web/package-lock.json', big);

    const text = await client.getFileRaw(PR, 'packages/web/package-lock.json', 'b'.repeat(40));

    expect(text).toBe(big);
    const request = fake.requests.at(-1);
    expect(request?.path).toBe('/repos/acme/app/contents/packages/web/package-lock.json');
    expect(request?.query).toEqual({ ref: 'b'.repeat(40) });
    expect(request?.headers.accept).toContain('application/vnd.github.raw');
  });

  it.each([
    ['a path missing at the ref', 'yarn.lock', 'main'],
    ['a ref that does not have the file', 'package-lock.json', 'c'.repeat(40)],
  ])('returns null for %s', async (_name, path, ref) => {
    fake.setFile('main', 'package-lock.json', '{}');
    expect(await client.getFileRaw(PR, path, ref)).toBeNull();
    expect(sleeps).toEqual([]);
  });
});

describe('rate limits and retries', () => {
  it('waits as long as retry-after says, then succeeds', async () => {
    fake.setFile('main', 'yarn.lock', '# yarn lockfile v1\n');
    fake.injectFault({ path: '/repos/acme/app/contents/yarn.lock', status: 403, headers: { 'retry-after': '7' } });

    expect(await client.getFileRaw(PR, 'yarn.lock', 'main')).toBe('# yarn lockfile v1\n');
    expect(sleeps).toEqual([7_000]);
    expect(fake.requests).toHaveLength(2);
    expect(warnings.join('\n')).toMatch(/answered 403; retrying in 7 s/);
  });

  it('retries a 429 with retry-after: 0 without waiting', async () => {
    fake.setPullFiles(7, [{ filename: 'yarn.lock', status: 'modified' }]);
    fake.injectFault({ path: FILES_PATH, status: 429, headers: { 'retry-after': '0' } });

    expect(await client.listPullFiles(PR)).toEqual([{ filename: 'yarn.lock', status: 'modified' }]);
    expect(sleeps).toEqual([0]);
  });

  it('waits until x-ratelimit-reset when the quota is spent', async () => {
    const now = Date.UTC(2024, 0, 1);
    client = makeClient(now);
    fake.setPullFiles(7, []);
    fake.injectFault({
      path: FILES_PATH,
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 20) },
    });

    await client.listPullFiles(PR);
    expect(sleeps).toEqual([21_000]);
  });

  it('gives up at once when the wait would pass the budget', async () => {
    fake.setPullFiles(7, []);
    fake.injectFault({ path: FILES_PATH, status: 429, headers: { 'retry-after': String(MAX_TOTAL_WAIT_MS / 1000 + 1) } });

    const error = await rejection(client.listPullFiles(PR));
    expect(error.status).toBe(429);
    expect(sleeps).toEqual([]);
  });

  it(`stops after ${MAX_ATTEMPTS} tries of a failing read`, async () => {
    fake.setPullFiles(7, []);
    for (let index = 0; index < MAX_ATTEMPTS + 1; index += 1) fake.injectFault({ path: FILES_PATH, status: 500 });

    expect((await rejection(client.listPullFiles(PR))).status).toBe(500);
    expect(fake.requests).toHaveLength(MAX_ATTEMPTS);
  });

  it('never repeats a comment POST after a server error, but does after a rate limit', async () => {
    fake.injectFault({ method: 'POST', path: COMMENTS_PATH, status: 502 });
    expect((await rejection(client.createComment(PR, 'hello'))).message).toContain(`POST ${COMMENTS_PATH}`);
    expect(fake.requests).toHaveLength(1);

    fake.injectFault({ method: 'POST', path: COMMENTS_PATH, status: 403, headers: { 'retry-after': '1' } });
    const created = await client.createComment(PR, 'hello again');
    expect(created.body).toBe('hello again');
    expect(fake.comments.map((comment) => comment.body)).toEqual(['hello again']);
  });
});

describe('comments', () => {
  it('lists every page, creates and updates', async () => {
    for (let index = 0; index < 130; index += 1) fake.seedComment(7, `comment ${index}`);
    fake.seedComment(8, 'on another pull request');

    const listed = await client.listIssueComments(PR);
    expect(listed).toHaveLength(130);
    expect(listed[129]).toMatchObject({ body: 'comment 129', user: { login: 'octocat', type: 'User' } });

    const created = await client.createComment(PR, 'first');
    expect(created.user).toEqual({ login: 'github-actions[bot]', type: 'Bot' });
    const updated = await client.updateComment(PR, created.id, 'second');
    expect(updated).toMatchObject({ id: created.id, body: 'second' });
    expect(fake.comments.find((comment) => comment.id === created.id)?.body).toBe('second');
    expect(fake.requests.at(-1)).toMatchObject({ method: 'PATCH', path: `/repos/acme/app/issues/comments/${created.id}`, body: { body: 'second' } });
  });

  it('reports a 404 on update as a GitHubError with that status', async () => {
    const error = await rejection(client.updateComment(PR, 999_999, 'x'));
    expect(error.status).toBe(404);
    expect(error.message).toContain('PATCH /repos/acme/app/issues/comments/999999');
  });
});

describe('retryDelay', () => {
  const now = Date.UTC(2024, 0, 1);
  const failure = (status: number, headers: Record<string, string> = {}) => ({ status, response: { headers } });
  it.each([
    ['403 with retry-after seconds', failure(403, { 'retry-after': '3' }), 'GET', 3_000],
    ['429 with an HTTP-date retry-after', failure(429, { 'retry-after': new Date(now + 5_000).toUTCString() }), 'POST', 5_000],
    ['429 that says nothing', failure(429), 'GET', 60_000],
    ['403 that is not a rate limit', failure(403, { 'x-ratelimit-remaining': '12' }), 'GET', null],
    ['503 on a read', failure(503), 'GET', 1_000],
    ['503 on a write', failure(503), 'PATCH', null],
    ['404', failure(404), 'GET', null],
    ['an error without status', new Error('boom'), 'GET', null],
  ])('%s', (_name, error, method, expected) => {
    expect(retryDelay(error, method, 1, now)).toBe(expected);
  });

  it('backs off and stops at the last attempt', () => {
    expect(retryDelay(failure(500), 'GET', 2, now)).toBe(2_000);
    expect(retryDelay(failure(429, { 'retry-after': '1' }), 'GET', MAX_ATTEMPTS, now)).toBeNull();
  });
});
