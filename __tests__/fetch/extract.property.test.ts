/**
 * Hostile tarballs: whatever bytes a publisher uploads, `extractTarball` settles, and either
 * returns files whose paths stay inside the package or rejects with an ExtractError naming the
 * package. A path with a `..` segment or a leading `/` in the result would let a later consumer
 * of the file list write or read outside its folder.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExtractError } from '../../src/errors.js';
import { extractTarball, type ExtractLimits } from '../../src/fetch/extract.js';
import type { PackageFiles } from '../../src/fetch/types.js';
import { TAR_TYPE_FLAGS, buildTar, buildTarball, type TarEntrySpec, type TarEntryType } from '../support/tarball.js';

const LABEL = 'hostile-pkg@6.6.6';
/** Not a timing assertion: a parser that never ends would otherwise hang the whole file silently. */
const SETTLE_GUARD_MS = 10_000;
/** Small limits so the limit paths are exercised by small generated inputs. */
const SMALL_LIMITS: Partial<ExtractLimits> = { maxFiles: 6, maxFileBytes: 64, maxUnpackedBytes: 64 * 1024, ratioFloorBytes: 4 * 1024, maxRatio: 50 };

type Settled = { ok: true; result: PackageFiles } | { ok: false; error: unknown };

async function settle(bytes: Buffer, limits?: Partial<ExtractLimits>): Promise<Settled> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`extractTarball never settled on ${bytes.length} bytes: ${bytes.subarray(0, 64).toString('hex')}`)), SETTLE_GUARD_MS);
  });
  try {
    const result = await Promise.race([extractTarball(bytes, LABEL, limits), guard]);
    return { ok: true, result };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('extractTarball never settled')) throw error;
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
  }
}

function expectSafePath(path: string): void {
  expect(path).not.toBe('');
  expect(path.startsWith('/')).toBe(false);
  expect(path).not.toMatch(/^[A-Za-z]:/);
  expect(path).not.toContain('\\');
  expect(path).not.toContain('\0');
  const segments = path.split('/');
  expect(segments).not.toContain('..');
  expect(segments).not.toContain('.');
  expect(segments).not.toContain('');
}

/** The contract on one input; returns the outcome for checks specific to a property. */
async function expectContract(bytes: Buffer, limits?: Partial<ExtractLimits>): Promise<Settled> {
  const outcome = await settle(bytes, limits);
  if (!outcome.ok) {
    if (!(outcome.error instanceof ExtractError)) {
      throw new Error(`extractTarball rejected with a non-ExtractError: ${String(outcome.error)}\ninput: ${bytes.subarray(0, 256).toString('hex')}`, { cause: outcome.error });
    }
    expect(outcome.error.message).toContain(LABEL);
    return outcome;
  }
  for (const file of outcome.result.files) {
    expectSafePath(file.path);
    expect(Buffer.isBuffer(file.content)).toBe(true);
  }
  expect(outcome.result.notes.every((note) => typeof note === 'string')).toBe(true);
  return outcome;
}

const SEGMENTS = ['..', '.', '', 'a', 'b.js', 'package', 'C:', 'c:', '\\', '..\\..', '\0', 'x\0..', '...', '..a', '~', ' ', 'index.js', '%2e%2e', '\u2215', 'ǅ'] as const;
const hostilePath = fc.oneof(
  fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 6 }).chain((parts) =>
    fc.constantFrom('/', '\\').map((sep) => parts.join(sep)),
  ),
  fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
  fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 5 }).map((parts) => `package/${parts.join('/')}`),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  // Long enough to need a pax header, where NUL and `..` are not limited by the ustar field.
  fc.array(fc.constantFrom('package', '..', 'a'.repeat(60), 'b'), { minLength: 3, maxLength: 8 }).map((parts) => parts.join('/')),
);

const entryType = fc.constantFrom(...(Object.keys(TAR_TYPE_FLAGS) as TarEntryType[]));
const hostileEntry: fc.Arbitrary<TarEntrySpec> = fc.record(
  {
    path: hostilePath,
    content: fc.oneof(fc.string({ maxLength: 120 }), fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes))),
    type: entryType,
    linkpath: fc.oneof(fc.constantFrom('/etc/passwd', '../../../../etc/shadow', 'index.js', '..', ''), hostilePath),
    pax: fc.dictionary(fc.constantFrom('path', 'linkpath', 'size', 'uid', 'mtime'), fc.oneof(hostilePath, fc.constantFrom('-1', '1e9', '99999999999', 'NaN')), { maxKeys: 2 }),
  },
  { requiredKeys: ['path'] },
);

