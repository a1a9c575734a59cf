/**
 * One model of an operation for Swagger 2.0, OpenAPI 3.0 and 3.1: its parameters grouped by
 * where they go (path, query, header, cookie), its request body, and the security it needs.
 * Path-level parameters are merged under operation-level ones (same name and `in`: the
 * operation's wins, OpenAPI 3.0.3 §4.7.9). Header parameters named Accept, Content-Type or
 * Authorization are ignored, as the spec says (§4.7.12); Cookie and Host are ignored too — those
 * never come from a tool's arguments.
 */
import type { ApiDocument } from './load.js';
import { toJsonSchema, type JsonSchema } from './schema.js';

export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie';
export type HttpMethod = 'get' | 'head' | 'options' | 'post' | 'put' | 'patch' | 'delete' | 'trace';
export const METHODS: HttpMethod[] = ['get', 'head', 'options', 'post', 'put', 'patch', 'delete', 'trace'];
/** Methods that read (RFC 9110 §9.2.1 "safe"); every other one writes. */
export const READ_METHODS = new Set<HttpMethod>(['get', 'head', 'options']);

export type ParameterStyle = 'simple' | 'label' | 'matrix' | 'form' | 'spaceDelimited' | 'pipeDelimited' | 'tabDelimited' | 'deepObject';

export interface ParameterModel {
  name: string;
  in: ParameterLocation;
  required: boolean;
  description?: string;
  schema: JsonSchema;
  style: ParameterStyle;
  explode: boolean;
  allowReserved: boolean;
  /** `content: {application/json: …}` instead of a schema: the value is sent as JSON text. */
  json: boolean;
}

export interface BodyModel {
  contentType: string;
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OperationModel {
  /** The operationId, else `METHOD /path`: what api_describe and api_call take. */
  key: string;
  operationId?: string;
  method: HttpMethod;
  path: string;
  summary?: string;
  description?: string;
  tags: string[];
  deprecated: boolean;
  parameters: ParameterModel[];
  body?: BodyModel;
  /** Alternatives, each a set of scheme name → scopes (an empty object means "no auth is fine"). */
  security: Array<Record<string, string[]>>;
  readOnly: boolean;
}

const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization', 'cookie', 'host', 'proxy-authorization', 'content-length', 'transfer-encoding', 'connection']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function dialectOf(document: ApiDocument): '2.0' | '3.0' | '3.1' {
  if (document.swagger === '2.0') return '2.0';
  return String(document.openapi).startsWith('3.0') ? '3.0' : '3.1';
}

