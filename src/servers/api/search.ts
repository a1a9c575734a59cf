/**
 * api_search for large specs: full-text over each operation's operationId, summary,
 * description, path, tags and parameter names. Words are split on case and punctuation
 * (`findPetsByStatus` → find, pets, by, status) and lower-cased; a query word scores where it
 * matches a word exactly, less where it is only a prefix, and more in the name, path and
 * summary than in the description. Unlike `LIKE '%…%'` over one column, "pet status" finds
 * `findPetsByStatus` and a word can match any field. Built once per load, in memory.
 */
import type { HttpMethod, OperationModel } from './spec/operations.js';

const WEIGHTS = { id: 4, path: 3, summary: 3, tags: 2, params: 2, description: 1 } as const;
type Field = keyof typeof WEIGHTS;

export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** Plural and singular meet: pets ~ pet, statuses ~ status, categories ~ category. */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(ses|xes|zes|ches|shes)$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

interface Entry {
  operation: OperationModel;
  fields: Array<[Field, Set<string>]>;
}

export interface SearchHit {
  operation: OperationModel;
  score: number;
}

export interface OperationIndex {
  search(query: string, filter?: { tag?: string; method?: HttpMethod; limit?: number }): SearchHit[];
}

export function createOperationIndex(operations: OperationModel[]): OperationIndex {
  const entries: Entry[] = operations.map((operation) => ({
    operation,
    fields: [
      ['id', new Set(words(operation.operationId ?? '').map(stem))],
      ['path', new Set(words(operation.path).map(stem))],
      ['summary', new Set(words(operation.summary ?? '').map(stem))],
      ['tags', new Set(operation.tags.flatMap(words).map(stem))],
      ['params', new Set(operation.parameters.flatMap((p) => words(p.name)).map(stem))],
      ['description', new Set(words(operation.description ?? '').map(stem))],
    ],
  }));
  return {
    search(query, filter = {}) {
      const terms = [...new Set(words(query).map(stem))];
      const hits: SearchHit[] = [];
      for (const entry of entries) {
        const op = entry.operation;
        if (filter.method && op.method !== filter.method) continue;
        if (filter.tag && !op.tags.some((t) => t.toLowerCase() === filter.tag!.toLowerCase())) continue;
        let score = 0;
        let matched = 0;
        for (const term of terms) {
          let best = 0;
          for (const [field, bag] of entry.fields) {
            if (bag.has(term)) best = Math.max(best, WEIGHTS[field] * 2);
            else if (term.length >= 3) for (const w of bag) if (w.startsWith(term)) best = Math.max(best, WEIGHTS[field]);
          }
          if (best > 0) matched++;
          score += best;
        }
        if (terms.length > 0 && matched === 0) continue;
        // Operations that match every word come first.
        hits.push({ operation: op, score: score + (matched === terms.length ? 100 : 0) });
      }
      hits.sort((a, b) => b.score - a.score || a.operation.key.localeCompare(b.operation.key));
      return hits.slice(0, filter.limit ?? 10);
    },
  };
}
