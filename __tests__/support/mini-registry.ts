/**
 * A small npm registry on 127.0.0.1 for fetch tests: serves packuments and tarballs, can demand
 * a token, injects faults (error statuses, delays, dropped connections) and records requests.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MiniPackage {
  name: string;
  version: string;
  tarball: Buffer;
  /** What the packument advertises as `dist.integrity`; defaults to the tarball's sha512, null omits it. */
  integrity?: string | null;
}

export interface Fault {
  /** Answer with this status instead of the real response. */
  status?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Destroy the socket without answering. */
  drop?: boolean;
  /** How many matching requests the fault applies to; every one when absent. */
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface MiniRegistry {
  /** Base URL, ending in `/`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  publish(pkg: MiniPackage): void;
  /** Applies `fault` to requests whose decoded path starts with `pathPrefix` (e.g. `/left-pad`). */
  fault(pathPrefix: string, fault: Fault): void;
  close(): Promise<void>;
}

export function sha512(bytes: Buffer): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/** `token`: every request must carry `Authorization: Bearer <token>`, else 401. */
export async function startMiniRegistry(options: { token?: string } = {}): Promise<MiniRegistry> {
  const packages = new Map<string, MiniPackage[]>();
  const faults: { prefix: string; fault: Fault; left: number }[] = [];
  const requests: RecordedRequest[] = [];
  let url = '';

  const tarballPath = (pkg: MiniPackage): string => `/${pkg.name}/-/${pkg.name.split('/').pop() ?? pkg.name}-${pkg.version}.tgz`;

  const packument = (name: string, versions: MiniPackage[]): unknown => ({
    name,
    'dist-tags': { latest: versions.at(-1)?.version },
    versions: Object.fromEntries(
      versions.map((pkg) => {
        const integrity = pkg.integrity === undefined ? sha512(pkg.tarball) : pkg.integrity;
        const dist = { tarball: new URL(tarballPath(pkg).slice(1), url).href, ...(integrity === null ? {} : { integrity }) };
        return [pkg.version, { name: pkg.name, version: pkg.version, dist }];
      }),
    ),
  });

  const answer = (req: IncomingMessage, res: ServerResponse, path: string): void => {
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      return;
    }
    for (const [name, versions] of packages) {
      if (path === `/${name}`) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument(name, versions)));
        return;
      }
      const pkg = versions.find((candidate) => tarballPath(candidate) === path);
      if (pkg) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': pkg.tarball.length }).end(pkg.tarball);
        return;
      }
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  };

  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    requests.push({ method: req.method ?? 'GET', path, authorization: req.headers.authorization });
    const match = faults.find((entry) => entry.left > 0 && path.startsWith(entry.prefix));
    if (!match) {
      answer(req, res, path);
      return;
    }
    match.left -= 1;
    const { status, delayMs = 0, drop = false } = match.fault;
    setTimeout(() => {
      if (drop) req.socket.destroy();
      else if (status !== undefined) res.writeHead(status, { 'content-type': 'text/plain' }).end(`injected ${status}`);
      else answer(req, res, path);
    }, delayMs);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === 'string') throw new Error('mini registry: no TCP address');
  url = `http://127.0.0.1:${address.port}/`;

  return {
    url,
    requests,
    publish(pkg) {
      packages.set(pkg.name, [...(packages.get(pkg.name) ?? []), pkg]);
    },
    fault(prefix, fault) {
      faults.push({ prefix, fault, left: fault.times ?? Number.POSITIVE_INFINITY });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
