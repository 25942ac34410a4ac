/**
 * Reading Argyle's error bodies (the core maps the status to the error class).
 *
 * - 400 on create/update: a map of field → messages, `{"email": ["Enter a valid email address."]}`
 *   (Argyle users reference: https://docs.argyle.com/api-reference/users#create, #update). Nested
 *   fields may come nested (`{"birth_date": {"year": [...]}}`) or dotted (`birth_date.year`); both are
 *   read and reported under NEUTRAL names (`birthDate`). A message on one part of the birth date says
 *   which (`month: …`); the core redacts every number in messages about the birth date, so that a bare
 *   `"3"` (the month echoed) never survives.
 * - 401: `{"detail": "Invalid username/password."}` (Argyle users reference:
 *   https://docs.argyle.com/api-reference/users#create).
 * - 404, 429, 5xx: bodies not documented — read defensively; anything else (HTML, text, arrays of
 *   odd things) yields no messages rather than an exception.
 *
 * Messages are never cut here: the core redacts them first and only then bounds their number and
 * length (a cut before redaction could split an echoed value and let part of it through).
 */
import { type ErrorDescription, type FieldErrors, safeKey } from '../../src/provider/index.js';

/**
 * Most messages read from one body. The core keeps far fewer; this only stops a hostile body (a
 * million strings) from being walked and copied whole.
 */
const MAX_COLLECTED = 200;

/** Keys that carry messages about the request as a whole, not one field. */
const GENERAL_KEYS = new Set(['detail', 'non_field_errors', 'message', 'error', 'errors']);

const TOP_LEVEL: Readonly<Record<string, string>> = {
  first_name: 'firstName',
  last_name: 'lastName',
  email: 'email',
  phone_number: 'phone',
  ssn: 'nationalId',
  address: 'address',
  birth_date: 'birthDate',
  external_metadata: 'metadata',
  external_id: 'externalId',
  open_banking: 'providerOptions.argyle.openBanking',
  user: 'userId',
  limit: 'pageSize',
};

const ADDRESS: Readonly<Record<string, string>> = {
  city: 'city',
  line1: 'line1',
  line2: 'line2',
  state: 'state',
  country: 'country',
  postal_code: 'postalCode',
};

const END_USER = new Set(['name', 'address', 'city', 'state', 'zip', 'phone']);

/** The parts Argyle takes a birth date in. */
const BIRTH_DATE_PARTS = new Set(['year', 'month', 'day']);

/** An Argyle field path (`address.postal_code`) → its neutral path, or `undefined` when unknown. */
export function neutralPath(wirePath: string): string | undefined {
  const [head, ...rest] = wirePath.split('.');
  if (head === undefined) return undefined;
  const top = TOP_LEVEL[head];
  if (top === undefined) return undefined;
  if (rest.length === 0) return top;
  // A birth date is one neutral field: `birth_date.year` is a problem with `birthDate`.
  if (head === 'birth_date') return top;
  if (head === 'address' && rest.length === 1) {
    const sub = ADDRESS[rest[0] as string];
    return sub ? `address.${sub}` : top;
  }
  if (head === 'open_banking') {
    const leaf = rest[rest.length - 1] as string;
    return rest[0] === 'end_user' && rest.length === 2 && END_USER.has(leaf) ? `${top}.${leaf}` : top;
  }
  return top;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Collects `path → messages` from a DRF-style error map, nested or dotted, at most
 * {@link MAX_COLLECTED} messages (in place: copying a list per message was quadratic).
 */
function collect(
  value: unknown,
  path: string,
  out: Map<string, string[]>,
  depth: number,
  count: { n: number },
): void {
  if (depth > 5 || count.n >= MAX_COLLECTED) return;
  if (typeof value === 'string') {
    const list = out.get(path);
    if (list) list.push(value);
    else out.set(path, [value]);
    count.n++;
  } else if (Array.isArray(value)) {
    for (const item of value) {
      if (count.n >= MAX_COLLECTED) return;
      collect(item, path, out, depth + 1, count);
    }
  } else if (isRecord(value)) {
    for (const key in value) {
      if (count.n >= MAX_COLLECTED) return;
      // A provider key is shown (for a field we do not know): bounded like any foreign text.
      collect(value[key], path ? `${path}.${safeKey(key)}` : safeKey(key), out, depth + 1, count);
    }
  }
}

export function describeArgyleError(_status: number, body: unknown): ErrorDescription {
  const messages: string[] = [];
  const fieldErrors: FieldErrors = {};
  if (Array.isArray(body)) {
    // A bare list of messages (DRF's form for a non-field validation error).
    for (const item of body.slice(0, MAX_COLLECTED)) if (typeof item === 'string') messages.push(item);
    return { messages };
  }
  if (!isRecord(body)) return { messages };

  const found = new Map<string, string[]>();
  collect(body, '', found, 0, { n: 0 });
  for (const [wirePath, list] of found) {
    const head = wirePath.split('.')[0] as string;
    if (GENERAL_KEYS.has(head)) {
      for (const m of list) messages.push(m);
      continue;
    }
    const neutral = neutralPath(wirePath);
    if (neutral === undefined) {
      // A field we do not know: keep its messages, labelled with Argyle's name for it.
      for (const m of list) messages.push(`${wirePath}: ${m}`);
      continue;
    }
    // `birth_date.month` → "month: …" under `birthDate`: one neutral field, the part still named.
    const part = head === 'birth_date' ? wirePath.slice('birth_date.'.length) : '';
    const shown = BIRTH_DATE_PARTS.has(part) ? list.map((m) => `${part}: ${m}`) : list;
    const kept = fieldErrors[neutral];
    if (kept) for (const m of shown) kept.push(m);
    else fieldErrors[neutral] = [...shown];
  }
  return Object.keys(fieldErrors).length > 0 ? { messages, fieldErrors } : { messages };
}
