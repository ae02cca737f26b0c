import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import type { SchemaProblem } from '../../../src/core/check.ts';
import { cachedValidators } from '../../../src/core/schema-cache.ts';
import { errorPointer } from '../../../src/core/schema.ts';
import { repoPath } from '../../../src/paths.ts';
import { SOURCES } from '../sources.ts';

// ajv-formats is CommonJS; under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** The pinned OpenAPI documents whose component schemas the answers are judged by. */
const DOCUMENTS = ['openapi-v2', 'openapi-legacy', 'openapi-certificate'] as const;
type Document = (typeof DOCUMENTS)[number];

/** Every DTO the suite reads, and the document that defines it. */
export const DTOS = {
  ClientCertificateDataResponseDto: 'openapi-v2',
  CertificateDetailDto: 'openapi-certificate',
  CertificateChainResponseDto: 'openapi-certificate',
  CertificateResponseDto: 'openapi-certificate',
  ClientEndEntityDto: 'openapi-legacy',
  ClientCertificateSignResponseDto: 'openapi-legacy',
} as const satisfies Record<string, Document>;

export type Dto = keyof typeof DTOS;

const idOf = (doc: Document) => `https://certconform.invalid/czertainly/${doc}.json`;
const refOf = (dto: Dto) => `${idOf(DTOS[dto])}#/components/schemas/${dto}`;

/**
 * OpenAPI's `discriminator` (propertyName + mapping) over a `oneOf`, as JSON Schema: the property names the
 * schema to apply. The `oneOf` alone can match more than one branch (V2 and V3 attributes share their fields) and
 * then rejects a valid value; OpenAPI says the discriminator decides. A `oneOf` without one becomes `anyOf`.
 */
function resolveDiscriminators(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(resolveDiscriminators);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = resolveDiscriminators(v);
  const d = out.discriminator as { propertyName?: string; mapping?: Record<string, string> } | undefined;
  if (!d && Array.isArray(out.oneOf)) {
    // A plain oneOf lists the kinds a Java type may be; its branches overlap (string and text content have the
    // same shape), so "exactly one" would refuse what the document itself describes: any one of them will do.
    out.anyOf = out.oneOf;
    delete out.oneOf;
  } else if (d?.propertyName && d.mapping && Array.isArray(out.oneOf)) {
    const p = d.propertyName;
    const keys = Object.keys(d.mapping);
    delete out.oneOf;
    delete out.discriminator;
    out.allOf = [
      ...((out.allOf as unknown[] | undefined) ?? []),
      { required: [p], properties: { [p]: { enum: keys } } },
      ...keys.map((k) => ({ if: { properties: { [p]: { const: k } } }, then: { $ref: d.mapping![k] } })),
    ];
  }
  return out;
}

/** Only the component schemas: the rest of an OpenAPI document is not JSON Schema. */
function documentSchema(doc: Document, text: Buffer): object {
  const spec = parse(text.toString('utf8')) as { components: { schemas: object } };
  return { $id: idOf(doc), components: { schemas: resolveDiscriminators(spec.components.schemas) } };
}

let validators: Map<string, ValidateFunction> | undefined;

/** Compiles (or loads the cached code of) the validators of every DTO; called once, before any target. */
export function prepareSchemas(): void {
  if (validators) return;
  const docs = DOCUMENTS.map((doc) => ({ doc, text: readFileSync(repoPath(SOURCES[doc].local)) }));
  const refs = (Object.keys(DTOS) as Dto[]).map(refOf);
  validators = cachedValidators(
    'czertainly-openapi',
    () => {
      const ajv = new Ajv2020({ strict: false, allErrors: true, code: { source: true } });
      addFormats(ajv);
      // Java's integer widths (springdoc writes them as formats): the type already says integer.
      ajv.addFormat('int32', true);
      ajv.addFormat('int64', true);
      // Parsed only when the cache misses: the YAML documents are large.
      for (const d of docs) ajv.addSchema(documentSchema(d.doc, d.text), idOf(d.doc));
      return ajv;
    },
    refs,
    // The transformation is part of what was compiled: a change to it must not load stale code.
    [...docs.map((d) => d.text), Buffer.from(resolveDiscriminators.toString())],
  );
}

/**
 * A JSON answer without its `null` members. springdoc does not mark nullability and the platform's Jackson writes
 * unset fields as null: an optional field that is null is a field not given. A required one is then missing.
 */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

function describe(e: ErrorObject): string {
  const at = e.instancePath || '(the answer)';
  if (e.keyword === 'required')
    return `${e.instancePath || ''}/${(e.params as { missingProperty: string }).missingProperty}: required, missing`;
  if (e.keyword === 'enum')
    return `${at}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  if (e.keyword === 'if') return ''; // the branch's own errors say what is wrong
  return `${at}: ${e.message ?? 'invalid'}`;
}

/**
 * The problems of `body` as a `dto` (empty when it conforms), each with the JSON pointer of its place in the
 * answer (null members are taken out before validating; the places are the same), at most `max` and a count.
 */
export function dtoProblems(dto: Dto, body: unknown, max = 5): SchemaProblem[] {
  prepareSchemas();
  const validate = validators!.get(refOf(dto));
  if (!validate) throw new Error(`no compiled schema for ${dto}`);
  if (validate(withoutNulls(body))) return [];
  const byText = new Map<string, SchemaProblem>();
  for (const e of validate.errors ?? []) {
    const text = describe(e);
    if (text && !byText.has(text)) byText.set(text, { pointer: errorPointer(e), text });
  }
  const all = [...byText.values()];
  return all.length > max
    ? [...all.slice(0, max), { pointer: all[max]!.pointer, text: `… ${all.length - max} more` }]
    : all;
}

/** The problems of `body` as a `dto` (empty when it conforms), one line each, at most `max`. */
export function validateDto(dto: Dto, body: unknown, max = 5): string[] {
  return dtoProblems(dto, body, max).map((p) => p.text);
}
