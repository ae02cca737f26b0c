import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { escapePointer } from '../http/evidence.ts';
import { cachedValidators } from './schema-cache.ts';

// ajv-formats is CommonJS; under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const validators = new Map<string, ValidateFunction>();

/**
 * The validator of a JSON Schema (the profile's, the expectations file's, an API's params). Compiled once per
 * machine: later processes load the code ajv generated (src/core/schema-cache.ts), a start-up cost of a few
 * milliseconds where compiling took tens.
 */
export function validatorFor(schema: object): ValidateFunction {
  const text = JSON.stringify(schema);
  let validate = validators.get(text);
  if (!validate) {
    const build = () => {
      const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, code: { source: true } });
      addFormats(ajv);
      ajv.addSchema(schema, 'schema');
      return ajv;
    };
    validate = cachedValidators('schema', build, ['schema'], [Buffer.from(text)]).get('schema')!;
    validators.set(text, validate);
  }
  return validate;
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
