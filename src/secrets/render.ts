/** How `patchbay secrets list` and `get` read. Never a value. */
import type { SecretListing } from './manage.js';

export function renderSecretList(secrets: readonly SecretListing[], json: boolean): string {
  if (json) return `${JSON.stringify(secrets, null, 2)}\n`;
  if (secrets.length === 0) return 'No secrets stored. Add one with: patchbay secrets set NAME\n';
  const lines: string[] = [];
  for (const s of secrets) {
    lines.push(`${s.name}  (${s.backend === 'keychain' ? 'OS keychain' : 'encrypted file'}, set ${s.setAt}${s.updatedAt !== s.setAt ? `, updated ${s.updatedAt}` : ''})`);
    if (s.usedBy.length === 0) lines.push('  not used by any server or provider');
    for (const use of s.usedBy) lines.push(`  used by ${use.label}: ${use.file}`);
  }
  return `${lines.join('\n')}\n`;
}
