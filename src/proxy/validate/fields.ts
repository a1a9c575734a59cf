/**
 * The words of Anthropic's validation errors. The API validates with pydantic and answers 400
 * `invalid_request_error` with the field's path, dot-separated, and pydantic's sentence:
 * "messages.0.content: Input should be a valid list", "max_tokens: Field required",
 * "messages.61.content.0.tool_use.input: Input should be a valid dictionary" (the member of a
 * tagged union appears in the path by its tag). These helpers keep that wording in one place;
 * a message is built only when a check fails, so the happy path allocates nothing here.
 */

export type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const required = (path: string): string => `${path}: Field required`;
export const notString = (path: string): string => `${path}: Input should be a valid string`;
export const notList = (path: string): string => `${path}: Input should be a valid list`;
export const notDictionary = (path: string): string => `${path}: Input should be a valid dictionary`;
export const notBoolean = (path: string): string => `${path}: Input should be a valid boolean`;
export const notNumber = (path: string): string => `${path}: Input should be a valid number`;
export const noTag = (path: string): string => `${path}: Unable to extract tag using discriminator 'type'`;

/** `'a', 'b' or 'c'`, as pydantic lists the allowed literals. */
export function literals(values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  return quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

export function notLiteral(path: string, values: readonly string[]): string {
  return `${path}: Input should be ${literals(values)}`;
}

export function unknownTag(path: string, tag: unknown, tags: readonly string[]): string {
  return `${path}: Input tag '${String(tag)}' found using 'type' does not match any of the expected tags: ${tags.map((t) => `'${t}'`).join(', ')}`;
}

/** A string field: undefined when fine, else the message. */
export function checkString(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return undefined;
  return value === undefined ? required(path) : notString(path);
}

/** An integer field with a lower bound (pydantic's `ge`). */
export function checkInteger(value: unknown, path: string, min: number): string | undefined {
  if (value === undefined) return required(path);
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${path}: Input should be a valid integer`;
  if (!Number.isInteger(value)) return `${path}: Input should be a valid integer, got a number with a fractional part`;
  if (value < min) return `${path}: Input should be greater than or equal to ${min}`;
  return undefined;
}

/** An optional number within [min, max] (temperature, top_p). */
export function checkRange(value: unknown, path: string, min: number, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return notNumber(path);
  if (value < min) return `${path}: Input should be greater than or equal to ${min}`;
  if (value > max) return `${path}: Input should be less than or equal to ${max}`;
  return undefined;
}
