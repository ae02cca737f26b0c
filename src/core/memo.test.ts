import { describe, expect, it } from 'vitest';
import { remember } from './memo.ts';

describe('remember', () => {
  it('computes once per key and forgets the least recently used beyond its size', () => {
    const calls: string[] = [];
    const twice = remember(
      (s: string) => (calls.push(s), s + s),
      (s) => s,
      2,
    );
    expect([twice('a'), twice('b'), twice('a'), twice('c'), twice('b')]).toEqual([
      'aa',
      'bb',
      'aa',
      'cc',
      'bb',
    ]);
    // 'b' was the least recently used when 'c' came, so it was computed again.
    expect(calls).toEqual(['a', 'b', 'c', 'b']);
  });

  it('does not remember a throw or a rejected promise', async () => {
    let n = 0;
    const flaky = remember(
      (s: string) => {
        if (n++ === 0) throw new Error(`bad ${s}`);
        return s;
      },
      (s) => s,
    );
    expect(() => flaky('x')).toThrow('bad x');
    expect(flaky('x')).toBe('x');
    let m = 0;
    const later = remember(
      (s: string) => (m++ === 0 ? Promise.reject(new Error('no')) : Promise.resolve(s)),
      (s) => s,
    );
    await expect(later('y')).rejects.toThrow('no');
    await expect(later('y')).resolves.toBe('y');
  });
});
