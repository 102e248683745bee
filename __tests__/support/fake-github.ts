/**
 * A loopback stand-in for the few GitHub REST routes the action calls, real enough for Octokit:
 * JSON content types, status codes, `Link` pagination, the raw media type. It records every
 * request and can answer the next matching request with an injected fault.
 */
import { createServer, STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Decoded path, without the query. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, the raw text when it is not JSON, undefined when empty. */
  body: unknown;
}

export interface FakeUser {
  login: string;
  type: 'Bot' | 'User';
}

export interface FakeComment {
  id: number;
  issueNumber: number;
  body: string;
  user: FakeUser;
}

export interface FakePullFile {
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  previous_filename?: string;
}

/** Answers the next request matching `method` (any when absent) and `path`, once. */
export interface FakeFault {
  method?: string;
  path: string | RegExp;
  /** Query parameters that must all be present with these values (`{ page: '2' }`). */
  query?: Record<string, string>;
  status: number;
  headers?: Record<string, string>;
  /** JSON body; defaults to GitHub's `{ message }` shape. */
  body?: unknown;
}

export interface FakeGitHubOptions {
  /** When set, requests must carry `authorization: token <it>` (or Bearer), else 401. */
  token?: string;
  pullFiles?: Record<number, FakePullFile[]>;
  /** Files by ref (a sha or branch), then repository-relative path. */
  files?: Record<string, Record<string, string>>;
  comments?: Array<{ issueNumber: number; body: string; user?: FakeUser }>;
}

export interface FakeGitHub {
  /** Base URL to hand to the client as `baseUrl` (no trailing slash). */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Live comment store: tests may read it and edit it. */
  readonly comments: FakeComment[];
  setPullFiles(pullNumber: number, files: FakePullFile[]): void;
  setFile(ref: string, path: string, content: string): void;
  seedComment(issueNumber: number, body: string, user?: FakeUser): FakeComment;
  deleteComment(id: number): void;
  injectFault(fault: FakeFault): void;
  close(): Promise<void>;
}

export const BOT_USER: FakeUser = Object.freeze({ login: 'github-actions[bot]', type: 'Bot' });
export const HUMAN_USER: FakeUser = Object.freeze({ login: 'octocat', type: 'User' });

