/**
 * Reading a delivery's headers, whichever form the host has them in: Node's `IncomingHttpHeaders`
 * (lower-case names, a value or a list of values), any record with names in any case, or a fetch
 * `Headers` object. Every name is read case-insensitively; a header given twice (two values, or two
 * spellings of its name) is ambiguous and reported as such, never guessed at.
 */

/** Most header names a record may hold (Node's default cap is 2000): a larger one is not a request's. */
const MAX_HEADER_NAMES = 4096;
/** Longest header name looked at (the names read here are short). */
const MAX_NAME_LENGTH = 128;

/** One header as read: its single value, absent, or given more than once. */
export type HeaderValue = { value: string } | { absent: true } | { repeated: true };

/** Reads headers by name, case-insensitively. */
export type HeaderReader = (name: string) => HeaderValue;

function isHeadersObject(value: object): value is Headers {
  return typeof Headers === 'function' && value instanceof Headers;
}

/** One record entry's value as a header value. */
function single(value: unknown): HeaderValue {
  if (value === undefined) return { absent: true };
  if (typeof value === 'string') return { value };
  if (Array.isArray(value)) {
    if (value.length === 0) return { absent: true };
    if (value.length === 1 && typeof value[0] === 'string') return { value: value[0] };
  }
  return { repeated: true };
}

/**
 * A reader over `headers`, or `undefined` when `headers` is neither a record nor a `Headers` object
 * (or holds more names than a request can). A record's names are indexed once, lower-cased.
 */
export function headerReader(headers: unknown): HeaderReader | undefined {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return undefined;
  if (isHeadersObject(headers)) {
    return (name) => {
      // `Headers` joins repeated values with ", ": a signature or an IV never contains one.
      const value = headers.get(name);
      if (value === null) return { absent: true };
      return value.includes(',') ? { repeated: true } : { value };
    };
  }
  // Anything else with a prototype of its own (a `Map`, a polyfill's headers class) is not a record:
  // reading its own keys would find none and refuse every delivery as unsigned.
  const proto = Object.getPrototypeOf(headers);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const record = headers as Record<string, unknown>;
  const names = Object.keys(record);
  if (names.length > MAX_HEADER_NAMES) return undefined;
  const index = new Map<string, HeaderValue>();
  for (const name of names) {
    if (name.length > MAX_NAME_LENGTH) continue;
    const lower = name.toLowerCase();
    const value = single(record[name]);
    if ('absent' in value) continue;
    index.set(lower, index.has(lower) ? { repeated: true } : value);
  }
  return (name) => index.get(name.toLowerCase()) ?? { absent: true };
}
