/**
 * `fn` remembered for its last `size` distinct keys. For pure, costly work on values that recur: a self-test
 * parses the same certificates, CSRs and keys hundreds of times. Callers must treat what it returns as frozen. A
 * call that throws is not remembered (the next call throws the same, with its own message).
 */
export function remember<A extends unknown[], R>(
  fn: (...args: A) => R,
  keyOf: (...args: A) => string,
  size = 256,
): (...args: A) => R {
  const seen = new Map<string, R>();
  return (...args: A): R => {
    const key = keyOf(...args);
    if (seen.has(key)) {
      const value = seen.get(key)!;
      // Most recently used last: the first key is the one to forget.
      seen.delete(key);
      seen.set(key, value);
      return value;
    }
    const value = fn(...args);
    seen.set(key, value);
    if (seen.size > size) seen.delete(seen.keys().next().value!);
    if (value instanceof Promise) value.catch(() => seen.delete(key));
    return value;
  };
}
