// A bare acorn parse as the analyzer parses, for the bench's control processes: plain
// JavaScript with node and acorn only, so a baseline carries none of the bench's code.
import { parse } from 'acorn';

/** UTF-8 with replacement and the BOM dropped, as the analyzer decodes a file. */
export function decodeLikeTheAnalyzer(buffer, start = 0, end = buffer.length) {
  const decoded = buffer.toString('utf8', start, end);
  return decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
}

/** Parses as a module, then as a script (a top-level `return`, `with`); false when neither parses. */
export function parseModuleThenScript(source) {
  try {
    parse(source, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true });
    return true;
  } catch {
    try {
      parse(source, { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true, allowReturnOutsideFunction: true });
      return true;
    } catch {
      return false;
    }
  }
}
