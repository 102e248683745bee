/**
 * The baseline: a bare acorn parse with the analyzer's options, including its retry as a script
 * (CommonJS files with a top-level `return`, `with`, legacy octal), and nothing else.
 */
import { parse, type Options } from 'acorn';
import { decodeSource } from '../src/analysis/parse.js';

const MODULE_OPTIONS: Options = { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true };
const SCRIPT_OPTIONS: Options = {
  ecmaVersion: 'latest',
  sourceType: 'script',
  allowHashBang: true,
  allowReturnOutsideFunction: true,
};

/**
 * Decodes like the analyzer (UTF-8, BOM dropped) and parses. Returns false when neither goal
 * parses (the analyzer records such a file as a problem).
 */
export function bareParse(content: Uint8Array, locations: boolean): boolean {
  const source = decodeSource(content);
  try {
    parse(source, { ...MODULE_OPTIONS, locations });
    return true;
  } catch {
    try {
      parse(source, { ...SCRIPT_OPTIONS, locations });
      return true;
    } catch {
      return false;
    }
  }
}
