/**
 * One sticky comment per pull request, found again on each push by a hidden marker, so the
 * conversation shows the current state instead of a comment per push.
 */
import type { CommentMode } from '../config/schema.js';
import { GitHubError, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { GitHubClient, IssueComment, PullRef } from './client.js';

export const COMMENT_ACTIONS = ['created', 'updated', 'skipped', 'failed'] as const;
export type CommentAction = (typeof COMMENT_ACTIONS)[number];

export interface CommentResult {
  action: CommentAction;
  id?: number;
  reason?: string;
}

export interface UpsertOptions {
  mode: CommentMode;
  /** Whether this run has something worth a new comment (findings, failures). */
  wantsComment: boolean;
  logger: Logger;
}

/**
 * Creates or updates the comment that starts with `marker`. `never` does nothing; `on-findings`
 * creates only when `wantsComment` but always updates an existing comment, so a push that clears
 * everything says so; `always` creates or updates. Publishing is best effort: a GitHub failure
 * (a fork's read-only token gives 403) comes back as `failed` with the reason, never thrown.
 */
export async function upsertStickyComment(
  client: GitHubClient,
  pr: PullRef,
  body: string,
  marker: string,
  options: UpsertOptions,
): Promise<CommentResult> {
  const { logger } = options;
  if (options.mode === 'never') return { action: 'skipped', reason: 'comments are turned off (comment: never)' };
  if (marker.trim() === '') {
    return { action: 'failed', reason: 'the sticky comment marker is empty: every comment would match it' };
  }
  // The marker must lead the body, or the next run would not find this comment again.
  const markedBody = body.startsWith(marker) ? body : `${marker}\n${body}`;

  let existing: IssueComment | undefined;
  try {
    existing = (await client.listIssueComments(pr)).find((comment) => isOurs(comment, marker));
  } catch (error) {
    return failed(error, `listing comments on #${pr.number}`, logger);
  }

  if (existing === undefined) {
    if (options.mode === 'on-findings' && !options.wantsComment) {
      return { action: 'skipped', reason: 'nothing to report and no earlier comment to update' };
    }
    return create(client, pr, markedBody, logger);
  }

  try {
    const updated = await client.updateComment(pr, existing.id, markedBody);
    logger.info(`Updated comment ${updated.id} on #${pr.number}`);
    return { action: 'updated', id: updated.id };
  } catch (error) {
    // Deleted between the listing and the update: post it afresh, once.
    if (error instanceof GitHubError && error.status === 404) {
      logger.info(`Comment ${existing.id} on #${pr.number} disappeared before its update; posting a new one`);
      return create(client, pr, markedBody, logger);
    }
    return failed(error, `updating comment ${existing.id} on #${pr.number}`, logger);
  }
}

/**
 * Only a bot's comment is ours: a person quoting the marker (say, in a reply) must never have
 * their comment overwritten.
 */
function isOurs(comment: IssueComment, marker: string): boolean {
  return comment.user?.type === 'Bot' && comment.body.startsWith(marker);
}

async function create(client: GitHubClient, pr: PullRef, body: string, logger: Logger): Promise<CommentResult> {
  try {
    const created = await client.createComment(pr, body);
    logger.info(`Created comment ${created.id} on #${pr.number}`);
    return { action: 'created', id: created.id };
  } catch (error) {
    return failed(error, `creating a comment on #${pr.number}`, logger);
  }
}

function failed(error: unknown, doing: string, logger: Logger): CommentResult {
  const status = error instanceof GitHubError ? error.status : undefined;
  const hint =
    status === 403
      ? ' (the token cannot write here: a pull request from a fork gets a read-only token; the job summary still has the report)'
      : status === 404
        ? ' (not found, or the token cannot see this repository)'
        : '';
  const reason = `${doing} failed: ${errorMessage(error)}${hint}`;
  logger.warn(reason);
  return { action: 'failed', reason };
}
