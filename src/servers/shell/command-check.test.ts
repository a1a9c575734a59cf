import { describe, expect, it } from 'vitest';
import { analyzeCommand } from './command-check.js';

const options = { cwd: '/work/root', roots: ['/work/root'] };
const words = async (source: string) => {
  const analysis = await analyzeCommand(source, options);
  if (!analysis.ok) throw new Error(analysis.reason);
  return analysis.commands.map((c) => c.words.map((w) => w.value ?? '?'));
};
const reason = async (source: string) => {
  const analysis = await analyzeCommand(source, options);
  return analysis.ok ? 'accepted' : analysis.reason;
};

describe('a command line → its simple commands', () => {
  it('removes quotes and backslashes as bash does', async () => {
    expect(await words(`m'o'unt "a b" c\\ d "\\$x" mo\\unt`)).toEqual([['mount', 'a b', 'c d', '$x', 'mount']]);
    expect(await words('echo a\\\nb')).toEqual([['echo', 'ab']]);
  });

  it('finds every command: lists, pipes, groups, conditions, loops, substitutions, here-documents', async () => {
    const found = await words('a && b || c | d |& e; f\ng; (h); { i; }; if j; then k; elif l; then m; else n; fi; while o; do p; done; for x in $(q); do r; done; s "$(t)" `u` <(v); w <<EOF\n$(y)\nEOF');
    expect(found.map((w) => w[0]).sort()).toEqual('a b c d e f g h i j k l m n o p q r s t u v w y'.split(' '));
  });

  it('marks run-time words: variables, substitutions, globs, braces, a leading ~', async () => {
    expect(await words('ls $HOME ${x} $(pwd) *.ts a{b,c} ~/x "~" \'*\'')).toEqual([['pwd'], ['ls', '?', '?', '?', '?', '?', '?', '~', '*']]);
  });

  it('refuses a computed command name', async () => {
    for (const source of ['$(mount)', '`mount`', '$cmd x', '/bin/mou*t', '~/bin/x', '"$(echo mount)"']) {
      expect(await reason(source), source).toMatch(/command name .* is computed/);
    }
  });

  it('refuses what it does not walk, by name', async () => {
    const cases: Record<string, RegExp> = {
      'f() { :; }': /function definitions/,
      'case x in x) y;; esac': /`case`/,
      '(( x = 1 ))': /arithmetic/,
      'echo $((1+2))': /arithmetic/,
      '[[ -f x ]]': /`\[\[ … \]\]`/,
      'export X=1': /`declare`/,
      'X=1': /sets variables/,
      'echo @(a|b)': /extended globs/,
      'sleep 1 &': /background/,
      'coproc x': /coproc/,
      "echo $'\\x41'": /ANSI-C/,
      'echo ${x/a/b}': /parameter expansion/,
      'for ((i=0;i<3;i++)); do x; done': /C-style/,
      '> file': /no command/,
      '': /empty/,
      'echo "a': /parser cannot read it/,
      'a\0b': /NUL/,
    };
    for (const [source, expected] of Object.entries(cases)) expect(await reason(source), source).toMatch(expected);
  });

  it('lets a redirection write only inside a root (or /dev/null), and walks its target', async () => {
    expect(await reason('echo x > out.txt 2>&1 >> sub/log 2> /dev/null < /etc/hostname')).toBe('accepted');
    expect(await reason('echo x > ../out.txt')).toMatch(/writes outside the roots/);
    expect(await reason('echo x &> /etc/x')).toMatch(/writes outside the roots/);
    expect(await reason('echo x > $F')).toMatch(/is computed/);
    expect(await words('cat < <(mount)')).toEqual([['mount'], ['cat']]);
  });
});
