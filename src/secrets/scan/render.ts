/** How `patchbay scan --secrets`, `secrets move` and the secrets part of `doctor` read. No value is ever printed. */
import type { MoveResult } from './move.js';
import type { SecretFinding, SecretScanReport } from './run-secret-scan.js';

export function describeFinding(f: SecretFinding): string {
  const where = f.server ? `server "${f.server}" ${f.field}` : `"${f.path.join('.')}"`;
  return `${f.file}:${f.line}:${f.column}: ${f.severity}: literal secret (${f.ruleId}) in ${where}${f.committed ? ' — the file is committed to git' : ''}`;
}

export function renderSecretScan(report: SecretScanReport): string {
  const lines: string[] = [];
  const scanned = report.files.filter((f) => f.exists);
  lines.push(`Scanned ${scanned.length} file${scanned.length === 1 ? '' : 's'} for literal secrets.`);
  for (const file of report.files) if (file.error) lines.push(`${file.file}: ${file.error}`);
  if (report.findings.length === 0) {
    lines.push('✔ No literal secrets found.');
    return `${lines.join('\n')}\n`;
  }
  for (const finding of report.findings) lines.push(describeFinding(finding));
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  lines.push('');
  lines.push(`${report.findings.length} literal secret${report.findings.length === 1 ? '' : 's'} (${errors} in committed files).`);
  if (report.findings.some((f) => f.movable)) lines.push('→ Move them into the secret store: patchbay secrets move --all (or SERVER.NAME for one).');
  if (errors > 0) lines.push('→ A secret in a committed file is in the repository history: rotate it at its provider as well.');
  return `${lines.join('\n')}\n`;
}

export function renderMoveResult(result: MoveResult): string {
  const lines: string[] = [];
  for (const m of result.moved) {
    lines.push(`Moved ${m.server}.${m.field} in ${m.file} to the secret store as ${m.secret}; the entry now reads \${secret:${m.secret}}.`);
  }
  const backups = [...new Set(result.moved.map((m) => m.backup))];
  for (const backup of backups) lines.push(`Backup of the file before the change (it still holds the literal; delete it once all works): ${backup}`);
  if (result.moved.some((m) => m.committed)) lines.push('The file is committed to git: the old value is in its history. Rotate that secret at its provider.');
  if (result.moved.length > 0) lines.push('Patchbay resolves ${secret:…} when it starts the server; hosts that start it directly need Patchbay in between (patchbay connect HOST).');
  if (result.moved.length === 0) lines.push('Nothing to move.');
  for (const m of result.manual) lines.push(`Not moved (edit by hand): ${m.file}:${m.line} ${m.server ? `server "${m.server}" ${m.field ?? ''}` : ''} (${m.ruleId})`);
  return `${lines.join('\n')}\n`;
}
