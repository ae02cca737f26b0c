import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedJson, cachedValidators, SCHEMA_CACHE_DIR } from './schema-cache.ts';

const name = `test-${process.pid}-${Date.now()}`;
const schema = {
  $id: 'https://certconform.test/widget.json',
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string' } },
};
const refs = ['https://certconform.test/widget.json', 'https://certconform.test/missing.json'];
const mine = () => readdirSync(SCHEMA_CACHE_DIR).filter((f) => f.startsWith(name));

describe('cachedValidators', () => {
  let builds = 0;
  const ajv = () => {
    builds++;
    const a = new Ajv({ allErrors: true, code: { source: true } });
    a.addSchema(schema);
    return a;
  };
  afterEach(() => {
    for (const f of mine()) rmSync(join(SCHEMA_CACHE_DIR, f));
  });

  it('compiles once, then loads the generated code: the same verdicts and errors, no ajv built', () => {
    const sources = [Buffer.from(JSON.stringify(schema))];
    const first = cachedValidators(name, ajv, refs, sources);
    expect(builds).toBe(1);
    expect(mine()).toHaveLength(1);
    const again = cachedValidators(name, ajv, refs, sources);
    expect(builds).toBe(1);
    // A ref the schemas do not hold is left out, both times.
    expect([...first.keys()]).toEqual(['https://certconform.test/widget.json']);
    expect([...again.keys()]).toEqual(['https://certconform.test/widget.json']);
    for (const v of [
      first.get('https://certconform.test/widget.json')!,
      again.get('https://certconform.test/widget.json')!,
    ]) {
      expect(v({ id: 'a' })).toBe(true);
      expect(v({ id: 1 })).toBe(false);
      expect(v.errors?.[0]).toMatchObject({ instancePath: '/id', keyword: 'type' });
    }
  });

  it('other sources are another cache entry; a damaged entry is compiled and written again', () => {
    builds = 0;
    cachedValidators(name, ajv, refs, [Buffer.from('one')]);
    cachedValidators(name, ajv, refs, [Buffer.from('two')]);
    expect(builds).toBe(2);
    expect(mine()).toHaveLength(2);
    for (const f of mine()) writeFileSync(join(SCHEMA_CACHE_DIR, f), 'this is not javascript {');
    const v = cachedValidators(name, ajv, refs, [Buffer.from('one')]).get(
      'https://certconform.test/widget.json',
    )!;
    expect(builds).toBe(3);
    expect(v({ id: 'a' })).toBe(true);
  });

  it('keeps a recursive schema too (a tree of nodes), and loads it back', () => {
    const tree = () => {
      const a = new Ajv({ allErrors: true, code: { source: true } });
      a.addSchema({
        $id: 'https://certconform.test/node.json',
        type: 'object',
        properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#' } } },
      });
      return a;
    };
    const ref = ['https://certconform.test/node.json'];
    cachedValidators(name, tree, ref, [Buffer.from('tree')]);
    expect(mine()).toHaveLength(1);
    const v = cachedValidators(name, () => expect.fail('compiled again'), ref, [Buffer.from('tree')]).get(
      ref[0]!,
    )!;
    expect(v({ name: 'a', children: [{ name: 'b', children: [] }] })).toBe(true);
    expect(v({ name: 'a', children: [{ name: 1 }] })).toBe(false);
    expect(v.errors?.[0]).toMatchObject({ instancePath: '/children/0/name' });
  });
});

describe('cachedJson', () => {
  afterEach(() => {
    for (const f of mine()) rmSync(join(SCHEMA_CACHE_DIR, f));
  });

  it('computes once per sources, then reads the kept value; a damaged entry is computed again', () => {
    let computed = 0;
    const compute = () => ({ n: ++computed, list: [1, 'two'] });
    expect(cachedJson(name, [Buffer.from('a')], compute)).toEqual({ n: 1, list: [1, 'two'] });
    expect(cachedJson(name, [Buffer.from('a')], compute)).toEqual({ n: 1, list: [1, 'two'] });
    expect(cachedJson(name, [Buffer.from('b')], compute)).toEqual({ n: 2, list: [1, 'two'] });
    for (const f of mine()) writeFileSync(join(SCHEMA_CACHE_DIR, f), '{ not json');
    expect(cachedJson(name, [Buffer.from('a')], compute).n).toBe(3);
  });
});
