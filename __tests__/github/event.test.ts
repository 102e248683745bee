import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { readPullRequestEvent } from '../../src/github/event.js';

const BASE_SHA = 'a'.repeat(40);
const HEAD_SHA = 'b'.repeat(40);
const dir = mkdtempSync(join(tmpdir(), 'fg-event-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function writeEvent(payload: unknown): string {
  const path = join(dir, `event-${counter++}.json`);
  writeFileSync(path, typeof payload === 'string' ? payload : JSON.stringify(payload));
  return path;
}

function pullRequestPayload(headRepo: { full_name: string } | null = { full_name: 'acme/app' }): Record<string, unknown> {
  return {
    action: 'synchronize',
    number: 42,
    pull_request: {
      number: 42,
      base: { sha: BASE_SHA, ref: 'main', repo: { full_name: 'acme/app' } },
      head: { sha: HEAD_SHA, ref: 'bump-deps', repo: headRepo },
    },
    repository: { name: 'app', full_name: 'acme/app', owner: { login: 'acme' } },
  };
}

describe('readPullRequestEvent', () => {
  it.each(['pull_request', 'pull_request_target'])('reads the pull request of a %s event', (eventName) => {
    expect(readPullRequestEvent(writeEvent(pullRequestPayload()), eventName)).toEqual({
      owner: 'acme',
      repo: 'app',
      number: 42,
      baseSha: BASE_SHA,
      headSha: HEAD_SHA,
      baseRef: 'main',
      headRef: 'bump-deps',
      headRepoFullName: 'acme/app',
      isFork: false,
    });
  });

  it.each([
    ['a fork', { full_name: 'mallory/app' }, 'mallory/app', true],
    ['the same repository spelled in another case', { full_name: 'Acme/App' }, 'Acme/App', false],
    ['a deleted fork', null, null, true],
  ] as const)('tells whether the head is %s', (_name, headRepo, fullName, isFork) => {
    const pr = readPullRequestEvent(writeEvent(pullRequestPayload(headRepo)), 'pull_request_target');
    expect(pr?.headRepoFullName).toBe(fullName);
    expect(pr?.isFork).toBe(isFork);
  });

  it.each(['push', 'workflow_dispatch', 'merge_group', ''])('returns null for the %s event without reading the file', (eventName) => {
    expect(readPullRequestEvent(join(dir, 'does-not-exist.json'), eventName)).toBeNull();
  });

  const broken: Array<[string, unknown, RegExp]> = [
    ['not JSON', '{"pull_request": ', /not JSON/],
    ['not an object', '[1, 2]', /no object at \(root\)/],
    ['without pull_request', { repository: { name: 'app', owner: { login: 'acme' } } }, /no object at pull_request/],
    [
      'with a head sha that is no commit id',
      (() => {
        const payload = pullRequestPayload();
        const pr = payload['pull_request'] as { head: { sha: string } };
        pr.head.sha = '--output=/tmp/x';
        return payload;
      })(),
      /pull_request\.head\.sha .*not a commit id/,
    ],
    [
      'without a number',
      (() => {
        const payload = pullRequestPayload();
        delete payload['number'];
        delete (payload['pull_request'] as Record<string, unknown>)['number'];
        return payload;
      })(),
      /pull_request\.number/,
    ],
  ];
  it.each(broken)('throws a UsageError naming the file for a payload %s', (_name, payload, message) => {
    const path = writeEvent(payload);
    let thrown: unknown;
    try {
      readPullRequestEvent(path, 'pull_request');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as Error).message).toContain(path);
    expect((thrown as Error).message).toMatch(message);
  });

  it('throws a UsageError naming the file when the payload is missing', () => {
    const path = join(dir, 'missing.json');
    expect(() => readPullRequestEvent(path, 'pull_request')).toThrow(UsageError);
    expect(() => readPullRequestEvent(path, 'pull_request')).toThrow(path);
  });

  it('throws a UsageError when no payload path is given for a pull request event', () => {
    expect(() => readPullRequestEvent('', 'pull_request')).toThrow(/GITHUB_EVENT_PATH/);
  });
});
