import { describe, expect, it } from 'vitest';
import { decideCommand, parseCommandRule, type CommandRule, type CommandRuleSet, type CommandWord } from './command-rule.js';

const rule = (text: string): CommandRule => {
  const parsed = parseCommandRule(text, 'test');
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.rule;
};
const words = (...values: Array<string | undefined>): CommandWord[] => values.map((value) => (value === undefined ? {} : { value }));
const set = (allow: string[], deny: string[] = []): CommandRuleSet => ({ allow: allow.map(rule), deny: deny.map(rule), problems: [] });

describe('Bash(…) command rules', () => {
  it('reads exact rules, `:*` and ` *` prefixes and the any-command forms', () => {
    expect(rule('Bash(npm test)')).toMatchObject({ words: ['npm', 'test'], prefix: false, any: false });
    expect(rule('Bash(npm run test:*)')).toMatchObject({ words: ['npm', 'run', 'test'], prefix: true });
    expect(rule('Bash(git log *)')).toMatchObject({ words: ['git', 'log'], prefix: true });
    expect(rule('Bash')).toMatchObject({ any: true });
    expect(rule('Bash(*)')).toMatchObject({ any: true });
    expect(parseCommandRule('Bash(rm -rf $(pwd))', 'x')).toMatchObject({ ok: false });
    expect(parseCommandRule('Bash(npm te*t)', 'x')).toMatchObject({ ok: false });
    expect(parseCommandRule('Read(~/x)', 'x')).toMatchObject({ ok: false });
  });

  it('an exact rule allows exactly its words; a prefix rule allows more words after them', () => {
    const rules = set(['Bash(npm test)', 'Bash(npm run test:*)']);
    expect(decideCommand(rules, words('npm', 'test')).allowed).toBe(true);
    expect(decideCommand(rules, words('npm', 'test', '--', '-u')).allowed).toBe(false);
    expect(decideCommand(rules, words('npm', 'run', 'test')).allowed).toBe(true);
    expect(decideCommand(rules, words('npm', 'run', 'test', 'unit', undefined)).allowed).toBe(true);
    expect(decideCommand(rules, words('npm', 'run', 'testx')).allowed).toBe(false);
    // A word the rule names must be written out, and the program named as in the rule.
    expect(decideCommand(rules, words('npm', undefined)).allowed).toBe(false);
    expect(decideCommand(rules, words('./npm', 'test')).allowed).toBe(false);
  });

  it('deny wins, matches by base name, through wrappers and whatever a computed word turns out to be', () => {
    const rules = set(['Bash(*)', 'Bash(env:*)'], ['Bash(mount:*)', 'Bash(git push:*)']);
    expect(decideCommand(rules, words('ls', '-la')).allowed).toBe(true);
    for (const denied of [words('mount'), words('/bin/mount', '-t', 'tmpfs'), words('env', 'X=1', 'mount'), words('git', undefined, 'origin'), words('git', 'push')]) {
      const decision = decideCommand(rules, denied);
      expect(decision.allowed, JSON.stringify(denied)).toBe(false);
    }
    expect(decideCommand(rules, words('git', 'pull')).allowed).toBe(true);
  });

  it('Bash(*) does not reach through commands that run other commands', () => {
    const rules = set(['Bash(*)']);
    for (const wrapper of ['env', 'bash', 'sh', 'xargs', 'eval', 'sudo', 'timeout']) {
      const decision = decideCommand(rules, words(wrapper, 'mount'));
      expect(decision).toMatchObject({ allowed: false, reason: expect.stringContaining('runs other commands') });
    }
    expect(decideCommand(set(['Bash(bash)']), words('bash')).allowed).toBe(true);
  });

  it('a broken configuration refuses everything with its reason', () => {
    expect(decideCommand({ ...set(['Bash(*)']), fatal: 'config.json is not valid JSON' }, words('ls'))).toMatchObject({ allowed: false, reason: 'config.json is not valid JSON' });
  });
});
