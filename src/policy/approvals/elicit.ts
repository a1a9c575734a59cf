/**
 * Asking through the calling client itself: a form elicitation (MCP 2025-11-25,
 * client/elicitation, "Form mode") with one single-select field. The gateway carries it as an
 * `elicitation/create` request to 2025-era clients and as an `input_required` round to
 * 2026-07-28 clients (src/gateway/modern-call.ts), so this module does not care which.
 *
 * The message names client, server, tool and the arguments with secrets masked (the hub's
 * redaction), and the approval id, so the same question can be answered in a terminal.
 * "Always allow" is offered only when an allow rule would change the outcome: when the ask came
 * from a default mode; an explicit ask rule is evaluated before every allow rule.
 */
import type { ApprovalAnswer, ApprovalRecord, ApprovalScope } from './store.js';

export function canElicitForm(capabilities: Record<string, unknown>): boolean {
  const elicitation = capabilities.elicitation;
  if (elicitation === null || typeof elicitation !== 'object') return false;
  const modes = elicitation as Record<string, unknown>;
  // 2025-06-18 declared `elicitation: {}` for forms; 2025-11-25 names the modes.
  return 'form' in modes || !('url' in modes);
}

const CHOICES: { const: string; title: string }[] = [
  { const: 'once', title: 'Allow once' },
  { const: 'session', title: 'Allow for this session' },
  { const: 'always', title: 'Always allow this tool' },
  { const: 'deny', title: 'Deny' },
];

export function elicitationParams(approval: ApprovalRecord, options: { offerAlways: boolean; origin?: string }): Record<string, unknown> {
  const choices = CHOICES.filter((c) => c.const !== 'always' || options.offerAlways);
  const lines = [
    `Patchbay: client "${approval.client}" wants to call ${approval.tool} on server "${approval.server}".`,
    `Arguments: ${approval.argsPreview}`,
    `Asked because of ${approval.rule === 'defaultMode' || approval.rule.endsWith('.defaultMode') ? approval.rule : `the rule "${approval.rule}"`}${options.origin ? ` (${options.origin})` : ''}.`,
    `Approval ${approval.id}: \`patchbay approvals allow ${approval.id}\` answers it from a terminal too.`,
  ];
  return {
    mode: 'form',
    message: lines.join('\n'),
    requestedSchema: {
      type: 'object',
      properties: {
        // No default: a client that accepts forms without showing them must not approve by it.
        decision: { type: 'string', title: `Allow ${approval.exposedName}?`, oneOf: choices },
      },
      required: ['decision'],
    },
  };
}

/** The client's answer as an approval answer; decline and cancel deny (the person said no or closed it). */
export function answerOf(result: unknown, client: string): ApprovalAnswer {
  const by = `client:${client}`;
  const r = (result ?? {}) as { action?: unknown; content?: { decision?: unknown } };
  if (r.action !== 'accept') return { status: 'denied', by };
  const decision = r.content?.decision;
  if (decision === 'once' || decision === 'session' || decision === 'always') return { status: 'allowed', scope: decision as ApprovalScope, by };
  return { status: 'denied', by };
}
