import { readFileSync, readdirSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import type { SchemaProblem } from '../../src/core/check.ts';
import { repoPath } from '../../src/paths.ts';
import { cachedValidators } from '../../src/core/schema-cache.ts';
import { errorPointer } from '../../src/core/schema.ts';

/**
 * ajv over the pinned DMTF schemas (specs/redfish/schemas), compiled once per process. The versioned
 * definition is chosen from @odata.type, as the DMTF Service Validator does; unversioned files are anyOf
 * over every minor version and give useless errors.
 */
const BASE_URI = 'http://redfish.dmtf.org/schemas/v1/';
const DIR = repoPath('specs/redfish/schemas');
/** Edm.DateTimeOffset as the DMTF Service Validator accepts it (seconds optional, as in DMTF's own examples). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

let ajv: Ajv | undefined;
let fileList: string[] | undefined;
const cache = new Map<string, ValidateFunction>();

/** The pinned schema files. */
function schemaFiles(): string[] {
  return (fileList ??= readdirSync(DIR).filter((f) => f.endsWith('.json')));
}

function instance(): Ajv {
  if (ajv) return ajv;
  // `code.source` keeps the generated code, so compiled validators can be cached (src/core/schema-cache.ts).
  const a = new Ajv({ strict: false, allErrors: true, code: { source: true } });
  a.addFormat('date-time', DATE_TIME);
  a.addFormat('uri-reference', true);
  a.addMetaSchema(
    JSON.parse(readFileSync(`${DIR}/redfish-schema-v1.json`, 'utf8')),
    `${BASE_URI}redfish-schema-v1.json`,
  );
  for (const f of schemaFiles())
    if (f !== 'redfish-schema-v1.json')
      a.addSchema(JSON.parse(readFileSync(`${DIR}/${f}`, 'utf8')), BASE_URI + f);
  ajv = a;
  return a;
}

export interface OdataType {
  namespace: string;
  major: number;
  minor: number;
  errata: number;
  type: string;
}

/** `#Certificate.v1_5_0.Certificate` → {namespace Certificate, 1, 5, 0, type Certificate}. */
export function parseOdataType(value: unknown): OdataType | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^#([A-Za-z0-9]+)\.v(\d+)_(\d+)_(\d+)\.([A-Za-z0-9]+)$/.exec(value);
  if (!m) return undefined;
  return { namespace: m[1]!, major: Number(m[2]), minor: Number(m[3]), errata: Number(m[4]), type: m[5]! };
}

/** The pinned file for a namespace and minor version (any errata: errata do not change the payload). */
export function schemaFile(namespace: string, major: number, minor: number): string | undefined {
  const candidates = schemaFiles().filter((f) => f.startsWith(`${namespace}.v${major}_${minor}_`));
  return candidates.sort().pop();
}

/**
 * The departures of `body` from `definition` of the schema version `odataType` names, each with the JSON pointer
 * of its place in the body (`checkSchema` names the first in the finding).
 */
export function problemsAs(
  body: unknown,
  odataType: OdataType,
  definition = odataType.type,
): SchemaProblem[] {
  const file = schemaFile(odataType.namespace, odataType.major, odataType.minor);
  if (!file)
    return [
      {
        pointer: '',
        text: `no pinned schema for ${odataType.namespace} v${odataType.major}_${odataType.minor} (schemas in specs/redfish/schemas)`,
      },
    ];
  return problemsAt(body, `${BASE_URI}${file}#/definitions/${definition}`);
}

/** Validates `body` against `definition` of the schema version `odataType` names; returns readable errors. */
export function validateAs(body: unknown, odataType: OdataType, definition = odataType.type): string[] {
  return texts(problemsAs(body, odataType, definition));
}

/** The departures of a payload from its own @odata.type; a missing or malformed @odata.type is one itself. */
export function payloadProblems(body: unknown): SchemaProblem[] {
  const type = parseOdataType((body as { '@odata.type'?: unknown } | null)?.['@odata.type']);
  if (!type)
    return [
      {
        pointer: '/@odata.type',
        text: `@odata.type missing or malformed: ${JSON.stringify((body as Record<string, unknown> | null)?.['@odata.type'])}`,
      },
    ];
  return problemsAs(body, type);
}

/** Validates against a payload's own @odata.type; a missing or malformed @odata.type is itself an error. */
export function validatePayload(body: unknown): string[] {
  return texts(payloadProblems(body));
}

/**
 * The departures of a payload whose schema is pinned: versioned types by their version, unversioned ones
 * (`#CertificateCollection.CertificateCollection`) by the unversioned file. undefined = no pinned schema.
 */