/** GitHub's own limits, mirrored so the client meets them here first. */
const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;
const PULL_FILES_CAP = 3_000;
const JSON_CONTENT_LIMIT = 1024 * 1024;
const RAW_MEDIA_TYPES = ['application/vnd.github.raw', 'application/vnd.github.v3.raw'];

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const requests: RecordedRequest[] = [];
  const comments: FakeComment[] = [];
  const faults: FakeFault[] = [];
  const pullFiles = new Map<number, FakePullFile[]>(
    Object.entries(options.pullFiles ?? {}).map(([key, files]) => [Number(key), files]),
  );
  const files = new Map<string, Map<string, string>>();
  let nextCommentId = 1_000;
  let baseUrl = '';

  const setFile = (ref: string, path: string, content: string): void => {
    let byPath = files.get(ref);
    if (byPath === undefined) {
      byPath = new Map();
      files.set(ref, byPath);
    }
    byPath.set(path, content);
  };
  for (const [ref, byPath] of Object.entries(options.files ?? {})) {
    for (const [path, content] of Object.entries(byPath)) setFile(ref, path, content);
  }
  const seedComment = (issueNumber: number, body: string, user: FakeUser = HUMAN_USER): FakeComment => {
    const comment = { id: nextCommentId++, issueNumber, body, user: { ...user } };
    comments.push(comment);
    return comment;
  };
  for (const seed of options.comments ?? []) seedComment(seed.issueNumber, seed.body, seed.user);

  const commentJson = (comment: FakeComment, repoPath: string): Record<string, unknown> => ({
    id: comment.id,
    node_id: `IC_${comment.id}`,
    url: `${baseUrl}${repoPath}/issues/comments/${comment.id}`,
    html_url: `https://github.invalid${repoPath.replace('/repos', '')}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${baseUrl}${repoPath}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: { login: comment.user.login, id: comment.user.type === 'Bot' ? 41898282 : 583231, type: comment.user.type },
    author_association: comment.user.type === 'Bot' ? 'NONE' : 'OWNER',
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
  });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', baseUrl);
    const path = decodeURIComponent(url.pathname);
    const method = (request.method ?? 'GET').toUpperCase();
    const text = await readBody(request);
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    requests.push({ method, path, query: Object.fromEntries(url.searchParams), headers: request.headers, body });

    const faultIndex = faults.findIndex(
      (fault) =>
        (fault.method === undefined || fault.method.toUpperCase() === method) &&
        (typeof fault.path === 'string' ? fault.path === path : fault.path.test(path)) &&
        Object.entries(fault.query ?? {}).every(([key, value]) => url.searchParams.get(key) === value),
    );
    if (faultIndex !== -1) {
      const [fault] = faults.splice(faultIndex, 1);
      if (fault !== undefined) {
        sendJson(response, fault.status, fault.body ?? { message: STATUS_CODES[fault.status] ?? 'Error' }, fault.headers);
        return;
      }
    }

    if (options.token !== undefined) {
      const auth = request.headers.authorization ?? '';
      if (auth !== `token ${options.token}` && auth !== `Bearer ${options.token}`) {
        sendJson(response, 401, { message: 'Bad credentials', status: '401' });
        return;
      }
    }

    const route = matchRoute(method, path);
    if (route === null) {
      notFound(response);
      return;
    }
    switch (route.kind) {
      case 'pull-files': {
        const list = pullFiles.get(route.number);
        if (list === undefined) return notFound(response);
        const items = list.slice(0, PULL_FILES_CAP).map((file) => ({
          sha: '0'.repeat(40),
          filename: file.filename,
          status: file.status,
          additions: 1,
          deletions: 0,
          changes: 1,
          blob_url: `https://github.invalid/blob/${file.filename}`,
          raw_url: `https://github.invalid/raw/${file.filename}`,
          contents_url: `${baseUrl}${route.repoPath}/contents/${file.filename}`,
          ...(file.previous_filename === undefined ? {} : { previous_filename: file.previous_filename }),
        }));
        return sendPage(response, url, items);
      }
      case 'contents': {
        const ref = url.searchParams.get('ref') ?? 'main';
        const content = files.get(ref)?.get(route.filePath);
        if (content === undefined) return notFound(response);
        const accept = request.headers.accept ?? '';
        if (RAW_MEDIA_TYPES.some((type) => accept.includes(type))) {
          const bytes = Buffer.from(content, 'utf8');
          response.writeHead(200, { ...commonHeaders(), 'content-type': 'text/plain; charset=utf-8', 'content-length': bytes.length });
          response.end(bytes);
          return;
        }
        const bytes = Buffer.from(content, 'utf8');
        const small = bytes.length <= JSON_CONTENT_LIMIT;
        return sendJson(response, 200, {
          type: 'file',
          name: route.filePath.split('/').pop(),
          path: route.filePath,
          size: bytes.length,
          sha: '0'.repeat(40),
          encoding: small ? 'base64' : 'none',
          content: small ? bytes.toString('base64') : '',
        });
      }
      case 'list-comments': {
        const items = comments
          .filter((comment) => comment.issueNumber === route.number)
          .map((comment) => commentJson(comment, route.repoPath));
        return sendPage(response, url, items);
      }
      case 'create-comment': {
        const text = bodyText(body);
        if (text === null) return sendJson(response, 422, { message: 'Invalid request.\n\n"body" wasn\'t supplied.' });
        const comment = { id: nextCommentId++, issueNumber: route.number, body: text, user: { ...BOT_USER } };
        comments.push(comment);
        return sendJson(response, 201, commentJson(comment, route.repoPath));
      }
      case 'update-comment': {
        const comment = comments.find((candidate) => candidate.id === route.id);
        if (comment === undefined) return notFound(response);
        const text = bodyText(body);
        if (text === null) return sendJson(response, 422, { message: 'Invalid request.\n\n"body" wasn\'t supplied.' });
        comment.body = text;
        return sendJson(response, 200, commentJson(comment, route.repoPath));
      }
      case 'delete-comment': {
        const index = comments.findIndex((candidate) => candidate.id === route.id);
        if (index === -1) return notFound(response);
        comments.splice(index, 1);
        response.writeHead(204, commonHeaders());
        response.end();
        return;
      }
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      sendJson(response, 500, { message: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    requests,
    comments,
    setPullFiles: (pullNumber, list) => void pullFiles.set(pullNumber, list),
    setFile,
    seedComment,
    deleteComment(id) {
      const index = comments.findIndex((comment) => comment.id === id);
      if (index !== -1) comments.splice(index, 1);
    },
    injectFault: (fault) => void faults.push(fault),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

type Route =
  | { kind: 'pull-files'; repoPath: string; number: number }
  | { kind: 'contents'; repoPath: string; filePath: string }
  | { kind: 'list-comments' | 'create-comment'; repoPath: string; number: number }
  | { kind: 'update-comment' | 'delete-comment'; repoPath: string; id: number };

function matchRoute(method: string, path: string): Route | null {
  const repo = /^(\/repos\/[^/]+\/[^/]+)(\/.*)$/.exec(path);
  if (repo === null) return null;
  const repoPath = repo[1] ?? '';
  const rest = repo[2] ?? '';
  let match: RegExpExecArray | null;
  if (method === 'GET' && (match = /^\/pulls\/(\d+)\/files$/.exec(rest))) {
    return { kind: 'pull-files', repoPath, number: Number(match[1]) };
  }
  if (method === 'GET' && (match = /^\/contents\/(.+)$/.exec(rest))) {
    return { kind: 'contents', repoPath, filePath: match[1] ?? '' };
  }
  if ((match = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
    if (method === 'GET') return { kind: 'list-comments', repoPath, number: Number(match[1]) };
    if (method === 'POST') return { kind: 'create-comment', repoPath, number: Number(match[1]) };
  }
  if ((match = /^\/issues\/comments\/(\d+)$/.exec(rest))) {
    if (method === 'PATCH') return { kind: 'update-comment', repoPath, id: Number(match[1]) };
    if (method === 'DELETE') return { kind: 'delete-comment', repoPath, id: Number(match[1]) };
  }
  return null;
}

function bodyText(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || !('body' in body)) return null;
  return typeof body.body === 'string' ? body.body : null;
}

function sendPage(response: ServerResponse, url: URL, items: unknown[]): void {
  const perPage = Math.min(MAX_PER_PAGE, Math.max(1, Number(url.searchParams.get('per_page') ?? DEFAULT_PER_PAGE) || DEFAULT_PER_PAGE));
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const link = (target: number): string => {
    const next = new URL(url);
    next.searchParams.set('per_page', String(perPage));
    next.searchParams.set('page', String(target));
    return next.toString();
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${link(page - 1)}>; rel="prev"`, `<${link(1)}>; rel="first"`);
  if (page < lastPage) links.push(`<${link(page + 1)}>; rel="next"`, `<${link(lastPage)}>; rel="last"`);
  sendJson(response, 200, items.slice((page - 1) * perPage, page * perPage), links.length > 0 ? { link: links.join(', ') } : {});
}

function notFound(response: ServerResponse): void {
  sendJson(response, 404, {
    message: 'Not Found',
    documentation_url: 'https://docs.github.invalid/rest',
    status: '404',
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  response.writeHead(status, {
    ...commonHeaders(),
    'content-type': 'application/json; charset=utf-8',
    'content-length': bytes.length,
    ...headers,
  });
  response.end(bytes);
}

function commonHeaders(): Record<string, string> {
  return {
    'x-github-request-id': 'FAKE:0000',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
    'x-ratelimit-resource': 'core',
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