/** Entries built by the helper can throw on their own (a ustar field that does not fit): skip those inputs. */
function tryBuild(build: () => Buffer): Buffer | null {
  try {
    return build();
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('tarball helper:')) return null;
    throw error;
  }
}

describe('extractTarball on random bytes', () => {
  it('settles with an ExtractError or files on arbitrary bytes, gzip magic or not', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 4096 }),
        fc.constantFrom('raw', 'gzip-magic', 'gzipped', 'zstd-magic'),
        async (bytes, wrap) => {
          const body = Buffer.from(bytes);
          const input =
            wrap === 'gzip-magic' ? Buffer.concat([Buffer.from([0x1f, 0x8b]), body])
            : wrap === 'gzipped' ? gzipSync(body)
            : wrap === 'zstd-magic' ? Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), body])
            : body;
          await expectContract(input);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('extractTarball on hostile entry names and types', () => {
  it('keeps no path outside the package and no link as a file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileEntry, { minLength: 1, maxLength: 6 }), fc.boolean(), async (entries, gzip) => {
        const bytes = tryBuild(() => (gzip ? buildTarball(entries) : buildTar(entries)));
        if (bytes === null) return;
        const outcome = await expectContract(bytes);
        if (!outcome.ok) return;
        // A link, device or directory entry never becomes a file, so there are at most as many
        // files as entries of a regular-file type (a pax header can turn one into another path).
        const regular = entries.filter((entry) => ['file', 'old-file', 'contiguous', undefined].includes(entry.type)).length;
        expect(outcome.result.files.length).toBeLessThanOrEqual(regular);
      }),
      { numRuns: 400 },
    );
  });

  it('refuses every symlink and hardlink, whatever its target', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<TarEntryType>('symlink', 'hardlink'), hostilePath, async (type, linkpath) => {
        const bytes = tryBuild(() =>
          buildTarball([
            { path: 'package/index.js', content: 'module.exports = 1;' },
            { path: 'package/link.js', type, linkpath },
          ]),
        );
        if (bytes === null) return;
        const outcome = await expectContract(bytes);
        if (outcome.ok) expect(outcome.result.files.map((file) => file.path)).toEqual(['index.js']);
      }),
      { numRuns: 150 },
    );
  });
});

describe('extractTarball on mutated valid tarballs', () => {
  const valid = fc.array(
    fc.record({
      path: fc.constantFrom('package/index.js', 'package/package.json', 'package/lib/a.js', 'package/README.md', 'package/bin/cli.js'),
      content: fc.string({ maxLength: 300 }),
    }),
    { minLength: 1, maxLength: 8 },
  );
  const edit = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), byte: fc.integer({ min: 0, max: 255 }) });

  it('settles after byte flips in the tar stream and in the gzip stream, and after truncation', async () => {
    await fc.assert(
      fc.asyncProperty(
        valid,
        fc.array(edit, { minLength: 1, maxLength: 6 }),
        fc.constantFrom('tar', 'gzip', 'truncate-tar', 'truncate-gzip'),
        fc.boolean(),
        async (entries, edits, where, small) => {
          const tar = buildTar(entries);
          let bytes: Buffer;
          if (where === 'truncate-tar') bytes = gzipSync(tar.subarray(0, Math.floor((edits[0]?.at ?? 0) * tar.length)));
          else if (where === 'truncate-gzip') {
            const tgz = gzipSync(tar);
            bytes = tgz.subarray(0, Math.floor((edits[0]?.at ?? 0) * tgz.length));
          } else {
            const target = Buffer.from(where === 'tar' ? tar : gzipSync(tar));
            for (const { at, byte } of edits) target[Math.floor(at * target.length)] = byte;
            bytes = where === 'tar' ? gzipSync(target) : target;
          }
          await expectContract(bytes, small ? SMALL_LIMITS : undefined);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reads an unmutated tarball completely, under any small limits', async () => {
    await fc.assert(
      fc.asyncProperty(valid, fc.boolean(), async (entries, small) => {
        const outcome = await expectContract(buildTarball(entries), small ? SMALL_LIMITS : undefined);
        if (!small) {
          expect(outcome.ok).toBe(true);
          if (outcome.ok) expect(outcome.result.files.map((file) => file.path)).toEqual(entries.map((entry) => entry.path.slice('package/'.length)));
        }
      }),
      { numRuns: 150 },
    );
  });
});