export function pinnedProblems(body: unknown): SchemaProblem[] | undefined {
  const raw = (body as { '@odata.type'?: unknown } | null)?.['@odata.type'];
  const type = parseOdataType(raw);
  if (type) return schemaFile(type.namespace, type.major, type.minor) ? problemsAs(body, type) : undefined;
  const m = typeof raw === 'string' ? /^#([A-Za-z0-9]+)\.([A-Za-z0-9]+)$/.exec(raw) : null;
  if (!m)
    return [{ pointer: '/@odata.type', text: `@odata.type missing or malformed: ${JSON.stringify(raw)}` }];
  if (!schemaFiles().includes(`${m[1]}.json`)) return undefined;
  return problemsAt(body, `${BASE_URI}${m[1]}.json#/definitions/${m[2]}`);
}

/** `pinnedProblems` as readable lines. */
export function validatePinned(body: unknown): string[] | undefined {
  const problems = pinnedProblems(body);
  return problems && texts(problems);
}

/** The departures of an error answer from the Redfish error schema. */
export function errorProblems(body: unknown): SchemaProblem[] {
  return problemsAt(body, `${BASE_URI}redfish-error.v1_0_2.json`);
}

export function validateError(body: unknown): string[] {
  return texts(errorProblems(body));
}

const texts = (problems: SchemaProblem[]) => problems.map((p) => p.text);

function problemsAt(body: unknown, ref: string): SchemaProblem[] {
  let validate = cache.get(ref);
  if (!validate) {
    const v = instance().getSchema(ref);
    if (!v) return [{ pointer: '', text: `schema ${ref} not found` }];
    validate = v;
    cache.set(ref, validate);
  }
  if (validate(body)) return [];
  // A resource is anyOf [a bare reference {"@odata.id"}, the resource itself]: what the reference branch says
  // ("must NOT have additional properties" for every property) hides what is wrong with the resource.
  const all = validate.errors ?? [];
  const anyOf = all.some((e) => e.schemaPath.startsWith('#/anyOf/'));
  const telling = all.filter(
    (e) =>
      !(
        anyOf &&
        e.instancePath === '' &&
        (e.schemaPath === '#/additionalProperties' || e.keyword === 'anyOf')
      ),
  );
  return (telling.length ? telling : all).slice(0, 5).map((e) => {
    const where = e.instancePath || '/';
    const extra =
      e.keyword === 'additionalProperties'
        ? ` "${(e.params as { additionalProperty: string }).additionalProperty}"`
        : e.keyword === 'enum'
          ? ` ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues).slice(0, 120)}`
          : '';
    return { pointer: errorPointer(e), text: `${where} ${e.message ?? e.keyword}${extra}` };
  });
}

/** Namespaces whose payloads the suite validates (by whatever version a service names). */
const VALIDATED = [
  'Certificate',
  'CertificateLocations',
  'Task',
  'TaskService',
  'CertificateService',
  'ActionInfo',
];

/**
 * Compiles every validator the suite can need, once, before any target is contacted (ApiDefinition.prepare):
 * compiling mid-rule blocks the event loop for seconds, and a BMC closes keep-alive sockets left idle that long.
 */
export function compileAll(): void {
  const files = schemaFiles();
  const refs: string[] = [];
  for (const f of files) {
    const m = /^([A-Za-z]+)\.v\d+_\d+_\d+\.json$/.exec(f);
    if (!m || !VALIDATED.includes(m[1]!)) continue;
    refs.push(`${BASE_URI}${f}#/definitions/${m[1]}`);
    if (m[1] === 'Certificate') refs.push(`${BASE_URI}${f}#/definitions/RekeyResponse`);
  }
  for (const c of ['CertificateCollection', 'TaskCollection'])
    if (files.includes(`${c}.json`)) refs.push(`${BASE_URI}${c}.json#/definitions/${c}`);
  refs.push(`${BASE_URI}redfish-error.v1_0_2.json`);
  // Compiling them all takes seconds; the code ajv generates is cached, keyed by the schemas it came from.
  const compiled = cachedValidators(
    'redfish',
    instance,
    refs,
    files.map((f) => readFileSync(`${DIR}/${f}`)),
  );
  for (const [ref, validate] of compiled) cache.set(ref, validate);
}

/** Base registry message definitions (for MessageArgs counts and order). */
export const BASE_REGISTRY = JSON.parse(
  readFileSync(repoPath('specs/redfish/registries/Base.1.22.1.json'), 'utf8'),
) as {
  Messages: Record<string, { Message: string; NumberOfArgs?: number; ParamTypes?: string[] }>;
};

/** Certificate.json `uris` patterns as regular expressions. */
export function certificateUriPatterns(): RegExp[] {
  const doc = JSON.parse(readFileSync(`${DIR}/Certificate.json`, 'utf8')) as {
    definitions: { Certificate: { uris: string[] } };
  };
  return doc.definitions.Certificate.uris.map((u) => new RegExp(`^${u.replace(/\{[^}]+\}/g, '[^/]+')}$`));
}
