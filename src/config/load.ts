/**
 * `loadConfigFile(path)`: tenant configuration from YAML or JSON, with `${ENV_VAR}` references
 * resolved after parsing (so a secret's characters can never break the file's syntax). A missing
 * variable is named in the error; a value never is. `$${X}` stands for a literal `${X}`. Only the
 * environment's own variables count (`${constructor}` is not `Object`), and a `__proto__`,
 * `constructor` or `prototype` key anywhere in the file is refused before anything copies it.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import type { PayrollIdentityConfig } from '../container/identity.js';
import { type ConfigurationProblem, InvalidConfigurationError } from '../errors.js';
import { showUntrusted } from '../untrusted-text.js';
import { plainDataProblems, problemLocation } from './plain-data.js';

/**
 * The YAML parser is loaded on the first YAML file, not with the library: most hosts configure in
 * code or JSON, and importing it costs ~35 ms of every cold start (docs/performance.md).
 */
let yaml: typeof import('yaml') | undefined;

/** A YAML parse failure at an offset into the text (the parser's message is never kept: it quotes the line). */
class YamlFailure extends Error {
  constructor(readonly pos: [number, number]) {
    super('invalid YAML');
  }
}

/**
 * Parses YAML with the parser's own duplicate-key check off (it compares every key of a map with
 * every other: 16,000 keys took 4 s, 50,000 took 99 s) and a linear one of ours instead: a Set per
 * mapping. A duplicate key is an error at the second key's position, as the parser would report it.
 */
function parseYaml(text: string): unknown {
  yaml ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const { isMap, isScalar, parseDocument, visit } = yaml;
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  const first = doc.errors[0];
  if (first) throw new YamlFailure(first.pos);
  let duplicate: [number, number] | undefined;
  visit(doc, {
    Map(_key, node) {
      if (!isMap(node)) return undefined;
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          const range = isScalar(pair.key) ? pair.key.range : undefined;
          duplicate = range ? [range[0], range[1]] : [0, 0];
          return visit.BREAK;
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  if (duplicate) throw new YamlFailure(duplicate);
  return doc.toJS({ maxAliasCount: 100 });
}

/**
 * Largest configuration file read: 16 MiB holds tens of thousands of tenants; anything larger is a
 * mistake (or an attack on start-up time), refused before it is parsed.
 */
const MAX_CONFIG_FILE_BYTES = 16 * 1024 * 1024;

const REF_RE = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The variable's value when the environment itself holds it (not its prototype: `toString`…). */
function lookup(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  if (!Object.hasOwn(env, name)) return undefined;
  const value = env[name];
  return typeof value === 'string' ? value : undefined;
}

/** `out[key] = value` that defines an own property even for `__proto__` (never a prototype). */
function define(out: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Replaces `${NAME}` in every string of `value`, collecting a problem for each unset variable. */
export function substituteEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  problems: ConfigurationProblem[] = [],
  path: string[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(REF_RE, (whole, escaped: string, name: string) => {
      if (escaped) return whole.slice(1);
      const v = lookup(env, name);
      if (v === undefined || v === '') {
        problems.push({
          ...problemLocation(path),
          reason: `environment variable ${showUntrusted(name)} is not set`,
        });
        return '';
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, problems, [...path, String(i)]));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) define(out, k, substituteEnv(v, env, problems, [...path, k]));
    return out;
  }
  return value;
}

/** `JSON.parse`'s "at position 12" (Node 20) or "(line 2 column 5)": only the digits are read. */
const JSON_POSITION_RE = /at position (\d{1,10})/;

/**
 * Where a parse error points, as an offset into the text. yaml's errors carry `pos` (their
 * `linePos` exists only with `prettyErrors`, which also quotes the line: never used here). The
 * message is read only for JSON's position, and only its first 200 characters (regex on a bounded
 * string), and nothing of it is kept.
 */
function errorOffset(error: unknown): number | undefined {
  const pos = (error as { pos?: unknown }).pos;
  if (Array.isArray(pos) && typeof pos[0] === 'number') return pos[0];
  if (error instanceof SyntaxError) {
    const match = JSON_POSITION_RE.exec(error.message.slice(0, 200));
    if (match) return Number(match[1]);
  }
  return undefined;
}

/** `line 3, column 31` (both from 1) of an offset into `text`. */
function lineAndColumn(text: string, offset: number): string {
  const at = Math.min(Math.max(offset, 0), text.length);
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${at - lineStart + 1}`;
}

/** Options of {@link loadConfigFile}. */
export interface LoadConfigOptions {
  /** Variables for `${NAME}`; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Reads a YAML (`.yaml`, `.yml`) or JSON file of tenant configuration and resolves its `${ENV_VAR}`
 * references. Validation happens in `createPayrollIdentity`, which takes the result as it is (typed
 * for it; the file's content is checked there, every problem at once).
 *
 * @example
 * ```ts
 * const identity = createPayrollIdentity({ ...loadConfigFile('tenants.yaml'), logger });
 * ```
 */
export function loadConfigFile(
  path: string,
  options: LoadConfigOptions = {},
): Pick<PayrollIdentityConfig, 'tenants'> {
  let text: string;
  try {
    if (statSync(path).size > MAX_CONFIG_FILE_BYTES) {
      throw InvalidConfigurationError.of([
        {
          field: '(file)',
          reason: `${showUntrusted(path, 256)} is larger than ${MAX_CONFIG_FILE_BYTES} bytes`,
        },
      ]);
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof InvalidConfigurationError) throw error;
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw InvalidConfigurationError.of([
      { field: '(file)', reason: `cannot read ${showUntrusted(path, 256)} (${showUntrusted(code)})` },
    ]);
  }
  let raw: unknown;
  try {
    raw = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    // Parser messages quote the offending line, which may hold a secret: keep only the position.
    const offset = errorOffset(error);
    const where = offset === undefined ? '' : ` at ${lineAndColumn(text, offset)}`;
    throw InvalidConfigurationError.of([
      {
        field: '(file)',
        reason: `${showUntrusted(path, 256)} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}${where}`,
      },
    ]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw InvalidConfigurationError.of([
      { field: '(root)', reason: `${showUntrusted(path, 256)} must hold an object with "tenants"` },
    ]);
  }
  // Before anything copies it: a copied `__proto__` key becomes the copy's prototype.
  const unsafe = plainDataProblems(raw);
  if (unsafe.length > 0) throw InvalidConfigurationError.of(unsafe);
  const problems: ConfigurationProblem[] = [];
  const resolved = substituteEnv(raw, options.env ?? process.env, problems) as Pick<
    PayrollIdentityConfig,
    'tenants'
  >;
  if (problems.length > 0) throw InvalidConfigurationError.of(problems);
  return resolved;
}
