/**
 * Validates a SARIF log against the official SARIF 2.1.0 JSON Schema committed in schema/ (origin
 * in schema/sarif-schema-2.1.0.md), with ajv and its formats: `uri-reference` and `uri` are what
 * catch an artifact location code scanning cannot parse.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';

export const SARIF_SCHEMA_PATH = resolve('schema/sarif-schema-2.1.0.json');

// ajv-formats is CommonJS: imported from ESM, the plugin is the `default` of its module.exports.
const addFormats = ajvFormats.default;

// Strict, but for strictRequired: the schema's `anyOf: [{ required: ['index'] }, ...]` names
// properties declared beside the anyOf, not inside it, which draft-07 allows and ajv's strict mode flags.
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA_PATH, 'utf8')) as object);

/** The schema's complaints about `log` (parsed or as text), one line each; empty when valid. */
export function sarifSchemaErrors(log: unknown): string[] {
  const value: unknown = typeof log === 'string' ? JSON.parse(log) : log;
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`);
}
