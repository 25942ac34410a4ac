/**
 * Configuration is plain data: objects, arrays, strings, numbers, booleans and null. Checked before
 * anything else reads it, because a key named `__proto__` turns into a prototype as soon as the
 * object is copied with `out[key] = value` (JSON.parse and the YAML parser both keep it as an own
 * key; a copy then inherits its fields), and inherited fields slip past the unknown-field check: a
 * tenant could come out with `baseUrl: https://evil.example` that no validation ever saw.
 */
import type { ConfigurationProblem } from '../errors.js';
import { showUntrusted } from '../untrusted-text.js';

/** Keys refused anywhere in configuration: each names part of JavaScript's object machinery. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Deepest nesting accepted (the schema's deepest field is 3 levels down; this also stops cycles). */
export const MAX_CONFIG_DEPTH = 32;

/**
 * Where a path points, as a problem names it: the tenant id and the field below it when the path is
 * inside `tenants`, else the dotted path. Every segment is escaped and cut (they are keys the file's
 * author or a caller chose; a 1 MiB key is shown as 64 characters).
 */
export function problemLocation(path: readonly string[]): Pick<ConfigurationProblem, 'tenant' | 'field'> {
  const shown = path.map((segment) => showUntrusted(segment));
  if (path[0] === 'tenants' && shown[1] !== undefined) {
    return { tenant: shown[1], field: shown.slice(2).join('.') || '(tenant)' };
  }
  return { field: shown.join('.') || '(root)' };
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || (Array.isArray(value) && proto === Array.prototype);
}

/**
 * Every way `value` (found at `path`) is not plain configuration data: a forbidden key, an object
 * with a prototype of its own (a class instance, or `{ __proto__: { … } }` written in code, whose
 * fields would be inherited), nesting deeper than {@link MAX_CONFIG_DEPTH}. Never quotes a value.
 */
export function plainDataProblems(value: unknown, path: readonly string[] = []): ConfigurationProblem[] {
  const problems: ConfigurationProblem[] = [];
  const walk = (node: unknown, at: string[]): void => {
    if (typeof node !== 'object' || node === null) return;
    if (at.length > MAX_CONFIG_DEPTH) {
      problems.push({ ...problemLocation(at), reason: `nested deeper than ${MAX_CONFIG_DEPTH} levels` });
      return;
    }
    if (!isPlain(node)) {
      problems.push({
        ...problemLocation(at),
        reason: 'must be plain data (an object literal, JSON or YAML), not an object with a prototype',
      });
      return;
    }
    for (const key of Object.keys(node)) {
      if (FORBIDDEN_KEYS.has(key)) {
        problems.push({
          ...problemLocation([...at, key]),
          reason: `the key "${key}" is not allowed in configuration`,
        });
        continue;
      }
      walk((node as Record<string, unknown>)[key], [...at, key]);
    }
  };
  walk(value, [...path]);
  return problems;
}
