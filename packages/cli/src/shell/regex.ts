/**
 * POSIX regular expressions (basic and extended, with GNU's extensions) translated to
 * JavaScript ones, for `grep`.
 *
 * @module
 */

const CLASSES: Readonly<Record<string, string>> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f',
};

/** A pattern grep refuses, with the text it prints after `grep: `. */
export class RegexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegexError';
  }
}

/**
 * The JavaScript source for a POSIX pattern.
 *
 * @param extended - ERE (`grep -E`) rather than BRE.
 * @remarks
 * GNU regex (`gnulib lib/regcomp.c`) as grep 3.8 uses it: in a BRE `\(`, `\)`, `\{`,
 * `\}`, `\|`, `\+`, `\?` are operators and their plain forms literal; in an ERE the
 * reverse. `\<`, `\>`, `\b`, `\w`, `\s` are GNU extensions. A `{` that does not open a
 * valid interval in an ERE is literal. Messages: `Unmatched ( or \(`, `Unmatched ) or
 * \)`, `Unmatched \{`, `Invalid character class name`, `Invalid regular expression`
 * (an unterminated bracket).
 * @throws RegexError for a pattern grep refuses.
 * @example
 * ```ts
 * import { posixRegexSource } from '@netstage/cli';
 * posixRegexSource('a\\(b\\)*', false); // 'a(b)*'
 * posixRegexSource('a|b', false);       // 'a\\|b'
 * ```
 */
export function posixRegexSource(pattern: string, extended: boolean): string {
  let out = '';
  let depth = 0;
  let i = 0;
  /** Whether a `*` here is literal (at the start, after a group opens or an alternation). */
  let atStart = true;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    const wasStart = atStart;
    atStart = false;
    if (c === '\\') {
      const n = pattern[i + 1];
      i += 2;
      if (n === undefined) throw new RegexError('Trailing backslash');
      if (!extended && n === '(') {
        depth++;
        out += '(';
        atStart = true;
      } else if (!extended && n === ')') {
        if (depth === 0) throw new RegexError('Unmatched ) or \\)');
        depth--;
        out += ')';
      } else if (!extended && n === '{') {
        const m = /^([0-9]*)(,([0-9]*))?\\\}/.exec(pattern.slice(i));
        if (m === null) throw new RegexError('Unmatched \\{');
        out += `{${m[1] === '' ? '0' : m[1]}${m[2] ?? ''}}`;
        i += m[0].length;
      } else if (!extended && (n === '|' || n === '+' || n === '?')) {
        out += n;
        atStart = n === '|';
      } else if (n === '<' || n === '>') {
        out += '\\b';
      } else if ('bBwWsS'.includes(n) || /[1-9]/.test(n)) {
        out += `\\${n}`;
      } else {
        out += escapeLiteral(n);
      }
      continue;
    }
    if (c === '[') {
      const [source, next] = bracket(pattern, i);
      out += source;
      i = next;
      continue;
    }
    i++;
    if (c === '*') {
      out += wasStart ? '\\*' : '*';
      continue;
    }
    if (extended) {
      if (c === '(') {
        depth++;
        atStart = true;
        out += '(';
      } else if (c === ')') {
        if (depth === 0) out += '\\)';
        else {
          depth--;
          out += ')';
        }
      } else if (c === '{') {
        const m = /^([0-9]+)(,([0-9]*))?\}/.exec(pattern.slice(i));
        if (m === null || wasStart) out += '\\{';
        else {
          out += `{${m[0]}`;
          i += m[0].length;
        }
      } else if ((c === '+' || c === '?') && wasStart) {
        out += `\\${c}`;
      } else {
        if (c === '|') atStart = true;
        out += c === '}' ? '\\}' : c;
      }
      continue;
    }
    if (c === '^') {
      out += wasStart ? '^' : '\\^';
      atStart = wasStart;
    } else if (c === '$') {
      const end = i === pattern.length || pattern.startsWith('\\)', i) || pattern.startsWith('\\|', i);
      out += end ? '$' : '\\$';
    } else if ('(){}|+?'.includes(c)) {
      out += `\\${c}`;
    } else {
      out += c;
    }
  }
  if (depth > 0) throw new RegexError('Unmatched ( or \\(');
  return out;
}

/** A bracket expression starting at `start` (`[`): its JS source and where it ends. */
function bracket(pattern: string, start: number): [string, number] {
  let i = start + 1;
  let out = '[';
  if (pattern[i] === '^') {
    out += '^';
    i++;
  }
  let first = true;
  for (;;) {
    const c = pattern[i];
    if (c === undefined) throw new RegexError('Invalid regular expression');
    if (c === ']' && !first) return [`${out}]`, i + 1];
    first = false;
    if (c === '[' && pattern[i + 1] === ':') {
      const end = pattern.indexOf(':]', i + 2);
      if (end < 0) throw new RegexError('Invalid regular expression');
      const cls = CLASSES[pattern.slice(i + 2, end)];
      if (cls === undefined) throw new RegexError('Invalid character class name');
      out += cls;
      i = end + 2;
      continue;
    }
    out += c === '\\' || c === '[' || c === ']' || c === '^' ? `\\${c}` : c;
    i++;
  }
}

function escapeLiteral(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}
