/**
 * The grammar of the netstage shell, a small subset of bash: words with quotes, escapes
 * and `$` expansions; simple commands with assignments and redirections; pipelines;
 * `&&`/`||` lists; `;`, `&` and newlines; `#` comments. The parser reads one complete
 * command (a line, or more when a line ends in `&&`, `||` or `|`) at a time, as bash
 * does, so a syntax error on line 5 stops a script only after lines 1–4 ran.
 *
 * Not supported (a `(` or `)` is a syntax error): subshells, command substitution,
 * compound commands (`if`, `for`, `while`, `{ }`), functions, globbing, tilde and
 * parameter operators such as `${x:-y}` (a bad substitution at run time).
 *
 * @module
 */

/** A piece of a word: literal text, or a `$` expansion; `quoted` when inside quotes. */
export type WordPart =
  | { readonly kind: 'text'; readonly text: string; readonly quoted: boolean }
  | { readonly kind: 'param'; readonly name: string; readonly quoted: boolean }
  | { readonly kind: 'bad'; readonly text: string; readonly quoted: boolean };

/** A word as written: its parts, expanded at run time. */
export interface Word {
  readonly parts: readonly WordPart[];
}

/** A redirection: `[fd]>`, `>>`, `<`, `>&`, `<&`, or `&>` (both streams), and its target. */
export interface Redirect {
  /** The descriptor redirected (1 for `>`, 0 for `<`, unless a number was written). */
  readonly fd: number;
  /** Whether the number was written (`2>&x` is then an ambiguous redirect). */
  readonly explicitFd: boolean;
  /** The operator. */
  readonly op: '>' | '>>' | '<' | '>&' | '<&' | '&>' | '&>>';
  /** The target word (a file name, or a descriptor number for `>&`/`<&`). */
  readonly target: Word;
}

/** `NAME=value`. */
export interface Assignment {
  /** The variable name. */
  readonly name: string;
  /** The value as written. */
  readonly value: Word;
}

/** A simple command: assignments, words and redirections, and the line it starts on. */
export interface SimpleCommand {
  /** Assignments before the command name. */
  readonly assignments: readonly Assignment[];
  /** The command name and arguments. */
  readonly words: readonly Word[];
  /** Redirections, in the order written. */
  readonly redirects: readonly Redirect[];
  /** The line number of its first token (1-based). */
  readonly line: number;
}

/** `a | b | c`. */
export interface Pipeline {
  /** The stages. */
  readonly commands: readonly SimpleCommand[];
}

/** `p1 && p2 || p3`, run in the background when it ended with `&`. */
export interface AndOr {
  /** The first pipeline. */
  readonly first: Pipeline;
  /** The rest, each with the operator before it. */
  readonly rest: readonly { readonly op: '&&' | '||'; readonly pipeline: Pipeline }[];
  /** Whether it ended with `&`. */
  readonly background: boolean;
}

/** What one read of the parser yields: the lists of one line, and their source text. */
export interface CompleteCommand {
  /** The and-or lists, in order. */
  readonly lists: readonly AndOr[];
  /** The source text it was parsed from (its lines, without the final newline). */
  readonly text: string;
  /** The line it starts on. */
  readonly line: number;
}

/**
 * A syntax error, with the text bash prints after its `NAME: line N: ` prefix; for an
 * unexpected token, `context` is the offending line, which bash prints on a second line.
 */
export class ShellSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly context: string | undefined,
  ) {
    super(message);
    this.name = 'ShellSyntaxError';
  }
}

type Token =
  | { readonly kind: 'word'; readonly word: Word; readonly line: number }
  | { readonly kind: 'io'; readonly fd: number; readonly line: number }
  | { readonly kind: 'op'; readonly op: string; readonly line: number }
  | { readonly kind: 'newline'; readonly line: number }
  | { readonly kind: 'eof'; readonly line: number };

const OPERATORS = ['&&', '||', ';;', '&>>', '&>', '>>', '>&', '<&', '>|', '|', '&', ';', '<', '>', '(', ')'];
const REDIRECTS = new Set(['>', '>>', '<', '>&', '<&', '>|', '&>', '&>>']);
const META = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/**
 * Reads a script one complete command at a time.
 *
 * @remarks
 * bash `parse.y` (`read_token`, `parse_matched_pair`, the `simple_list` rule) and its
 * messages: ``syntax error near unexpected token `X'`` with the line quoted after it,
 * `syntax error: unexpected end of file`, ``unexpected EOF while looking for matching
 * `"'`` (reported at the line where the quote opened).
 * @example
 * ```ts
 * import { ShellParser } from '@netstage/cli';
 * const p = new ShellParser('echo hi | wc -c && echo ok\n');
 * p.next()?.lists[0]?.first.commands.length; // 2
 * p.next(); // undefined: end of script
 * ```
 */
