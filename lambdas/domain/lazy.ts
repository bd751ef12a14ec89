/**
 * A value built on first use instead of at module load: a zod schema (each costs a cold start
 * its construction, tens of microseconds, and a shared module holds dozens that most handlers
 * never parse with) or a table of them. What is returned stands for the value in every way the
 * code uses it (properties, methods, `in`, spreading, `instanceof`); the builder runs once, at
 * the first of those.
 */
export function lazily<T extends object>(build: () => T): T {
  let built: T | undefined;
  const value = (): T => {
    built ??= build();
    return built;
  };
  return new Proxy({} as T, {
    get: (_target, key) => Reflect.get(value(), key, value()),
    set: (_target, key, next) => Reflect.set(value(), key, next),
    has: (_target, key) => Reflect.has(value(), key),
    ownKeys: () => Reflect.ownKeys(value()),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(value(), key);
      // The proxy's own target lacks the property: a proxy may not report it as fixed.
      return descriptor && { ...descriptor, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(value()),
  });
}
