/**
 * Findings as people read them (`patchbay scan`, `doctor`): one line per server, then each
 * finding with its level, where it is and the text that matched, invisible characters spelled
 * out. Plain text, no colours: it is pasted into issues.
 */
import type { ScanReport, ServerScan } from './scan-servers.js';
import { LEVEL_ORDER, type Finding, type ScanLevel } from './types.js';

const KIND: Record<Finding['kind'], string> = { tools: 'tool', prompts: 'prompt', templates: 'template' };

export function renderFinding(f: Finding): string[] {
  const where = f.path === 'name' ? 'name' : f.path === '' ? 'definition' : f.path;
  const lines = [`${f.level.padEnd(5)}  ${f.server} / ${KIND[f.kind]} "${f.name}" — ${where}: ${f.message}`];
  if (f.excerpt && !f.message.includes(f.excerpt)) lines.push(`       "${f.excerpt}"`);
  return lines;
}

function count(findings: readonly Finding[], level: ScanLevel): number {
  return findings.filter((f) => f.level === level).length;
}

function serverLine(s: ServerScan, findings: readonly Finding[]): string {
  if (s.status !== 'connected') return `○ ${s.name} — not scanned: ${s.reason ?? s.status}`;
  const own = findings.filter((f) => f.server === s.name);
  const errors = count(own, 'error');
  const warnings = count(own, 'warn');
  const c = s.counts ?? { tools: 0, prompts: 0, templates: 0 };
  const what = `${c.tools} tools, ${c.prompts} prompts, ${c.templates} templates`;
  const verdict = errors + warnings === 0 ? 'clean' : [errors && `${errors} error${errors === 1 ? '' : 's'}`, warnings && `${warnings} warning${warnings === 1 ? '' : 's'}`].filter(Boolean).join(', ');
  return `${errors > 0 ? '✘' : warnings > 0 ? '⚠' : '✔'} ${s.name} (${s.scope} scope): ${what} — ${verdict}`;
}

/** The findings at or above `min`, worst first. */
export function shownFindings(findings: readonly Finding[], min: ScanLevel): Finding[] {
  return findings.filter((f) => LEVEL_ORDER[f.level] >= LEVEL_ORDER[min]).sort((a, b) => LEVEL_ORDER[b.level] - LEVEL_ORDER[a.level] || a.server.localeCompare(b.server) || a.name.localeCompare(b.name));
}

export function renderScanReport(report: ScanReport, options: { verbose?: boolean } = {}): string {
  const out = [`Patchbay scan — project ${report.projectRoot}`, ''];
  if (report.servers.length === 0) out.push('No MCP servers are configured. Add one with `patchbay mcp add`.');
  for (const s of report.servers) {
    out.push(serverLine(s, report.findings));
    for (const e of s.listErrors ?? []) out.push(`    listing failed: ${e}`);
  }
  const shown = shownFindings(report.findings, options.verbose ? 'info' : 'warn');
  if (shown.length > 0) {
    out.push('', `Findings (${shown.length}):`);
    for (const f of shown) out.push(...renderFinding(f).map((l) => `  ${l}`));
  }
  const hiddenInfo = options.verbose ? 0 : count(report.findings, 'info');
  out.push('');
  if (hiddenInfo > 0) out.push(`${hiddenInfo} info-level finding${hiddenInfo === 1 ? '' : 's'} not shown (--verbose shows them).`);
  out.push(
    report.clean
      ? 'Nothing the hub would hold back.'
      : 'The hub holds definitions with error-level findings back until `patchbay pins approve SERVER NAME`.',
  );
  return `${out.join('\n')}\n`;
}
