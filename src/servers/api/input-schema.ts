/**
 * The arguments a tool takes for one operation, grouped by where each value goes —
 * `{ path, query, headers, cookies, body }` — so a path `id` and a query `id` never collide and
 * errors name the place (`query.limit`). Every group refuses names the spec does not list
 * (`additionalProperties: false`): an argument the model invents is an error, never silently
 * sent or dropped. api_describe shows this same schema and api_call takes the same groups.
 */
import type { OperationModel, ParameterLocation } from './spec/operations.js';
import type { JsonSchema } from './spec/schema.js';

export const GROUP_OF: Record<ParameterLocation, 'path' | 'query' | 'headers' | 'cookies'> = {
  path: 'path',
  query: 'query',
  header: 'headers',
  cookie: 'cookies',
};

export interface OperationArguments {
  path?: Record<string, unknown>;
  query?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  cookies?: Record<string, unknown>;
  body?: unknown;
}

export function inputSchemaOf(operation: OperationModel, hidden: { header: Set<string>; query: Set<string>; cookie: Set<string> }): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const location of ['path', 'query', 'header', 'cookie'] as const) {
    // A parameter that an auth scheme fills (an API key in a query or header) is not the model's to set.
    const params = operation.parameters.filter((p) => p.in === location && !(location !== 'path' && hidden[location].has(p.name.toLowerCase())));
    if (params.length === 0) continue;
    const group = GROUP_OF[location];
    const groupRequired = params.filter((p) => p.required).map((p) => p.name);
    properties[group] = {
      type: 'object',
      properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
      ...(groupRequired.length > 0 ? { required: groupRequired } : {}),
      additionalProperties: false,
    };
    if (groupRequired.length > 0) required.push(group);
  }
  if (operation.body) {
    properties.body = { ...operation.body.schema, ...(operation.body.schema.description ? {} : { description: `request body (${operation.body.contentType})` }) };
    if (operation.body.required) required.push('body');
  }
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false };
}
