import { afterEach, expect } from 'vitest';

// Hostile input must never reach Object.prototype: checked after every test in the suite.
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
});
