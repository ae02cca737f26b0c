import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { SchemaProblem } from '../../../src/core/check.ts';
import { repoPath } from '../../../src/paths.ts';
import { cachedJson } from '../../../src/core/schema-cache.ts';

/**
 * The response models of the pinned Keyfactor-v1 OpenAPI (specs/keyfactor), and a validator for the part of
 * OpenAPI 3.0 they use (type, format, enum, pattern, nullable, properties, items, $ref, required). Property
 * names match without regard to case: the documents disagree (KeyfactorID in the reference, KeyfactorId in the
 * OpenAPI) and .NET serialisers read either; one field given in two casings must carry one value.
 */
export const MODELS = {
  certificate: 'Models.CertificateRetrievalResponse',
  renewal: 'Models.Enrollment.RenewalResponse',
  pfx: 'Models.Enrollment.PFXEnrollmentResponse',
  management: 'KeyfactorAPI.Models.Enrollment.EnrollmentManagementResponse',
  availableRenewal: 'Models.Enrollment.AvailableRenewal',
} as const;

export type ModelName = (typeof MODELS)[keyof typeof MODELS];

interface Schema {
  type?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  nullable?: boolean;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  $ref?: string;
}

const SPEC = repoPath('specs/keyfactor/keyfactor-command-v1.openapi.yaml');
const REF = '#/components/schemas/';
let text: string | undefined;
const components = new Map<string, Schema>();

/** One component schema, read from its own block of the file (parsing all 900 kB of YAML takes a second). */
function component(name: string): Schema {
  const known = components.get(name);
  if (known) return known;
  text ??= readFileSync(SPEC, 'utf8');
  const from = text.indexOf('\ncomponents:\n');
  const head = `\n    ${name}:\n`;
  const at = text.indexOf(head, from);
  if (from < 0 || at < 0) throw new Error(`${SPEC}: no component schema ${name}`);
  const start = at + head.length;
  const end = text.slice(start).search(/\n {4}\S/);
  const block = text.slice(start, end < 0 ? undefined : start + end).replace(/^ {6}/gm, '');
  const schema = parse(block) as Schema;
  components.set(name, schema);
  return schema;
}

/**
 * Reads every model (and what it references) once, before any target is contacted; the parsed schemas are kept
 * between processes (src/core/schema-cache.ts), since the YAML takes tens of milliseconds to parse.
 */
export function loadModels(): void {
  if (components.size) return;
  const parsed = cachedJson(
    'keyfactor-models',
    [readFileSync(SPEC), Buffer.from(JSON.stringify(MODELS))],
    () => {
      parseModels();
      return Object.fromEntries(components);
    },
  );
  for (const [name, schema] of Object.entries(parsed)) components.set(name, schema);
}

function parseModels(): void {
  const visit = (s: Schema | boolean | undefined): void => {
    if (!s || typeof s !== 'object') return;
    if (s.$ref) {
      const name = s.$ref.slice(REF.length);
      if (components.has(name)) return;
      return visit(component(name));
    }
    for (const p of Object.values(s.properties ?? {})) visit(p);
    visit(s.items);
    visit(s.additionalProperties);
  };
  for (const m of Object.values(MODELS)) visit({ $ref: `${REF}${m}` });
}

/** RFC 3339 date-time (OpenAPI `format: date-time`): a zone is required, fractions of any length. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9A-Fa-f]+$/;
/**
 * `format: byte` fields that really are base64. The certificate model also marks Thumbprint, SerialNumber and the
 * SAN/CRL hashes `format: byte`, while Command's documentation and its Renew model give thumbprints and serial
 * numbers in hex ("<hex thumbprint>"): those accept hex as well.
 */
const BASE64_ONLY = new Set(['contentbytes']);
const SECRET = /password|pkcs12blob|secret/i;

/**
 * Every way `value` departs from `model` (at most `limit`), each as "<where>: expected …, got …" with the JSON
 * pointer of its place in the answer.
 */
export function modelProblems(value: unknown, model: ModelName, limit = 5): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  walk(value, { $ref: `${REF}${model}` }, '', '', out);
  return out.slice(0, limit);
}

/** Every way `value` departs from `model` (at most `limit`), each as "<where>: expected …, got …". */
export function validateModel(value: unknown, model: ModelName, limit = 5): string[] {
  return modelProblems(value, model, limit).map((p) => p.text);
}