export function extractOperations(document: ApiDocument): OperationModel[] {
  const dialect = dialectOf(document);
  const operations: OperationModel[] = [];
  const paths = isObj(document.paths) ? document.paths : {};
  const globalSecurity = Array.isArray(document.security) ? (document.security as Array<Record<string, string[]>>) : [];
  for (const [path, item] of Object.entries(paths)) {
    if (!isObj(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of METHODS) {
      const op = item[method];
      if (!isObj(op)) continue;
      const rawParams = mergeParameters(shared, Array.isArray(op.parameters) ? op.parameters : []);
      const operationId = str(op.operationId);
      const model: OperationModel = {
        key: operationId ?? `${method.toUpperCase()} ${path}`,
        ...(operationId ? { operationId } : {}),
        method,
        path,
        ...(str(op.summary) ? { summary: str(op.summary) } : {}),
        ...(str(op.description) ? { description: str(op.description) } : {}),
        tags: Array.isArray(op.tags) ? op.tags.filter((t): t is string => typeof t === 'string') : [],
        deprecated: op.deprecated === true,
        parameters: [],
        security: Array.isArray(op.security) ? (op.security as Array<Record<string, string[]>>) : globalSecurity,
        readOnly: READ_METHODS.has(method),
      };
      if (dialect === '2.0') fromSwagger(model, rawParams, op, document);
      else fromOpenApi(model, rawParams, op, dialect);
      operations.push(model);
    }
  }
  return operations;
}

function mergeParameters(shared: unknown[], own: unknown[]): Obj[] {
  const byKey = new Map<string, Obj>();
  for (const p of [...shared, ...own]) if (isObj(p) && typeof p.name === 'string') byKey.set(`${String(p.in)}:${p.name}`, p);
  return [...byKey.values()];
}

function keep(p: Obj): boolean {
  return !(p.in === 'header' && IGNORED_HEADERS.has(String(p.name).toLowerCase()));
}

function fromOpenApi(model: OperationModel, params: Obj[], op: Obj, dialect: '3.0' | '3.1'): void {
  for (const p of params.filter(keep)) {
    const location = p.in as ParameterLocation;
    if (!['path', 'query', 'header', 'cookie'].includes(location)) continue;
    let schema: JsonSchema = toJsonSchema(p.schema, { dialect });
    let json = false;
    if (!p.schema && isObj(p.content)) {
      const [type, media] = Object.entries(p.content)[0] ?? [];
      schema = toJsonSchema(isObj(media) ? media.schema : undefined, { dialect });
      json = typeof type === 'string' && /json/i.test(type);
    }
    const style = (str(p.style) ?? (location === 'query' || location === 'cookie' ? 'form' : 'simple')) as ParameterStyle;
    model.parameters.push({
      name: String(p.name),
      in: location,
      required: location === 'path' || p.required === true,
      ...(str(p.description) ? { description: str(p.description) } : {}),
      schema: withDescription(schema, str(p.description)),
      style,
      explode: typeof p.explode === 'boolean' ? p.explode : style === 'form',
      allowReserved: p.allowReserved === true,
      json,
    });
  }
  const body = isObj(op.requestBody) ? op.requestBody : undefined;
  if (body && isObj(body.content)) {
    const contentType = pickContentType(Object.keys(body.content));
    if (contentType) {
      const media = body.content[contentType];
      model.body = {
        contentType,
        required: body.required === true,
        ...(str(body.description) ? { description: str(body.description) } : {}),
        schema: withDescription(toJsonSchema(isObj(media) ? media.schema : undefined, { dialect }), str(body.description)),
      };
    }
  }
}

/** Swagger 2.0: `in: body` and `in: formData` become the request body; collectionFormat a style. */
function fromSwagger(model: OperationModel, params: Obj[], op: Obj, document: ApiDocument): void {
  const consumes = (Array.isArray(op.consumes) ? op.consumes : Array.isArray(document.consumes) ? document.consumes : []) as string[];
  const form: Record<string, JsonSchema> = {};
  const formRequired: string[] = [];
  let hasFile = false;
  for (const p of params.filter(keep)) {
    const description = str(p.description);
    if (p.in === 'body') {
      model.body = {
        contentType: pickContentType(consumes) ?? 'application/json',
        required: p.required === true,
        ...(description ? { description } : {}),
        schema: withDescription(toJsonSchema(p.schema, { dialect: '2.0' }), description),
      };
      continue;
    }
    const { name: _n, in: _i, required: _r, description: _d, collectionFormat, allowEmptyValue: _a, ...inline } = p;
    const schema = withDescription(toJsonSchema(inline, { dialect: '2.0' }), description);
    if (p.in === 'formData') {
      if (p.type === 'file') hasFile = true;
      form[String(p.name)] = schema;
      if (p.required === true) formRequired.push(String(p.name));
      continue;
    }
    const location = p.in as ParameterLocation;
    if (!['path', 'query', 'header'].includes(location)) continue;
    const format = str(collectionFormat) ?? 'csv';
    const style: ParameterStyle =
      format === 'ssv' ? 'spaceDelimited' : format === 'pipes' ? 'pipeDelimited' : format === 'tsv' ? 'tabDelimited' : location === 'query' ? 'form' : 'simple';
    model.parameters.push({
      name: String(p.name),
      in: location,
      required: location === 'path' || p.required === true,
      ...(description ? { description } : {}),
      schema,
      style,
      explode: format === 'multi',
      allowReserved: false,
      json: false,
    });
  }
  if (Object.keys(form).length > 0 && !model.body) {
    const multipart = hasFile || consumes.includes('multipart/form-data');
    model.body = {
      contentType: multipart ? 'multipart/form-data' : 'application/x-www-form-urlencoded',
      required: formRequired.length > 0,
      schema: { type: 'object', properties: form, ...(formRequired.length ? { required: formRequired } : {}), unevaluatedProperties: false },
    };
  }
}

/** JSON when the operation takes it, else a form, else text; one content type per operation. */
export function pickContentType(types: string[]): string | undefined {
  const lower = types.map((t) => t.toLowerCase());
  const at = (predicate: (t: string) => boolean) => {
    const i = lower.findIndex(predicate);
    return i === -1 ? undefined : types[i];
  };
  return (
    at((t) => t === 'application/json' || /^application\/[^;]*\+json/.test(t) || t.startsWith('application/json')) ??
    at((t) => t.startsWith('application/x-www-form-urlencoded')) ??
    at((t) => t.startsWith('multipart/form-data')) ??
    at((t) => t.startsWith('text/')) ??
    at((t) => t.includes('xml')) ??
    types[0]
  );
}

function withDescription(schema: JsonSchema, description: string | undefined): JsonSchema {
  return description && schema.description === undefined ? { ...schema, description } : schema;
}

/** Every scope an operation could need, for api_describe. */
export function scopesOf(operation: OperationModel): string[] {
  return [...new Set(operation.security.flatMap((alt) => Object.values(alt).flat()))];
}
