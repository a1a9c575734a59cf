/**
 * A command line → the simple commands it would run, or a refusal. Parsed as Bash by mvdan/sh
 * (the `mvdan-sh` build exposes the full syntax tree), and cross-checked by the newer mvdan/sh in
 * `sh-syntax` (WASM): both must parse it and agree on where each statement starts and ends.
 *
 * The walker knows a small set of node types — simple commands, `&&` `||` `|` `|&` `;` and
 * newlines, `( … )`, `{ …; }`, `if`, `while`/`until`, `for … in`, quotes, `$VAR`, `$(…)`,
 * backticks, `<(…)`, redirections, here-documents — and walks into every one of them, so a
 * command inside `$(…)` or a here-document is judged like any other. Anything else (functions,
 * `case`, arithmetic, `[[ … ]]`, `declare`, `$'…'`, extended globs, `&`, `coproc`, assignments) is
 * refused rather than guessed. A command name must be written out: quotes are removed as the
 * shell does (`m'o'unt` is `mount`), but a name computed by `$…`, `$(…)` or a glob is refused.
 */
import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseWasm } from 'sh-syntax';
import type { CommandWord } from '../../policy/rules/command-rule.js';
import { isUnder } from '../../sandbox/mount-plan.js';

export interface SimpleCommand {
  words: CommandWord[];
  /** The command as written (for messages). */
  source: string;
}

export type CommandAnalysis = { ok: true; commands: SimpleCommand[] } | { ok: false; reason: string };

export interface AnalyzeOptions {
  /** Where relative redirection targets are (the command's cwd). */
  cwd: string;
  /** A file written by a redirection must be inside one of these (real paths). */
  roots: readonly string[];
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the GopherJS tree has no types */
type ShNode = any;
interface MvdanSh {
  syntax: { NewParser(...options: unknown[]): { Parse(src: string, name: string): ShNode }; Variant(v: unknown): unknown; LangBash: unknown; NodeType(node: ShNode): string };
}
const mvdan = createRequire(import.meta.url)('mvdan-sh') as MvdanSh;
const { syntax } = mvdan;

const UNSUPPORTED: Record<string, string> = {
  FuncDecl: 'function definitions',
  CaseClause: '`case`',
  ArithmCmd: 'arithmetic `(( … ))`',
  ArithmExp: 'arithmetic `$(( … ))`',
  TestClause: '`[[ … ]]`',
  DeclClause: '`declare`/`export`/`local`/`readonly`',
  LetClause: '`let`',
  TimeClause: '`time`',
  CoprocClause: '`coproc`',
  ExtGlob: 'extended globs',
  BraceExp: 'brace expansion',
  CStyleLoop: 'C-style `for ((…))` loops',
  TestDecl: '`@test`',
};
const WRITE_OPS = new Set(['>', '>>', '>|', '&>', '&>>', '<>']);

class Refusal extends Error {}

function refuse(message: string): never {
  throw new Refusal(message);
}

export async function analyzeCommand(source: string, options: AnalyzeOptions): Promise<CommandAnalysis> {
  if (source.includes('\0')) return { ok: false, reason: 'the command contains a NUL byte' };
  if (source.trim() === '') return { ok: false, reason: 'the command is empty' };
  let file: ShNode;
  try {
    file = syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(source, 'command');
  } catch (error) {
    return { ok: false, reason: `the shell parser cannot read it: ${messageOf(error)}` };
  }
  const bytes = Buffer.from(source, 'utf8');
  try {
    const wasm = await parseWasm(source);
    const ours = (file.Stmts as ShNode[]).map((s) => [s.Pos().Offset(), s.End().Offset()].join('-'));
    const theirs = wasm.Stmts.map((s) => [s.Pos.Offset, s.End.Offset].join('-'));
    if (ours.join(' ') !== theirs.join(' ')) return { ok: false, reason: 'two versions of the shell parser read it differently, so it is not run' };
  } catch (error) {
    return { ok: false, reason: `the shell parser cannot read it: ${messageOf(error)}` };
  }
  const walker = new Walker(bytes, options);
  try {
    for (const stmt of file.Stmts as ShNode[]) walker.stmt(stmt);
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, reason: error.message };
    return { ok: false, reason: `the command could not be checked (${messageOf(error)}), so it is not run` };
  }
  if (walker.commands.length === 0) return { ok: false, reason: 'the command runs nothing' };
  return { ok: true, commands: walker.commands };
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof (error as { Error?: () => string }).Error === 'function') return (error as { Error: () => string }).Error();
  return String((error as { Text?: string })?.Text ?? error);
}

class Walker {
  readonly commands: SimpleCommand[] = [];
  constructor(
    private readonly bytes: Buffer,
    private readonly options: AnalyzeOptions,
  ) {}

  private text(node: ShNode): string {
    return this.bytes.subarray(node.Pos().Offset(), node.End().Offset()).toString('utf8');
  }

  stmt(stmt: ShNode): void {
    if (stmt.Background) refuse(`\`${this.text(stmt)}\` runs in the background (&): use start_process for a long-running command`);
    if (stmt.Coprocess) refuse('`coproc` is not accepted');
    for (const redirect of stmt.Redirs as ShNode[]) this.redirect(redirect);
    if (!stmt.Cmd) refuse(`\`${this.text(stmt)}\` has redirections but no command`);
    this.command(stmt.Cmd);
  }

  private stmts(list: ShNode[] | null | undefined): void {
    for (const s of list ?? []) this.stmt(s);
  }