export class ShellParser {
  readonly #src: string;
  readonly #lines: readonly string[];
  #pos = 0;
  #line = 1;
  #peeked: Token | undefined;

  /** A parser over a whole script. */
  constructor(source: string) {
    this.#src = source;
    this.#lines = source.split('\n');
  }

  /**
   * The next complete command, or `undefined` at the end of the script.
   *
   * @throws ShellSyntaxError at a syntax error (the parser should not be used after).
   */
  next(): CompleteCommand | undefined {
    for (;;) {
      const t = this.#peek();
      if (t.kind === 'eof') return undefined;
      if (t.kind !== 'newline') break;
      this.#take();
    }
    const line = this.#peek().line;
    let end: number | undefined;
    const lists: AndOr[] = [];
    for (;;) {
      const andOr = this.#andOr();
      let background = false;
      const t = this.#peek();
      if (t.kind === 'op' && (t.op === ';' || t.op === '&')) {
        this.#take();
        background = t.op === '&';
      }
      lists.push({ ...andOr, background });
      const after = this.#peek();
      if (after.kind === 'newline' || after.kind === 'eof') {
        if (after.kind === 'newline') this.#take();
        end = after.line;
        break;
      }
      if (t.kind !== 'op' || (t.op !== ';' && t.op !== '&')) this.#unexpected(after);
    }
    return { lists, text: this.#lines.slice(line - 1, end ?? line).join('\n'), line };
  }

  #andOr(): Omit<AndOr, 'background'> {
    const first = this.#pipeline();
    const rest: { op: '&&' | '||'; pipeline: Pipeline }[] = [];
    for (;;) {
      const t = this.#peek();
      if (t.kind !== 'op' || (t.op !== '&&' && t.op !== '||')) break;
      this.#take();
      this.#linebreak();
      rest.push({ op: t.op, pipeline: this.#pipeline() });
    }
    return { first, rest };
  }

  #pipeline(): Pipeline {
    const commands = [this.#command()];
    for (;;) {
      const t = this.#peek();
      if (t.kind !== 'op' || t.op !== '|') break;
      this.#take();
      this.#linebreak();
      commands.push(this.#command());
    }
    return { commands };
  }

  /** Newlines after `&&`, `||` or `|` continue the command. */
  #linebreak(): void {
    while (this.#peek().kind === 'newline') this.#take();
  }

  #command(): SimpleCommand {
    const assignments: Assignment[] = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    const line = this.#peek().line;
    for (;;) {
      const t = this.#peek();
      if (t.kind === 'word') {
        this.#take();
        const a = words.length === 0 ? assignment(t.word) : undefined;
        if (a !== undefined) assignments.push(a);
        else words.push(t.word);
        continue;
      }
      if (t.kind === 'io' || (t.kind === 'op' && REDIRECTS.has(t.op))) {
        redirects.push(this.#redirect());
        continue;
      }
      break;
    }
    if (assignments.length + words.length + redirects.length === 0) this.#unexpected(this.#peek());
    return { assignments, words, redirects, line };
  }

  #redirect(): Redirect {
    let t = this.#take();
    let fd: number | undefined;
    if (t.kind === 'io') {
      fd = t.fd;
      t = this.#take();
    }
    if (t.kind !== 'op') throw new Error('unreachable: a descriptor number is always followed by an operator');
    const target = this.#take();
    if (target.kind !== 'word') this.#unexpected(target);
    const op = t.op === '>|' ? '>' : (t.op as Redirect['op']);
    const input = op === '<' || op === '<&';
    return { fd: fd ?? (input ? 0 : 1), explicitFd: fd !== undefined, op, target: target.word };
  }

  #unexpected(t: Token): never {
    if (t.kind === 'eof') throw new ShellSyntaxError('syntax error: unexpected end of file', t.line, undefined);
    const text = t.kind === 'newline' ? 'newline' : t.kind === 'op' ? t.op : t.kind === 'io' ? String(t.fd) : 'word';
    throw new ShellSyntaxError(`syntax error near unexpected token \`${text}'`, t.line, this.#lines[t.line - 1] ?? '');
  }

  #peek(): Token {
    this.#peeked ??= this.#lex();
    return this.#peeked;
  }

  #take(): Token {
    const t = this.#peek();
    this.#peeked = undefined;
    return t;
  }

