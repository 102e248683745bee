// The esbuild settings that work for this project's node bundles (dist/ and the bench harness).
// ESM needs `mainFields: ['module', 'main']` (jsonc-parser's UMD build breaks otherwise), and a
// banner: pacote's run-script reads __dirname and some dependencies call require(), and an ESM
// bundle has neither. The import is renamed because esbuild emits its own `createRequire` binding.
export const NODE_BANNER = [
  "import { createRequire as __fgCreateRequire } from 'node:module';",
  "import { fileURLToPath as __fgFileURLToPath } from 'node:url';",
  "import { dirname as __fgDirname } from 'node:path';",
  'const require = __fgCreateRequire(import.meta.url);',
  'const __filename = __fgFileURLToPath(import.meta.url);',
  'const __dirname = __fgDirname(__filename);',
].join('\n');

export const NODE_BUNDLE_OPTIONS = Object.freeze({
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  mainFields: ['module', 'main'],
  banner: { js: NODE_BANNER },
  legalComments: 'none',
  logLevel: 'warning',
});