  private command(node: ShNode): void {
    const type = syntax.NodeType(node);
    switch (type) {
      case 'CallExpr': {
        if (node.Assigns.length > 0) refuse(`\`${this.text(node)}\` sets variables (${node.Assigns.map((a: ShNode) => this.text(a)).join(' ')}); they could change what the command does, so they are not accepted`);
        if (node.Args.length === 0) refuse(`\`${this.text(node)}\` runs no command`);
        const words = (node.Args as ShNode[]).map((w) => this.word(w));
        const name = words[0]!;
        if (name.value === undefined) refuse(`the command name in \`${this.text(node)}\` is computed (by $…, $(…), a glob or ~), so it cannot be checked: write the command out`);
        this.commands.push({ words, source: this.text(node) });
        return;
      }
      case 'BinaryCmd':
        this.stmt(node.X);
        this.stmt(node.Y);
        return;
      case 'Subshell':
      case 'Block':
        this.stmts(node.Stmts);
        return;
      case 'IfClause':
        for (let clause = node; clause; clause = clause.Else) {
          this.stmts(clause.Cond);
          this.stmts(clause.Then);
        }
        return;
      case 'WhileClause':
        this.stmts(node.Cond);
        this.stmts(node.Do);
        return;
      case 'ForClause': {
        if (node.Select) refuse('`select` is not accepted');
        const loop = node.Loop;
        if (syntax.NodeType(loop) !== 'WordIter') refuse(`${UNSUPPORTED[syntax.NodeType(loop)] ?? syntax.NodeType(loop)} are not accepted`);
        for (const item of loop.Items as ShNode[]) this.word(item);
        this.stmts(node.Do);
        return;
      }
      default:
        refuse(`${UNSUPPORTED[type] ?? type} in \`${this.text(node)}\` ${UNSUPPORTED[type] ? 'are' : 'is'} not accepted: the server only runs what it can check`);
    }
  }

  /** A word's value after quote removal, or undefined when it is only known at run time. */
  private word(word: ShNode): CommandWord {
    let value: string | undefined = '';
    const parts = word.Parts as ShNode[];
    parts.forEach((part, index) => {
      const piece = this.part(part, false, index === 0);
      value = value === undefined || piece === undefined ? undefined : value + piece;
    });
    return value === undefined ? {} : { value };
  }

  private part(part: ShNode, quoted: boolean, first: boolean): string | undefined {
    const type = syntax.NodeType(part);
    switch (type) {
      case 'Lit':
        return quoted ? unescapeDouble(part.Value) : unescapeBare(part.Value, first);
      case 'SglQuoted':
        if (part.Dollar) refuse(`ANSI-C quoting (${this.text(part)}) is not accepted: write the characters out`);
        return part.Value;
      case 'DblQuoted': {
        if (part.Dollar) refuse(`locale quoting ($"…") is not accepted`);
        let value: string | undefined = '';
        for (const inner of part.Parts as ShNode[]) {
          const piece = this.part(inner, true, false);
          value = value === undefined || piece === undefined ? undefined : value + piece;
        }
        return value;
      }
      case 'ParamExp':
        if (part.Exp || part.Repl || part.Index || part.Slice || part.Excl || part.Names) refuse(`the parameter expansion ${this.text(part)} is not accepted: only $NAME and \${NAME} are`);
        return undefined;
      case 'CmdSubst':
      case 'ProcSubst':
        this.stmts(part.Stmts);
        return undefined;
      default:
        refuse(`${UNSUPPORTED[type] ?? type} (${this.text(part)}) ${UNSUPPORTED[type] ? 'are' : 'is'} not accepted: the server only runs what it can check`);
    }
  }

  private redirect(redirect: ShNode): void {
    const op = /^(&>>|&>|>>|>\||>&|<&|<<<|<<-|<<|<>|>|<)/.exec(this.bytes.subarray(redirect.OpPos.Offset()).toString('utf8'))?.[1];
    if (!op) refuse(`the redirection in \`${this.text(redirect)}\` is not understood`);
    if (redirect.Hdoc) for (const part of redirect.Hdoc.Parts as ShNode[]) this.part(part, true, false);
    const target = this.word(redirect.Word);
    const fdDup = (op === '>&' || op === '<&') && target.value !== undefined && /^(\d+-?|-)$/.test(target.value);
    if (fdDup || op === '<<' || op === '<<-' || op === '<<<' || op === '<' || op === '<&') return;
    if (WRITE_OPS.has(op) || op === '>&') {
      if (target.value === undefined) refuse(`the file written by \`${this.text(redirect)}\` is computed, so it cannot be checked`);
      if (target.value === '/dev/null' || target.value === '/dev/stdout' || target.value === '/dev/stderr') return;
      const path = isAbsolute(target.value) ? target.value : resolve(this.options.cwd, target.value);
      if (!this.options.roots.some((root) => isUnder(resolve(path), root))) refuse(`\`${this.text(redirect)}\` writes outside the roots (${this.options.roots.join(', ')})`);
    }
  }
}

/** Unquoted text: backslash escapes removed; globs, braces and a leading ~ make it a run-time value. */
function unescapeBare(raw: string, first: boolean): string | undefined {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\') {
      if (raw[i + 1] === '\n') i++;
      else out += raw[++i] ?? '';
      continue;
    }
    if (c === '*' || c === '?' || c === '[') return undefined;
    if (c === '{' && /[,]|\.\./.test(raw.slice(i))) return undefined;
    if (c === '~' && first && i === 0) return undefined;
    out += c;
  }
  return out;
}

/** Inside "…": a backslash escapes only $ ` " \ and newline. */
function unescapeDouble(raw: string): string {
  return raw.replace(/\\([$`"\\\n])/g, (_m, c: string) => (c === '\n' ? '' : c));
}
