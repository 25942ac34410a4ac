/**
 * A credential as configuration holds it: the value lives in a `#private` field, so no way of
 * printing the object shows it (`util.inspect` at any depth or with `showHidden`, `console.log`,
 * `JSON.stringify`, `String()`, a template literal; `structuredClone` copies no private field and
 * gives `{}`). Only {@link Secret.reveal} reads it: the provider's auth strategy, when it builds a
 * header and when it hands the value to the redactor.
 */
import { inspect } from 'node:util';
import { secretString } from '../config/schema.js';

/** What every printed form of a {@link Secret} shows. */
const HIDDEN = '[REDACTED]';

/** A credential whose value only {@link Secret.reveal} gives: every printed form shows `[REDACTED]`. */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    Object.freeze(this);
  }

  /** The credential itself: for an auth strategy's headers and secrets, nothing else. */
  reveal(): string {
    return this.#value;
  }

  /** `[REDACTED]`, never the value. */
  toString(): string {
    return HIDDEN;
  }

  /** `[REDACTED]` for `JSON.stringify`, never the value. */
  toJSON(): string {
    return HIDDEN;
  }

  /** `[REDACTED]` for `String()` and template literals, never the value. */
  [Symbol.toPrimitive](): string {
    return HIDDEN;
  }

  /** `Secret([REDACTED])` for `util.inspect` / `console.log`, never the value. */
  [inspect.custom](): string {
    return `Secret(${HIDDEN})`;
  }
}

/**
 * A credential field of a provider's `tenantShape`: validated as `secretString` (trimmed, at least 8
 * characters, never echoed in an error), then held as a {@link Secret}.
 */
export const secretField = (name: string) => secretString(name).transform((value) => new Secret(value));
