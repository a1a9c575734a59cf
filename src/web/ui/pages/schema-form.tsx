/**
 * A form generated from a JSON Schema, editing one JSON value: nested objects (fieldsets),
 * arrays (add and remove items), enums (a select), booleans, numbers, strings, const, oneOf and
 * anyOf (choose a branch; a type list like ["number","string"] is read as anyOf), required marks
 * and defaults. Used by Try it for tool and prompt arguments and for elicitation questions.
 * Every control has a label; all are native controls, so the keyboard works as everywhere.
 */
import { useState } from 'preact/hooks';

export type Schema = Record<string, any>;

interface FieldProps {
  schema: Schema;
  /** The whole schema, for `$ref: "#/..."`. */
  root: Schema;
  value: unknown;
  onChange(value: unknown): void;
  label: string;
  /** Unique within the page: control ids are built from it. */
  path: string;
  required?: boolean;
}

function resolve(schema: Schema | undefined, root: Schema): Schema {
  let s = schema ?? {};
  for (let hops = 0; typeof s.$ref === 'string' && s.$ref.startsWith('#/') && hops < 20; hops++) {
    const target = s.$ref.slice(2).split('/').reduce((node: any, key: string) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], root);
    s = { ...target, ...s, $ref: undefined };
  }
  if (Array.isArray(s.type) && !s.anyOf && !s.oneOf) return { ...s, type: undefined, anyOf: s.type.map((type: string) => ({ type })) };
  return s;
}

function branchesOf(s: Schema): Schema[] | undefined {
  return s.oneOf ?? s.anyOf;
}

