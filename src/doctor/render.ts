/**
 * The human-readable doctor report: one line per server (✔/✘), then each problem with what,
 * where and the fix. Plain text, no colours: it is pasted into issues and chats.
 */
import type { ConfigProblem } from '../config/registry.js';
import type { PolicyFinding } from '../policy/rules/analyze.js';
import { CLIENT_CAPABILITY_NAMES } from '../hub/client-capabilities.js';
import type { DoctorReport, ServerFinding } from './run-doctor.js';
import { eraOf } from '../hub/probe.js';
import { describeFinding } from '../secrets/scan/render.js';
import { renderFinding, shownFindings } from '../policy/scan/render.js';

const MARK: Record<string, string> = {
  connected: '✔',
  failed: '✘',
  'needs-auth': '!',
  'pending-approval': '⏸',
  disabled: '○',
};

export function renderReport(report: DoctorReport): string {
  const out: string[] = [];
  out.push(`Patchbay doctor — project ${report.projectRoot}`, '');

  if (report.servers.length === 0 && report.configProblems.length === 0) {
    out.push('No MCP servers are configured. Add one with `patchbay mcp add`.', '');
  }
  if (report.servers.length > 0) {
    out.push('Servers:');
    for (const finding of report.servers) {
      out.push(`  ${summaryLine(finding)}`);
      for (const collision of finding.collisions ?? []) out.push(`      ⚠ under \`patchbay up\`: ${collision}`);
      if (finding.undeclaredTools) out.push(`      ⚠ bundle tools not declared in its manifest: ${finding.undeclaredTools.join(', ')}`);
    }
    out.push('');
  }

  const problems = [
    ...report.configProblems.map(renderConfigProblem),
    ...report.servers.filter((f) => !f.healthy).map(renderServerProblem),
    ...report.policy.filter((f) => f.level === 'error').map(renderPolicyFinding),
  ];
  const notes = report.policy.filter((f) => f.level !== 'error');
  if (notes.length > 0) {
    out.push(`Permissions (${notes.length} note${notes.length === 1 ? '' : 's'}):`);
    for (const f of notes) out.push(...renderPolicyFinding(f).map((l, i) => `  ${i === 0 ? `${f.level === 'warning' ? '⚠' : 'ℹ'} ` : '    '}${l}`));
    out.push('');
  }
  if (problems.length > 0) {
    out.push(`Problems (${problems.length}):`, '');
    problems.forEach((lines, i) => {
      out.push(`${i + 1}. ${lines[0]}`, ...lines.slice(1).map((l) => `   ${l}`), '');
    });
  }

  if (report.secrets.length > 0) {
    out.push(`Literal secrets in config files (${report.secrets.length}):`);
    for (const finding of report.secrets) out.push(`  ${describeFinding(finding)}`);
    out.push('  fix: patchbay secrets move --all keeps them in the secret store and leaves ${secret:NAME} in the files.', '');
  }
  const scan = shownFindings(report.scan, 'warn');
  if (scan.length > 0) {
    out.push(`Description scan (${scan.length}; \`patchbay scan\` has the details):`);
    for (const f of scan) out.push(...renderFinding(f).map((l) => `  ${l}`));
    out.push('  Errors hold a definition back in the hub until `patchbay pins approve SERVER NAME`.', '');
  }
  const scanErrors = scan.filter((f) => f.level === 'error').length;
  const secretErrors = report.secrets.filter((s) => s.severity === 'error').length;
  const total = problems.length + scanErrors + secretErrors;
  if (report.sandbox.ok) out.push(`Sandbox: ${report.sandbox.detail}`);
  else {
    out.push(`Sandbox: unavailable — ${report.sandbox.reason}; sandboxed servers do not start.`);
    // The fix is already under the problem of a sandboxed server that failed for this.
    if (!report.servers.some((f) => f.result.kind === 'sandbox')) out.push(`  fix: ${report.sandbox.hint}`);
  }
  if (report.suggestions.length > 0) {
    out.push(`Suggestions (${report.suggestions.length}):`);
    for (const line of report.suggestions) out.push(`  - ${line}`);
  }
  out.push(`Per-server logs (when Patchbay runs them): ${report.logDir}/mcp-server-<name>.log`);
  out.push(report.healthy ? 'All good.' : `${total} problem${total === 1 ? '' : 's'} found.`);
  return `${out.join('\n')}\n`;
}

function summaryLine(finding: ServerFinding): string {
  const r = finding.result;
  const mark = finding.healthy && r.status === 'connected' ? '✔' : r.kind === 'non-json-stdout' ? '⚠' : (MARK[r.status] ?? '✘');
  const where = finding.scope === 'claude-desktop' ? 'Claude Desktop' : `${finding.scope} scope`;
  let status: string;
  if (r.status === 'connected') {
    status = `connected${r.serverName ? ` to ${r.serverName}${r.serverVersion ? ` ${r.serverVersion}` : ''}` : ''}, ${r.toolCount ?? 0} tools`;
    // The count is for the capabilities Patchbay declares (hub/client-capabilities.ts).
    if (r.toolCountWithoutCapabilities !== undefined) status += ` (${r.toolCountWithoutCapabilities} for a client without ${CLIENT_CAPABILITY_NAMES.replace(' and ', ' or ')}: the server adapts its list to the client)`;
    if (r.kind === 'non-json-stdout') status += ', but prints non-JSON on stdout';
    if (r.protocolVersion) status += `; speaks ${eraOf(r.protocolVersion)}`;
  } else {
    status = r.reason ?? r.status;
  }
  return `${mark} ${finding.name} (${finding.transport}, ${where}) — ${status}${finding.sandbox ? ` · ${finding.sandbox}` : ''}`;
}

function renderServerProblem(finding: ServerFinding): string[] {
  const r = finding.result;
  const lines = [`${finding.name}: ${r.status === 'connected' ? 'prints non-JSON on stdout' : (r.reason ?? r.status)}`];
  lines.push(`where: ${finding.file} (${finding.scope === 'claude-desktop' ? 'Claude Desktop' : `${finding.scope} scope`}), server "${finding.name}"`);
  for (const detail of r.details ?? []) lines.push(`  ${detail}`);
  if (r.hint) lines.push(`fix: ${r.hint}`);
  if (finding.logExists) lines.push(`log: ${finding.logFile} (from when Patchbay last ran it)`);
  return lines;
}

function renderPolicyFinding(finding: PolicyFinding): string[] {
  const lines = [finding.line !== undefined && finding.file && !finding.message.includes(`${finding.file}:`) ? `${finding.file}:${finding.line}: ${finding.message}` : finding.message];
  if (finding.hint) lines.push(`fix: ${finding.hint}`);
  return lines;
}

function renderConfigProblem(problem: ConfigProblem): string[] {
  const position = problem.line !== undefined ? `:${problem.line}${problem.column !== undefined ? `:${problem.column}` : ''}` : '';
  const lines = [`${problem.file}${position}: ${problem.message}`];
  if (problem.sourceLine !== undefined) {
    lines.push(`  ${problem.sourceLine}`);
    if (problem.column !== undefined) lines.push(`  ${' '.repeat(Math.max(0, problem.column - 1))}^`);
  }
  const where = [problem.server && `server "${problem.server}"`, problem.field && `field "${problem.field}"`].filter(Boolean).join(', ');
  if (where) lines.push(`where: ${where}`);
  lines.push(`fix: ${problem.hint ?? 'Fix the file by hand (a JSON validator shows the exact spot); the entries involved are skipped until then.'}`);
  return lines;
}

