import { describe, expect, it } from 'vitest';
import { findChangedLockfiles, type ChangedLockfile } from '../../src/github/changed-lockfiles.js';
import type { PullFile } from '../../src/github/client.js';

describe('findChangedLockfiles', () => {
  const cases: Array<[string, PullFile[], ChangedLockfile[]]> = [
    [
      'every lockfile format at the root',
      ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb'].map((filename) => ({
        filename,
        status: 'modified',
      })),
      ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb'].map((path) => ({
        path,
        status: 'modified' as const,
      })),
    ],
    [
      'monorepo paths at any depth',
      [
        { filename: 'packages/web/package-lock.json', status: 'added' },
        { filename: 'apps/api/deep/yarn.lock', status: 'modified' },
      ],
      [
        { path: 'packages/web/package-lock.json', status: 'added' },
        { path: 'apps/api/deep/yarn.lock', status: 'modified' },
      ],
    ],
    [
      'non-lockfiles, including look-alike names',
      [
        { filename: 'package.json', status: 'modified' },
        { filename: 'src/index.ts', status: 'added' },
        { filename: 'docs/package-lock.json.md', status: 'added' },
        { filename: 'my-yarn.lock', status: 'modified' },
        { filename: 'yarn.lock/notes.txt', status: 'added' },
      ],
      [],
    ],
    ['a removed lockfile', [{ filename: 'web/pnpm-lock.yaml', status: 'removed' }], [{ path: 'web/pnpm-lock.yaml', status: 'removed' }]],
    [
      'a lockfile moved to another folder',
      [{ filename: 'app/package-lock.json', status: 'renamed', previousFilename: 'package-lock.json' }],
      [{ path: 'app/package-lock.json', status: 'renamed', previousPath: 'package-lock.json' }],
    ],
    [
      'a lockfile renamed away (its removal)',
      [{ filename: 'package-lock.json.bak', status: 'renamed', previousFilename: 'package-lock.json' }],
      [{ path: 'package-lock.json', status: 'removed' }],
    ],
    [
      'a file renamed into a lockfile (an addition)',
      [{ filename: 'yarn.lock', status: 'renamed', previousFilename: 'yarn.lock.orig' }],
      [{ path: 'yarn.lock', status: 'added' }],
    ],
    [
      'a copied lockfile as added, a mode change as modified, unchanged ignored',
      [
        { filename: 'b/package-lock.json', status: 'copied', previousFilename: 'a/package-lock.json' },
        { filename: 'c/package-lock.json', status: 'changed' },
        { filename: 'd/package-lock.json', status: 'unchanged' },
        { filename: 'e/package-lock.json', status: 'some-future-status' },
      ],
      [
        { path: 'b/package-lock.json', status: 'added' },
        { path: 'c/package-lock.json', status: 'modified' },
        { path: 'e/package-lock.json', status: 'modified' },
      ],
    ],
  ];

  it.each(cases)('%s', (_name, files, expected) => {
    expect(findChangedLockfiles(files)).toEqual(expected);
  });
});
