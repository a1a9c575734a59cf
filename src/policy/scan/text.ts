/**
 * Every piece of text in a definition, with where it is. Scanning only `description` is how
 * poisoned tools get through: a model reads the titles, enums, defaults and the descriptions
 * nested in input and output schemas too, and property names as well.
 */

export interface TextPiece {
  /** JSON path in the definition: `description`, `inputSchema.properties.path.default`, `arguments[0].name`. */
  path: string;
  text: string;
}

const MAX_PIECES = 20_000;

function join(path: string, key: string): string {
  return path === '' ? key : /^[A-Za-z_$][\w$-]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** Strings anywhere in the value, and the property names of schemas (`properties` keys). */
export function textPieces(value: unknown): TextPiece[] {
  const out: TextPiece[] = [];
  const walk = (node: unknown, path: string, depth: number): void => {
    if (out.length >= MAX_PIECES || depth > 64) return;
    if (typeof node === 'string') {
      out.push({ path, text: node });
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((child, i) => walk(child, `${path}[${i}]`, depth + 1));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const parentKey = path.slice(path.lastIndexOf('.') + 1);
    for (const [key, child] of Object.entries(node)) {
      const childPath = join(path, key);
      // A property name is shown to the model as much as its description is.
      if (parentKey === 'properties' || parentKey === 'patternProperties') out.push({ path: `${childPath}{name}`, text: key });
      walk(child, childPath, depth + 1);
    }
  };
  walk(value, '', 0);
  return out;
}

/** Every match of a global pattern (exec, not matchAll: matchAll clones the RegExp on each call). */
export function execAll(pattern: RegExp, text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    out.push(m);
    if (m[0] === '') pattern.lastIndex++;
  }
  return out;
}