  /** The next token from the source. */
  #lex(): Token {
    const s = this.#src;
    for (;;) {
      const c = s[this.#pos];
      if (c === ' ' || c === '\t') this.#pos++;
      else if (c === '\\' && s[this.#pos + 1] === '\n') {
        this.#pos += 2;
        this.#line++;
      } else if (c === '#') {
        while (this.#pos < s.length && s[this.#pos] !== '\n') this.#pos++;
      } else break;
    }
    const line = this.#line;
    if (this.#pos >= s.length) return { kind: 'eof', line };
    const c = s[this.#pos] as string;
    if (c === '\n') {
      this.#pos++;
      this.#line++;
      return { kind: 'newline', line };
    }
    const digits = /^[0-9]+(?=[<>])/.exec(s.slice(this.#pos, this.#pos + 12));
    if (digits !== null) {
      this.#pos += digits[0].length;
      return { kind: 'io', fd: Number(digits[0]), line };
    }
    for (const op of OPERATORS) {
      if (s.startsWith(op, this.#pos)) {
        this.#pos += op.length;
        return { kind: 'op', op, line };
      }
    }
    return { kind: 'word', word: this.#word(), line };
  }

  #word(): Word {
    const s = this.#src;
    const parts: WordPart[] = [];
    const text = (t: string, quoted: boolean): void => {
      const last = parts[parts.length - 1];
      if (last !== undefined && last.kind === 'text' && last.quoted === quoted) parts[parts.length - 1] = { kind: 'text', text: last.text + t, quoted };
      else parts.push({ kind: 'text', text: t, quoted });
    };
    while (this.#pos < s.length) {
      const c = s[this.#pos] as string;
      if (META.has(c)) break;
      if (c === "'") {
        const startLine = this.#line;
        const end = s.indexOf("'", this.#pos + 1);
        if (end < 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `''", startLine, undefined);
        const t = s.slice(this.#pos + 1, end);
        this.#line += t.split('\n').length - 1;
        text(t, true);
        this.#pos = end + 1;
      } else if (c === '"') {
        this.#doubleQuoted(parts, text);
      } else if (c === '\\') {
        const n = s[this.#pos + 1];
        if (n === '\n') {
          this.#pos += 2;
          this.#line++;
        } else if (n === undefined) {
          text('\\', false);
          this.#pos++;
        } else {
          text(n, true);
          this.#pos += 2;
        }
      } else if (c === '$') {
        this.#dollar(parts, text, false);
      } else {
        text(c, false);
        this.#pos++;
      }
    }
    return { parts };
  }

  #doubleQuoted(parts: WordPart[], text: (t: string, quoted: boolean) => void): void {
    const s = this.#src;
    const startLine = this.#line;
    this.#pos++;
    text('', true);
    for (;;) {
      const c = s[this.#pos];
      if (c === undefined) throw new ShellSyntaxError('unexpected EOF while looking for matching `"\'', startLine, undefined);
      if (c === '"') {
        this.#pos++;
        return;
      }
      if (c === '\\') {
        const n = s[this.#pos + 1];
        if (n === '\n') {
          this.#pos += 2;
          this.#line++;
          continue;
        }
        if (n === '$' || n === '`' || n === '"' || n === '\\') {
          text(n, true);
          this.#pos += 2;
          continue;
        }
        text('\\', true);
        this.#pos++;
        continue;
      }
      if (c === '$') {
        this.#dollar(parts, text, true);
        continue;
      }
      if (c === '\n') this.#line++;
      text(c, true);
      this.#pos++;
    }
  }

  #dollar(parts: WordPart[], text: (t: string, quoted: boolean) => void, quoted: boolean): void {
    const s = this.#src;
    const rest = s.slice(this.#pos + 1);
    const n = rest[0];
    if (n === '{') {
      const end = s.indexOf('}', this.#pos + 2);
      if (end < 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `}'", this.#line, undefined);
      const inner = s.slice(this.#pos + 2, end);
      const whole = s.slice(this.#pos, end + 1);
      this.#line += whole.split('\n').length - 1;
      this.#pos = end + 1;
      if (NAME.exec(inner)?.[0] === inner || /^([0-9]|[?$!#@*-])$/.test(inner)) parts.push({ kind: 'param', name: inner, quoted });
      else parts.push({ kind: 'bad', text: whole, quoted });
      return;
    }
    const name = NAME.exec(rest)?.[0];
    if (name !== undefined) {
      parts.push({ kind: 'param', name, quoted });
      this.#pos += 1 + name.length;
      return;
    }
    if (n !== undefined && /[0-9?$!#@*-]/.test(n)) {
      parts.push({ kind: 'param', name: n, quoted });
      this.#pos += 2;
      return;
    }
    text('$', quoted);
    this.#pos++;
  }
}

/** The assignment a word is, when it is `NAME=...` with the name unquoted. */
function assignment(word: Word): Assignment | undefined {
  const first = word.parts[0];
  if (first === undefined || first.kind !== 'text' || first.quoted) return undefined;
  const m = ASSIGNMENT.exec(first.text);
  if (m === null) return undefined;
  const name = m[1] as string;
  const rest = first.text.slice(m[0].length);
  const parts: WordPart[] = rest === '' ? [] : [{ kind: 'text', text: rest, quoted: false }];
  return { name, value: { parts: [...parts, ...word.parts.slice(1)] } };
}
