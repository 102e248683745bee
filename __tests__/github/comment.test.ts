import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommentMode } from '../../src/config/schema.js';
import { createGitHubClient, type GitHubClient } from '../../src/github/client.js';
import { upsertStickyComment } from '../../src/github/comment.js';
import type { Logger } from '../../src/logger.js';
import { BOT_USER, HUMAN_USER, startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';

const MARKER = '<!-- fingerprint-gate -->';
const PR = { owner: 'acme', repo: 'app', number: 5 };
const COMMENTS_PATH = '/repos/acme/app/issues/5/comments';

let fake: FakeGitHub;
let client: GitHubClient;
let warnings: string[];
let logger: Logger;

beforeEach(async () => {
  fake = await startFakeGitHub();
  client = createGitHubClient({ token: 't', baseUrl: fake.url, sleep: async () => {} });
  warnings = [];
  logger = { debug() {}, info() {}, warn: (message) => void warnings.push(message) };
});
afterEach(async () => {
  await fake.close();
});

const upsert = (body: string, mode: CommentMode, wantsComment = true) =>
  upsertStickyComment(client, PR, body, MARKER, { mode, wantsComment, logger });
const posts = () => fake.requests.filter((request) => request.method === 'POST');
const patches = () => fake.requests.filter((request) => request.method === 'PATCH');

describe('upsertStickyComment', () => {
  it('creates once, then updates the same comment', async () => {
    const first = await upsert(`${MARKER}\nfirst report`, 'always');
    expect(first).toEqual({ action: 'created', id: expect.any(Number) });
    const second = await upsert(`${MARKER}\nsecond report`, 'always');
    expect(second).toEqual({ action: 'updated', id: first.id });
    expect(fake.comments).toEqual([{ id: first.id, issueNumber: 5, body: `${MARKER}\nsecond report`, user: BOT_USER }]);
    expect(posts()).toHaveLength(1);
  });

  it('puts the marker first when the body lacks it, so the next run finds the comment', async () => {
    await upsert('report without marker', 'always');
    expect(fake.comments[0]?.body).toBe(`${MARKER}\nreport without marker`);
    expect((await upsert('again', 'always')).action).toBe('updated');
  });

  it('does nothing at all with comment: never', async () => {
    fake.seedComment(5, `${MARKER}\nold`, BOT_USER);
    const result = await upsert(`${MARKER}\nnew`, 'never');
    expect(result.action).toBe('skipped');
    expect(result.reason).toMatch(/never/);
    expect(fake.requests).toEqual([]);
  });

  it.each([
    ['skips when there is nothing to say and no comment yet', false, false, 'skipped', 0, 0],
    ['creates when there is something to say', true, false, 'created', 1, 0],
    ['updates an earlier comment even when all is clear', false, true, 'updated', 0, 1],
    ['updates an earlier comment when there is something to say', true, true, 'updated', 0, 1],
  ] as const)('on-findings %s', async (_name, wantsComment, hasEarlier, action, postCount, patchCount) => {
    if (hasEarlier) fake.seedComment(5, `${MARKER}\nearlier findings`, BOT_USER);
    const result = await upsert(`${MARKER}\nnow`, 'on-findings', wantsComment);
    expect(result.action).toBe(action);
    expect(posts()).toHaveLength(postCount);
    expect(patches()).toHaveLength(patchCount);
  });

  it('never touches a person’s comment that quotes the marker, nor a bot comment without it', async () => {
    const human = fake.seedComment(5, `${MARKER}\nI copied this from the bot`, HUMAN_USER);
    const otherBot = fake.seedComment(5, `coverage report ${MARKER}`, { login: 'codecov[bot]', type: 'Bot' });

    const result = await upsert(`${MARKER}\nreport`, 'always');

    expect(result.action).toBe('created');
    expect(patches()).toEqual([]);
    expect(fake.comments.find((comment) => comment.id === human.id)?.body).toBe(`${MARKER}\nI copied this from the bot`);
    expect(fake.comments.find((comment) => comment.id === otherBot.id)?.body).toBe(`coverage report ${MARKER}`);
  });

  it('finds its comment past the first page of comments', async () => {
    for (let index = 0; index < 120; index += 1) fake.seedComment(5, `chatter ${index}`);
    const ours = fake.seedComment(5, `${MARKER}\nold`, BOT_USER);
    expect(await upsert(`${MARKER}\nnew`, 'always')).toEqual({ action: 'updated', id: ours.id });
  });

  it('posts a new comment, once, when its comment was deleted between listing and update', async () => {
    const ours = fake.seedComment(5, `${MARKER}\nold`, BOT_USER);
    // The listing sees it; by the PATCH it is gone.
    fake.injectFault({ method: 'PATCH', path: `/repos/acme/app/issues/comments/${ours.id}`, status: 404 });

    const result = await upsert(`${MARKER}\nnew`, 'always');

    expect(result.action).toBe('created');
    expect(posts()).toHaveLength(1);
    expect(fake.comments.filter((comment) => comment.body === `${MARKER}\nnew`)).toHaveLength(1);
  });

  it('gives up after the one re-post when that fails too', async () => {
    const ours = fake.seedComment(5, `${MARKER}\nold`, BOT_USER);
    fake.injectFault({ method: 'PATCH', path: `/repos/acme/app/issues/comments/${ours.id}`, status: 404 });
    fake.injectFault({ method: 'POST', path: COMMENTS_PATH, status: 500 });

    const result = await upsert(`${MARKER}\nnew`, 'always');
    expect(result.action).toBe('failed');
    expect(posts()).toHaveLength(1);
  });

  it.each([
    ['creating (a fork’s read-only token)', 'POST', COMMENTS_PATH, 403, /read-only token/],
    ['listing', 'GET', COMMENTS_PATH, 404, /listing comments on #5 failed.*404/],
  ])('returns failed with a reason instead of throwing when %s is refused', async (_name, method, path, status, reason) => {
    fake.injectFault({ method, path, status, body: { message: 'Resource not accessible by integration' } });
    const result = await upsert(`${MARKER}\nreport`, 'always');
    expect(result.action).toBe('failed');
    expect(result.reason).toMatch(reason);
    expect(warnings).toHaveLength(1);
    expect(fake.comments).toEqual([]);
  });

  it('refuses an empty marker, which would match every bot comment', async () => {
    fake.seedComment(5, 'someone else’s bot comment', BOT_USER);
    expect((await upsertStickyComment(client, PR, 'body', '  ', { mode: 'always', wantsComment: true, logger })).action).toBe('failed');
    expect(fake.requests).toEqual([]);
  });
});
