/**
 * Narrowing for lockfile entries parsed from untrusted text. Lookups go through `Object.hasOwn`
 * so a key such as `constructor` or `__proto__` in a hostile lockfile is read as data, never as
 * something inherited from `Object.prototype`.
 */

export type UnknownRecord = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function ownField(record: UnknownRecord, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The field when it is a non-empty string, otherwise null. */
export function stringField(record: UnknownRecord, key: string): string | null {
  const value = ownField(record, key);
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Only a literal `true` counts: lockfiles write flags as booleans, anything else is noise. */
export function trueField(record: UnknownRecord, key: string): boolean {
  return ownField(record, key) === true;
}

/** The field when it is an object (not an array), otherwise null. */
export function recordField(record: UnknownRecord, key: string): UnknownRecord | null {
  const value = ownField(record, key);
  return isRecord(value) ? value : null;
}