function walk(v: unknown, schema: Schema, where: string, prop: string, out: SchemaProblem[]): void {
  let s = schema;
  while (s.$ref) s = component(s.$ref.slice(REF.length));
  const at = where || '(the answer)';
  // A password or an archive is never quoted in a finding, whatever its type.
  const got = SECRET.test(prop) ? `a ${v === null ? 'null' : typeof v} (not shown)` : show(v);
  const fail = (expected: string) =>
    out.push({ pointer: where, text: `${at}: expected ${expected}, got ${got}` });
  if (v === null) {
    if (!s.nullable && s.type) fail(`${describe(s)} (not nullable)`);
    return;
  }
  if (v === undefined) return;
  switch (s.type) {
    case 'object': {
      if (typeof v !== 'object' || Array.isArray(v)) return void fail('a JSON object');
      objectFields(v as Record<string, unknown>, s, where, out);
      break;
    }
    case 'array':
      if (!Array.isArray(v)) return void fail(`an array`);
      if (s.items) v.forEach((item, i) => walk(item, s.items!, `${where}/${i}`, prop, out));
      break;
    case 'string': {
      if (typeof v !== 'string') return void fail(describe(s));
      if (s.format === 'date-time' && !DATE_TIME.test(v))
        return void fail('an RFC 3339 date-time (format: date-time)');
      if (s.format === 'uuid' && !UUID.test(v)) return void fail('a UUID (format: uuid)');
      const hexToo = s.format === 'byte' && !BASE64_ONLY.has(prop.toLowerCase());
      if (s.pattern && !new RegExp(s.pattern).test(v) && !(hexToo && HEX.test(v)))
        return void fail(
          `${s.format === 'byte' ? `base64${hexToo ? ' or hex' : ''} (format: byte)` : `a match of ${s.pattern}`}`,
        );
      break;
    }
    case 'integer': {
      const ok =
        typeof v === 'number' &&
        Number.isInteger(v) &&
        (s.format !== 'int32' || (v >= -(2 ** 31) && v < 2 ** 31));
      if (!ok) return void fail(describe(s));
      break;
    }
    case 'number':
      if (typeof v !== 'number') return void fail('a number');
      break;
    case 'boolean':
      if (typeof v !== 'boolean') return void fail('a boolean');
      break;
  }
  if (s.enum && !s.enum.includes(v)) fail(`one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`);
}

function objectFields(obj: Record<string, unknown>, s: Schema, where: string, out: SchemaProblem[]): void {
  const props = Object.entries(s.properties ?? {});
  const byName = new Map<string, string[]>();
  for (const key of Object.keys(obj)) {
    const name = props.find(([p]) => p.toLowerCase() === key.toLowerCase())?.[0];
    if (name === undefined) {
      // Fields the model does not name are allowed (OpenAPI objects are open), unless it types them.
      if (s.additionalProperties && typeof s.additionalProperties === 'object')
        walk(obj[key], s.additionalProperties, `${where}/${key}`, key, out);
      continue;
    }
    byName.set(name, [...(byName.get(name) ?? []), key]);
  }
  for (const [name, keys] of byName) {
    const values = new Set(keys.map((k) => JSON.stringify(obj[k])));
    if (values.size > 1) {
      out.push({
        pointer: `${where}/${keys[0]}`,
        text: `${where}/${keys.join(' and ')}: one field in two casings with different values`,
      });
      continue;
    }
    walk(obj[keys[0]!], s.properties![name]!, `${where}/${keys[0]}`, name, out);
  }
  for (const name of s.required ?? [])
    if (!byName.has(name))
      out.push({
        pointer: `${where}/${name}`,
        text: `${where || '(the answer)'}: required field ${name} is missing`,
      });
}

function describe(s: Schema): string {
  if (s.type === 'integer') return `an integer${s.format ? ` (${s.format})` : ''}`;
  if (s.type === 'string') return 'a string';
  return s.type ? `a ${s.type}` : 'a value';
}

function show(v: unknown): string {
  const json = JSON.stringify(v);
  return json === undefined ? String(v) : json.length > 80 ? `${json.slice(0, 80)}…` : json;
}
