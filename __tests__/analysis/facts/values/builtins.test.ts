import { describe, expect, it } from 'vitest';
import { decodeSnippet, snippetStrings } from './resolver.js';

// Each row: a snippet whose final expression is evaluated, and the strings it denotes. Where a
// minifier would rename things, the row has a one-letter twin.
describe('whitelisted builtins', () => {
  it.each<[string, string[]]>([
    // literals and containers
    ["const tz = 'Europe/Moscow';", ['Europe/Moscow']],
    ["const tz = `Europe/${'Moscow'}`;", ['Europe/Moscow']],
    ["const p = 'Europe/', tz = `${p}Moscow`;", ['Europe/Moscow']],
    ["var a='Europe/',b=`${a}Moscow`;", ['Europe/Moscow']],
    ["const tz = 'Eur' + 'ope/' + 'Mos' + 'cow';", ['Europe/Moscow']],
    ["const A = 'Eur', B = 'ope/Moscow'; const tz = A + B;", ['Europe/Moscow']],
    ["const L = ['ru', 'by', 'ir'];", ['ru', 'by', 'ir']],
    ["const S = new Set(['ru', 'by', 'ru']);", ['ru', 'by']],
    ["var s=new Set(['ru','by']);", ['ru', 'by']],
    ["const T = { 'Europe/Moscow': 1, 'Asia/Tehran': 1 };", ['Europe/Moscow', 'Asia/Tehran']],
    ["const T = Object.keys({ ru: 1, by: 2 });", ['ru', 'by']],
    ["const T = Object.fromEntries([['ru', 1], ['by', 2]]);", ['ru', 'by']],
    ['const R = /^(Europe\\/Moscow|Asia\\/Tehran)$/;', ['Europe/Moscow', 'Asia/Tehran']],
    ['const R = /^Europe\\/(?:Moscow|Minsk)$/i;', ['Europe/Moscow', 'Europe/Minsk']],
    // string and array methods
    ["const L = 'ru,by,ir'.split(',');", ['ru', 'by', 'ir']],
    ["const L = 'ru|by|ir'.split('|');", ['ru', 'by', 'ir']],
    ["var l='ru|by|ir'.split('|',2);", ['ru', 'by']],
    ["const L = 'ru, by ,ir'.split(/\\s*,\\s*/);", ['ru', 'by', 'ir']],
    ["const L = 'ru;by,ir'.split(/[;,]/);", ['ru', 'by', 'ir']],
    ["const L = ['ir', 'by', 'ru'].reverse();", ['ru', 'by', 'ir']],
    ["const s = ['r', 'u'].join('');", ['ru']],
    ["const L = 'RU,BY'.toLowerCase().split(',');", ['ru', 'by']],
    ["const L = 'ru,by'.toUpperCase().split(',');", ['RU', 'BY']],
    ["const s = '  ru  '.trim();", ['ru']],
    ["const L = ' ru , by '.split(',').map(s => s.trim());", ['ru', 'by']],
    ["var l=' ru , by '.split(',').map(function(a){return a.trim()});", ['ru', 'by']],
    ["const L = 'ru,,by,'.split(',').filter(Boolean);", ['ru', 'by']],
    ["const s = 'xxEurope/Moscowyy'.slice(2, -2);", ['Europe/Moscow']],
    ["const s = 'xxEurope/Moscowyy'.substring(2, 15);", ['Europe/Moscow']],
    ["const s = 'xxEurope/Moscow'.substr(2);", ['Europe/Moscow']],
    ["const s = 'Eur#pe/M#sc#w'.replace(/#/g, 'o');", ['Europe/Moscow']],
    ["const L = 'ru-by'.replace('-', ',').split(',');", ['ru', 'by']],
    ["const L = 'ru-by-ir'.replaceAll('-', ',').split(',');", ['ru', 'by', 'ir']],
    ["const s = 'wocsoM/eporuE'.split('').reverse().join('');", ['Europe/Moscow']],
    ["var a='wocsoM/eporuE'.split('').reverse().join('');", ['Europe/Moscow']],
    ["const s = String.fromCharCode('q'.charCodeAt(0) + 1, 'u'.charCodeAt(0));", ['ru']],
    ["const s = 'r'.concat('u', ',by').split(',');", ['ru', 'by']],
    ["const L = ['ru'].concat(['by'], 'ir');", ['ru', 'by', 'ir']],
    ["const s = Array.from('ru', c => c.toUpperCase()).join('');", ['RU']],
    ["const s = Array.from({ length: 2 }, (_, i) => 'ru'[i]).join('');", ['ru']],
    ["const s = [...'ur'].reverse().join('');", ['ru']],
    ["const s = 'ab'.padStart(4, 'x').repeat(2).at(-1);", ['b']],
    ["const L = ['ru', 'by'].some(x => x === 'by') ? ['yes'] : ['no'];", ['yes']],
    ["const L = ['b', 'a', 'c'].sort();", ['a', 'b', 'c']],
    ["const L = ['ru', 'by', 'kz'].sort((a, b) => a < b ? 1 : -1);", ['ru', 'kz', 'by']],
    ["const L = [['ru'], ['by', ['ir']]].flat(Infinity);", ['ru', 'by', 'ir']],
    ["const L = ['ru', 'by'].flatMap(x => [x, x.toUpperCase()]);", ['ru', 'RU', 'by', 'BY']],
    // char codes
    ['const s = String.fromCharCode(...[114, 117]);', ['ru']],
    ['var a=[114,117],b=String.fromCharCode(...a);', ['ru']],
    ['const s = String.fromCharCode.apply(null, [114, 117]);', ['ru']],
    ['const s = String.fromCharCode.call(null, 114, 117);', ['ru']],
    ['const s = [114, 117].map(c => String.fromCharCode(c)).join(\'\');', ['ru']],
    ['const s = String.fromCodePoint(0x1f600);', ['\u{1f600}']],
    ["const s = [].map.call('ru', c => c.toUpperCase()).join('');", ['RU']],
    ["const s = Array.prototype.map.call('ru', c => c + c).join('');", ['rruu']],
    ["const s = String.prototype.toUpperCase.call('ru');", ['RU']],
    // bytes and base64
    ["const s = Buffer.from('cnUsYnk=', 'base64').toString().split(',');", ['ru', 'by']],
    ["const s = Buffer.from('7275', 'hex').toString('utf8');", ['ru']],
    ["const s = Buffer.from('ru').toString('base64');", ['cnU=']],
    ["const s = Buffer.from('ru', 'utf8').toString('hex');", ['7275']],
    ["const s = Buffer.from('\u00e9', 'latin1').toString('hex');", ['e9']],
    ["const s = Buffer.from([114, 117]).toString();", ['ru']],
    ["const s = Buffer.from('cnU', 'base64url').toString();", ['ru']],
    ["const s = Buffer.concat([Buffer.from('r'), Buffer.from('u')]).toString();", ['ru']],
    ["const s = Buffer.from('ur').reverse().toString();", ['ru']],
    ["const s = Buffer.from('xruy').slice(1, 3).toString();", ['ru']],
    ["const s = Buffer.from('ru').map(b => b ^ 1).map(b => b ^ 1).toString();", ['ru']],
    ["const s = atob('cnU=');", ['ru']],
    ["const s = btoa('ru');", ['cnU=']],
    ["const s = new TextDecoder('utf-8').decode(new TextEncoder().encode('ru'));", ['ru']],
    ["const s = decodeURIComponent('%72%75');", ['ru']],
    ["const s = unescape('%72%75');", ['ru']],
    ["const L = JSON.parse('[\"ru\",\"by\"]');", ['ru', 'by']],
    // numbers
    ['const s = String.fromCharCode(0x70 ^ 2, (0x3a << 1) + 1);', ['ru']],
    ['const s = String.fromCharCode(228 >> 1, 117 & 0xff | 0, 1000 % 256 - 118 + 6);', ['rux']],
    ['const s = String.fromCharCode(57 * 2, 351 / 3);', ['ru']],
    ["const s = (1295).toString(36) + String(parseInt('7a', 16));", ['zz122']],
    ['const s = String(Math.max(1, 2) ** 2 - ~0);', ['5']],
    ["const s = typeof 'x' + typeof 1 + typeof [] + typeof atob;", ['stringnumberobjectfunction']],
    ["const s = ({ ru: 1 }).hasOwnProperty('ru') && 'ru' in { ru: 1 } ? 'yes' : 'no';", ['yes']],
    ["const s = new Map([['k', 'ru']]).get('k');", ['ru']],
    ["const s = new Set(['ru']).has('ru') ? 'ru' : '';", ['ru']],
    ["const s = /^r/.test('ru') ? 'ru' : '';", ['ru']],
    ["const s = null ?? 'ru';", ['ru']],
    ["const s = ({ a: { b: 'ru' } })?.a?.b;", ['ru']],
    ["const s = ({ a: null })?.a?.b ?? 'none';", ['none']],
  ])('%s', (source, expected) => {
    expect(snippetStrings(source)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['Math.random is not whitelisted', 'const x = Math.random();'],
    ['invalid base64 for atob', "const x = atob('*');"],
    ['a malformed URI sequence', "const x = decodeURIComponent('%E0%A4%A');"],
    ['an unknown Buffer encoding', "const x = Buffer.from('x', 'utf7').toString();"],
    ['a replacement pattern with $', "const x = 'ab'.replace('a', '$&$&');"],
    ['a quantified regex on a long input', `const x = '${'a'.repeat(6_000)}'.split(/a+/);`],
    ['an invalid code point', 'const x = String.fromCodePoint(-1);'],
    ['a regex test with the global flag', "const x = /a/g.test('a');"],
    ['String.raw', 'const x = String.raw`a`;'],
    ['a Function from a method', "const x = 'a'.constructor('return 1')();"],
    ['JSON.parse with a reviver', "const x = JSON.parse('1', (k, v) => v);"],
    ['padding past the string limit', "const x = 'a'.padStart(2 ** 21);"],
    ['split into more items than the array limit', "const x = 'ab'.repeat(60000).split('');"],
  ])('%s -> null', (_name, source) => {
    expect(decodeSnippet(source)).toBeNull();
  });

  it('mutates arrays and byte arrays in place, as JS does', () => {
    expect(
      snippetStrings(`function f() { const a = ['by']; const b = a; b.push('ru'); b.reverse(); a[2] = 'ir'; return a; } const x = f();`),
    ).toEqual(['ru', 'by', 'ir']);
    expect(
      snippetStrings(`function f() { const b = Buffer.from('xu'); b[0] = 0x72; b[9] = 1; return b.toString(); } const x = f();`),
    ).toEqual(['ru']);
  });
});
