import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { UsageError } from './errors.ts';
import { validatorFor, firstError } from './schema.ts';

/** Known deviations of one target: rule ID → the comment saying why the failure is expected. */
export type Expectations = Map<string, string>;

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['deviations'],
  properties: {
    description: { type: 'string' },
    deviations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['rule', 'comment'],
        properties: {
          rule: { type: 'string', minLength: 1 },
          comment: { type: 'string', minLength: 10 },
        },
      },
    },
  },
};

const validate = validatorFor(schema);

export function loadExpectations(file: string, knownRules: ReadonlySet<string>): Expectations {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`expectations ${file}: cannot read: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!validate(doc)) throw new UsageError(`expectations ${file}: ${firstError(validate.errors)}`);
  const out: Expectations = new Map();
  for (const d of (doc as { deviations: { rule: string; comment: string }[] }).deviations) {
    if (!knownRules.has(d.rule)) throw new UsageError(`expectations ${file}: unknown rule ${d.rule}`);
    out.set(d.rule, d.comment);
  }
  return out;
}