/** The value a fresh form starts with: defaults, required parts filled, optional ones left out. */
export function initialValue(schema: Schema | undefined, root: Schema = schema ?? {}, required = true): unknown {
  const s = resolve(schema, root);
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  const branches = branchesOf(s);
  if (branches) return required ? initialValue(branches[0], root) : undefined;
  if (s.type === 'object' || s.properties) {
    if (!required) return undefined;
    const out: Record<string, unknown> = {};
    const needed = new Set<string>(s.required ?? []);
    for (const [key, prop] of Object.entries<Schema>(s.properties ?? {})) {
      const v = initialValue(prop, root, needed.has(key));
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  if (!required) return undefined;
  if (s.type === 'array') return [];
  if (s.type === 'boolean') return false;
  if (s.type === 'string' && Array.isArray(s.enum)) return undefined;
  if (s.type === 'string') return '';
  return undefined;
}

/** Whether `value` could be of this branch: its type, and its const properties agree. */
function fits(branch: Schema, value: unknown, root: Schema): boolean {
  const s = resolve(branch, root);
  if (s.const !== undefined) return s.const === value;
  const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (s.type === 'object' || s.properties) {
    if (kind !== 'object') return false;
    return Object.entries<Schema>(s.properties ?? {}).every(([k, p]) => resolve(p, root).const === undefined || (value as Record<string, unknown>)[k] === resolve(p, root).const);
  }
  if (s.type === 'integer' || s.type === 'number') return kind === 'number';
  return s.type === undefined || s.type === kind;
}

function branchLabel(branch: Schema, index: number, root: Schema): string {
  const s = resolve(branch, root);
  if (s.title) return s.title;
  const tag = Object.entries<Schema>(s.properties ?? {}).find(([, p]) => resolve(p, root).const !== undefined);
  if (tag) return `${tag[0]}: ${String(resolve(tag[1], root).const)}`;
  return s.type ? String(s.type) : `option ${index + 1}`;
}

/** The required mark and the description sit beside the label, not in it: the control's name stays its field's name. */
function Label(props: { for?: string; text: string; required?: boolean; description?: string }) {
  return (
    <>
      <label for={props.for}>{props.text}</label>
      {props.required ? <span aria-hidden="true" title="required"> *</span> : null}
      {props.description ? <small id={`${props.for}-about`}> {props.description}</small> : null}
    </>
  );
}

function Choice(props: FieldProps & { branches: Schema[] }) {
  const { branches, root } = props;
  const matched = branches.findIndex((b) => fits(b, props.value, root));
  const [picked, setPicked] = useState(matched === -1 ? 0 : matched);
  const index = props.value !== undefined && matched !== -1 && !fits(branches[picked]!, props.value, root) ? matched : picked;
  const id = `${props.path}-branch`;
  return (
    <fieldset>
      <legend>{props.label}{props.required ? <span aria-hidden="true"> *</span> : null}</legend>
      <Label for={id} text={`Kind of ${props.label}`} />
      <select id={id} value={String(index)} onChange={(e) => {
        const next = Number((e.target as HTMLSelectElement).value);
        setPicked(next);
        props.onChange(initialValue(branches[next], root));
      }}>
        {branches.map((b, i) => <option value={String(i)}>{branchLabel(b, i, root)}</option>)}
      </select>
      <SchemaField {...props} schema={{ ...props.schema, oneOf: undefined, anyOf: undefined, ...resolve(branches[index], root) }} label={`${props.label} (${branchLabel(branches[index]!, index, root)})`} path={`${props.path}-${index}`} />
    </fieldset>
  );
}

function ObjectField(props: FieldProps & { s: Schema }) {
  const { s, root } = props;
  const value = (props.value && typeof props.value === 'object' && !Array.isArray(props.value) ? props.value : {}) as Record<string, unknown>;
  const needed = new Set<string>(s.required ?? []);
  const set = (key: string, v: unknown) => {
    const next = { ...value };
    if (v === undefined) delete next[key];
    else next[key] = v;
    // An optional object nobody filled in stays out of the arguments.
    props.onChange(Object.keys(next).length === 0 && !props.required ? undefined : next);
  };
  return (
    <fieldset>
      <legend>{props.label}{props.required ? <span aria-hidden="true"> *</span> : null}{s.description ? <small> — {s.description}</small> : null}</legend>
      {Object.entries<Schema>(s.properties ?? {}).map(([key, prop]) => (
        <SchemaField key={key} schema={prop} root={root} value={value[key]} onChange={(v) => set(key, v)} label={resolve(prop, root).title ?? key} path={`${props.path}.${key}`} required={needed.has(key)} />
      ))}
    </fieldset>
  );
}

function ArrayField(props: FieldProps & { s: Schema }) {
  const { s, root } = props;
  const items = Array.isArray(props.value) ? props.value : [];
  const put = (next: unknown[]) => props.onChange(next.length === 0 && !props.required ? undefined : next);
  return (
    <fieldset>
      <legend>{props.label}{props.required ? <span aria-hidden="true"> *</span> : null}{s.description ? <small> — {s.description}</small> : null}</legend>
      <ol>
        {items.map((item, i) => (
          <li key={i}>
            <SchemaField schema={s.items ?? {}} root={root} value={item} onChange={(v) => put(items.map((old, j) => (j === i ? v : old)))} label={`${props.label} item ${i + 1}`} path={`${props.path}.${i}`} required />
            <button type="button" onClick={() => put(items.filter((_, j) => j !== i))}>Remove {props.label} item {i + 1}</button>
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => put([...items, initialValue(s.items ?? {}, root)])}>Add {props.label} item</button>
    </fieldset>
  );
}

export function SchemaField(props: FieldProps) {
  const s = resolve(props.schema, props.root);
  const branches = branchesOf(s);
  if (branches && branches.length > 0) return <Choice {...props} branches={branches} />;
  if (s.type === 'object' || s.properties) return <ObjectField {...props} s={s} />;
  if (s.type === 'array') return <ArrayField {...props} s={s} />;
  const id = `f-${props.path}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const label = <Label for={id} text={props.label} required={props.required} description={s.description} />;
  const common = { id, required: props.required, 'aria-describedby': s.description ? `${id}-about` : undefined };
  if (s.const !== undefined) {
    if (props.value !== s.const) queueMicrotask(() => props.onChange(s.const));
    return <div>{label}<output id={id}>{JSON.stringify(s.const)}</output></div>;
  }
  if (Array.isArray(s.enum)) {
    return (
      <div>
        {label}
        <select {...common} value={props.value === undefined ? '' : JSON.stringify(props.value)} onChange={(e) => {
          const raw = (e.target as HTMLSelectElement).value;
          props.onChange(raw === '' ? undefined : JSON.parse(raw));
        }}>
          <option value="">{props.required ? '(choose)' : '(none)'}</option>
          {s.enum.map((option: unknown) => <option value={JSON.stringify(option)}>{String(option)}</option>)}
        </select>
      </div>
    );
  }
  if (s.type === 'boolean') {
    return (
      <div>
        <input {...common} type="checkbox" checked={props.value === true} onChange={(e) => props.onChange((e.target as HTMLInputElement).checked ? true : props.required ? false : undefined)} />
        {label}
      </div>
    );
  }
  if (s.type === 'number' || s.type === 'integer') {
    return (
      <div>
        {label}
        <input {...common} type="number" step={s.type === 'integer' ? 1 : 'any'} min={s.minimum > -1e15 ? s.minimum : undefined} max={s.maximum < 1e15 ? s.maximum : undefined} value={typeof props.value === 'number' ? String(props.value) : ''} onInput={(e) => {
          const raw = (e.target as HTMLInputElement).value;
          props.onChange(raw === '' ? undefined : Number(raw));
        }} />
      </div>
    );
  }
  const multiline = typeof s.maxLength !== 'number' && s.format === undefined && /text|body|content|code/i.test(props.path.split('.').pop() ?? '');
  const onInput = (e: Event) => {
    const raw = (e.target as HTMLInputElement).value;
    props.onChange(raw === '' && !props.required ? undefined : raw);
  };
  return (
    <div>
      {label}
      {multiline
        ? <textarea {...common} value={typeof props.value === 'string' ? props.value : ''} onInput={onInput} />
        : <input {...common} type={s.format === 'email' ? 'email' : s.format === 'uri' ? 'url' : 'text'} value={typeof props.value === 'string' ? props.value : props.value === undefined ? '' : JSON.stringify(props.value)} onInput={onInput} />}
    </div>
  );
}
