import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { escapePointer } from '../http/evidence.ts';

// ajv-formats is CommonJS; under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv);

export function validatorFor(schema: object): ValidateFunction {
  return ajv.compile(schema);
}

/** One line naming the field: `tls.caFile: must be string`, `unknown field "foo"`. */
export function firstError(errors: ErrorObject[] | null | undefined, root = ''): string {
  const e = errors?.[0];
  if (!e) return 'invalid';
  const path = [root, e.instancePath.replace(/^\//, '').replace(/\//g, '.')].filter(Boolean).join('.');
  if (e.keyword === 'additionalProperties') {
    const field = [path, (e.params as { additionalProperty: string }).additionalProperty]
      .filter(Boolean)
      .join('.');
    return `unknown field "${field}"`;
  }
  if (e.keyword === 'required') {
    const field = [path, (e.params as { missingProperty: string }).missingProperty].filter(Boolean).join('.');
    return `missing field "${field}"`;
  }
  if (e.keyword === 'enum') {
    return `${path || 'value'}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  }
  return `${path || 'value'}: ${e.message ?? 'invalid'}`;
}

/** Where an ajv error is in the answer: the member it names (an extra or a missing property), else its instance. */
export function errorPointer(e: ErrorObject): string {
  const params = e.params as { additionalProperty?: string; missingProperty?: string };
  const member =
    e.keyword === 'additionalProperties'
      ? params.additionalProperty
      : e.keyword === 'required'
        ? params.missingProperty
        : undefined;
  return member === undefined ? e.instancePath : `${e.instancePath}/${escapePointer(member)}`;
}
