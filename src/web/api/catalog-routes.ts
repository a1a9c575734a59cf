/**
 * The Catalog page's routes: search the catalog and add an entry with its inputs, through the
 * core of `patchbay catalog add` (src/catalog/add.ts). Secret inputs go to the secret store;
 * answers name secrets, never carry their values (the entry holds `${secret:NAME}` references).
 */
import type { Hono } from 'hono';
import { redactJson } from '../../secrets/redact/index.js';
import { errorOf } from './answers.js';

const LIMIT = 50;

export function registerCatalogRoutes(app: Hono, options: { projectRoot: string }): void {
  /** ?q=words (every word must match name, title or description); at most 50 entries. */
  app.get('/ui/api/catalog', async (c) => {
    const { loadCatalog, searchCatalog } = await import('../../catalog/snapshot.js');
    const { defaultChoice, neededInputs } = await import('../../catalog/render.js');
    try {
      const catalog = await loadCatalog();
      const found = searchCatalog(catalog, c.req.query('q') ?? '');
      const servers = found.slice(0, LIMIT).map((s) => {
        let inputs: ReturnType<typeof neededInputs> = [];
        let installable = true;
        try {
          inputs = neededInputs(s, defaultChoice(s));
        } catch {
          installable = false;
        }
        const kinds = [...(s.packages ?? []).map((p) => p.registryType), ...(s.remotes ?? []).map((r) => r.type)];
        return { name: s.name, title: s.title, description: s.description, version: s.version, kinds, installable, inputs };
      });
      return c.json({ source: catalog.source, total: found.length, servers });
    } catch (error) {
      return c.json(errorOf(error), 500);
    }
  });

  /** {"name": "REGISTRY NAME[@VERSION]", "inputs": {"KEY": "value"}, "scope"?, "as"?, "package"?, "remote"?} */
  app.post('/ui/api/catalog/add', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    const inputs = body.inputs ?? {};
    const strings = (o: unknown) => typeof o === 'object' && o !== null && Object.values(o).every((v) => typeof v === 'string');
    const optional = ['scope', 'as', 'package', 'remote'].every((k) => body[k] === undefined || typeof body[k] === 'string');
    if (typeof body.name !== 'string' || !strings(inputs) || !optional) {
      return c.json({ error: 'Send {"name": "io.github.owner/server", "inputs": {"KEY": "value"}} and optionally "scope", "as", "package", "remote" (strings)' }, 400);
    }
    const { applyCatalogAdd, planCatalogAdd, resolveCatalogTarget } = await import('../../catalog/add.js');
    const pick = (k: string) => (typeof body[k] === 'string' ? { [k === 'as' ? 'name' : k]: body[k] as string } : {});
    try {
      const target = await resolveCatalogTarget(body.name, { ...pick('scope'), ...pick('as'), ...pick('package'), ...pick('remote') });
      const plan = planCatalogAdd(target, inputs as Record<string, string>);
      const result = await applyCatalogAdd(target, plan, options.projectRoot);
      // The entry has references only; redaction is the second fence for a secret typed into a plain field.
      return c.json(redactJson({ ...result, scope: target.scope, entry: plan.entry, notes: plan.notes }) as object);
    } catch (error) {
      const answer = errorOf(error);
      const typed = Object.values(inputs as Record<string, string>).filter((v) => v.length >= 4);
      const clean = (t: string) => typed.reduce((text, v) => text.split(v).join('***'), t);
      return c.json({ error: clean(answer.error), ...(answer.hint ? { hint: clean(answer.hint) } : {}) }, 400);
    }
  });
}
