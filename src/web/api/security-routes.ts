/**
 * The Security page's routes: what pins hold in quarantine (with the diff against the pin), the
 * description scan of what is served, the audit log, and approving a new pin. Each is the core
 * function of `patchbay pins`, `patchbay scan` and `patchbay audit` (src/policy/).
 */
import type { Hono } from 'hono';
import type { ScopedServer } from '../../config/types.js';
import type { Hub } from '../../hub/index.js';
import { redactJson } from '../../secrets/redact/index.js';
import { errorOf, sink } from './answers.js';
import { servedTools } from './served-tools.js';

export interface SecurityRouteOptions {
  hub: Hub;
  projectRoot: string;
  servers: ReadonlyMap<string, ScopedServer>;
}

const KINDS = ['tools', 'prompts', 'templates'] as const;

export function registerSecurityRoutes(app: Hono, options: SecurityRouteOptions): void {
  const cwd = options.projectRoot;

  /** ?client=&server=&tool=&decision=&since=&limit= filter the audit rows, as `patchbay audit` does. */
  app.get('/ui/api/security', async (c) => {
    const { listPins, diffPins } = await import('../../policy/pins/commands.js');
    const { runAuditCommand } = await import('../../policy/audit/command.js');
    const { scanCatalog } = await import('../../policy/scan/index.js');
    try {
      const pins = await listPins({ cwd });
      const quarantined = [];
      for (const server of new Set(pins.listing.pending.map((p) => p.server))) {
        for (const d of (await diffPins({ cwd, server })).diffs) {
          quarantined.push({ server, name: d.pending.name, kind: d.pending.kind, reason: d.pending.reason, detail: d.pending.detail, findings: d.pending.findings, firstSeen: d.pending.firstSeen, pinnedAt: d.pin?.pinnedAt, diff: d.lines });
        }
      }
      const served = await servedTools(options.hub, options.servers);
      const findings = scanCatalog([...served].map(([server, tools]) => ({ server, lists: { tools: tools.map(({ tool, ...t }) => ({ ...t, name: tool })), prompts: [], resources: [], templates: [] } })));
      const q = c.req.query();
      const filters = Object.fromEntries((['since', 'client', 'server', 'tool', 'decision'] as const).filter((k) => q[k]).map((k) => [k, q[k]]));
      const audit = await runAuditCommand({ json: true, limit: q.limit ?? '200', ...filters }, sink());
      return c.json(redactJson({ quarantined, findings, pins: pins.listing.pins.length, audit }) as object);
    } catch (error) {
      return c.json(errorOf(error), 400);
    }
  });

  /** {"name": "add", "kind": "tools"} accepts one definition's new pin; without a name, all of the server's. */
  app.post('/ui/api/security/pins/:server/approve', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { name?: unknown; kind?: unknown };
    if ((body.name !== undefined && typeof body.name !== 'string') || (body.kind !== undefined && !KINDS.includes(body.kind as never))) {
      return c.json({ error: 'Send {"name": "TOOL"} and optionally "kind": "tools" | "prompts" | "templates"' }, 400);
    }
    const { approvePins } = await import('../../policy/pins/commands.js');
    try {
      const result = await approvePins({ cwd, server: c.req.param('server'), ...(body.name ? { name: body.name } : {}), ...(body.kind ? { kind: body.kind as (typeof KINDS)[number] } : {}) });
      return c.json(redactJson({ approved: result.approved.map((p) => ({ server: p.server, kind: p.kind, name: p.name, detail: p.detail })) }) as object);
    } catch (error) {
      return c.json(errorOf(error), 404);
    }
  });
}
