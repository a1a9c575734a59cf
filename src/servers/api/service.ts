/**
 * The API behind the tools: operations prepared once (names, input schemas), and `call`, which
 * every tool goes through — refuse writes unless allowed, validate against the spec, build the
 * request on the entry's base URL, add credentials, send, and shape the answer. Nothing here
 * knows MCP; mcp-server.ts maps tools onto it.
 */
import { redactKnownSecrets } from '../../secrets/redact/index.js';
import { isPatchbayError } from '../../errors.js';
import { createAuthenticator, schemesOf, type Authenticator } from './auth/authenticator.js';
import type { HeaderTemplate } from './auth/template.js';
import { exampleOf } from './example.js';
import { sendRequest } from './http/send.js';
import { inputSchemaOf, type OperationArguments } from './input-schema.js';
import { buildRequest } from './request/build.js';
import { formatResponse, pagingParamsOf } from './response.js';
import { createOperationIndex, type OperationIndex } from './search.js';
import type { LoadedSpec } from './spec/load.js';
import { extractOperations, scopesOf, type OperationModel } from './spec/operations.js';
import type { JsonSchema } from './spec/schema.js';
import { assignToolNames } from './tool-names.js';
import { createArgumentValidator } from './validate.js';

/** Above this many operations the server offers api_search / api_describe / api_call instead. */
export const PER_OPERATION_LIMIT = 25;

export interface ApiServiceOptions {
  spec: LoadedSpec;
  baseUrl: URL;
  allowWrites: boolean;
  mode: 'auto' | 'tools' | 'search';
  bindings: Record<string, string[]>;
  tokenUrls: Record<string, string>;
  headerTemplates: HeaderTemplate[];
  env: Record<string, string | undefined>;
  maxBytes: number;
  maxItems: number;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export interface PreparedOperation {
  model: OperationModel;
  toolName: string;
  inputSchema: JsonSchema;
}

export interface CallOutcome {
  text: string;
  isError: boolean;
}

export interface ApiService {
  mode: 'tools' | 'search';
  title: string;
  operations: PreparedOperation[];
  find(keyOrName: string): PreparedOperation | undefined;
  index: OperationIndex;
  describe(operation: PreparedOperation): Record<string, unknown>;
  call(operation: PreparedOperation, args: unknown): Promise<CallOutcome>;
}

export function createApiService(options: ApiServiceOptions): ApiService {
  const document = options.spec.document;
  const auth: Authenticator = createAuthenticator({
    schemes: schemesOf(document),
    bindings: options.bindings,
    tokenUrls: options.tokenUrls,
    headerTemplates: options.headerTemplates,
    env: options.env,
    baseUrl: options.baseUrl,
    fetch: options.fetch,
  });
  const models = extractOperations(document);
  const names = assignToolNames(models.map((m) => ({ key: m.key, label: m.operationId ?? `${m.method} ${m.path}` })));
  const operations: PreparedOperation[] = models.map((model) => ({ model, toolName: names.get(model.key)!, inputSchema: inputSchemaOf(model, auth.hidden) }));
  const byName = new Map<string, PreparedOperation>();
  for (const op of operations) {
    byName.set(op.model.key, op);
    byName.set(op.toolName, op);
  }
  const validator = createArgumentValidator();
  const mode = options.mode === 'auto' ? (operations.length > PER_OPERATION_LIMIT ? 'search' : 'tools') : options.mode;
  const info = (document.info ?? {}) as { title?: string; version?: string };

  async function call(operation: PreparedOperation, args: unknown): Promise<CallOutcome> {
    const { model } = operation;
    if (!model.readOnly && !options.allowWrites) {
      return {
        isError: true,
        text:
          `Refused: ${operation.toolName} (${model.method.toUpperCase()} ${model.path}) changes data, and this server is read-only. ` +
          'To allow writes, the entry passes --allow-writes; the hub\'s policy rules can then allow, ask for or deny each write tool.',
      };
    }
    const problems = validator.check(model.key, operation.inputSchema, args ?? {});
    if (problems) {
      return { isError: true, text: `Invalid arguments for ${operation.toolName}; nothing was sent:\n${problems.map((p) => `- ${p}`).join('\n')}` };
    }
    const secrets = () => auth.secrets();
    try {
      const request = buildRequest(model, (args ?? {}) as OperationArguments, options.baseUrl);
      const applied = await auth.apply(model, request);
      const send = () => sendRequest(request, { timeoutMs: options.timeoutMs, maxReadBytes: Math.max(options.maxBytes * 20, 4 * 1024 * 1024), fetch: options.fetch });
      let response = await send();
      if (response.status === 401 && applied.used && model.readOnly) {
        // An expired OAuth token: fetch a fresh one and try once more (reads only).
        auth.rejected();
        await auth.apply(model, request);
        response = await send();
      }
      const paging = pagingParamsOf(model.parameters.filter((p) => p.in === 'query').map((p) => p.name));
      const formatted = formatResponse(response, { maxBytes: options.maxBytes, maxItems: options.maxItems }, secrets(), paging);
      const note = applied.missing
        ? `\n\n[no credentials were sent: this operation wants ${applied.missing.join(' or ')}; the entry binds one with --auth-env ${applied.missing[0]}=VAR]`
        : '';
      return { text: formatted.text + note, isError: formatted.isError };
    } catch (error) {
      const message = isPatchbayError(error) ? error.message : describeNetworkError(error, options.baseUrl);
      return { isError: true, text: redactKnownSecrets(message + (isPatchbayError(error) && error.hint ? `\n${error.hint}` : ''), secrets()) };
    }
  }

  return {
    mode,
    title: `${info.title ?? 'API'}${info.version ? ` ${info.version}` : ''}`,
    operations,
    find: (keyOrName) => byName.get(keyOrName),
    index: createOperationIndex(models),
    describe(operation) {
      const { model } = operation;
      return {
        operation_id: model.key,
        tool: operation.toolName,
        method: model.method.toUpperCase(),
        path: model.path,
        ...(model.summary ? { summary: model.summary } : {}),
        ...(model.description ? { description: model.description.slice(0, 2000) } : {}),
        access: model.readOnly ? 'read' : 'write',
        allowed: model.readOnly || options.allowWrites,
        ...(model.deprecated ? { deprecated: true } : {}),
        security: model.security.map((alt) => Object.keys(alt).join('+') || 'none'),
        scopes: scopesOf(model),
        input_schema: operation.inputSchema,
        example: exampleOf(operation.inputSchema),
      };
    },
    call,
  };
}

function describeNetworkError(error: unknown, baseUrl: URL): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `${baseUrl.origin} did not answer in time`;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return `could not reach ${baseUrl.origin}: ${reason}`;
}

