/**
 * A real npm registry for tests: verdaccio, in-process, offline (no uplinks, so an unknown
 * package is a plain 404), on 127.0.0.1 with a free port. Fixture packages are published with the
 * real npm client.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runServer } from 'verdaccio';

const run = promisify(execFile);

export interface TestRegistry {
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  /** Publishes the package directory with `npm publish` (scripts ignored). */
  publish(dir: string): Promise<void>;
  /** The registry's `dist.integrity` of every published version of these packages, by `name@version`. */
  integrityOf(names: Iterable<string>): Promise<Map<string, string>>;
  close(): Promise<void>;
}

export async function startRegistry(): Promise<TestRegistry> {
  const root = await mkdtemp(join(tmpdir(), 'fg-verdaccio-'));
  const htpasswd = join(root, 'htpasswd');
  await writeFile(htpasswd, '');
  const config = {
    self_path: root,
    configPath: join(root, 'config.yaml'),
    storage: join(root, 'storage'),
    uplinks: {},
    packages: {
      '@*/*': { access: '$all', publish: '$all', unpublish: '$all' },
      '**': { access: '$all', publish: '$all', unpublish: '$all' },
    },
    auth: { htpasswd: { file: htpasswd, max_users: -1 } },
    web: { enable: false },
    log: { type: 'stdout', format: 'pretty', level: 'fatal' },
    max_body_size: '50mb',
  };
  const app = (await runServer(config as never)) as Server;
  await new Promise<void>((resolve, reject) => {
    app.once('error', reject);
    app.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = app.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;
  const npmrc = join(root, 'npmrc');
  await writeFile(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=test-token\n`);

  return {
    url,
    async integrityOf(names) {
      const integrity = new Map<string, string>();
      for (const name of new Set(names)) {
        const packument = (await (await fetch(`${url}${name}`)).json()) as { versions: Record<string, { dist: { integrity: string } }> };
        for (const [version, manifest] of Object.entries(packument.versions)) integrity.set(`${name}@${version}`, manifest.dist.integrity);
      }
      return integrity;
    },
    async publish(dir) {
      await run('npm', ['publish', '--ignore-scripts', '--userconfig', npmrc, '--registry', url, '--no-audit'], {
        cwd: dir,
        env: { ...process.env, npm_config_loglevel: 'error' },
      });
    },
    async close() {
      app.closeAllConnections?.();
      await new Promise<void>((resolve) => app.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
