/**
 * Hostile values against `fastSchema` (zod's ahead-of-time compiler): for every schema the library
 * parses on a call, the compiled parse must decide exactly as the schema itself, build the same
 * output (same keys in the same order, same prototypes, `-0` kept, no holes) and share with the
 * input exactly the references the schema's own parse shares (the free-form JSON, nothing else).
 *
 * The compiled parse runs generated code first and, on a refusal, the schema's own parser on the
 * same value: an input whose reads are not stable (a getter that answers differently each time, a
 * proxy) is read again, so it may be accepted or refused otherwise than by the schema alone. What
 * must hold whatever it does, and is tested here: only values that were validated come out.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ArgyleProviderOptionsSchema } from '../../../providers/argyle/config.js';
import {
  V1CreateUserResponse,
  V1User,
  V1UserFieldsRequest,
  V1UserList,
  V1UserTokenResponse,
} from '../../../providers/argyle/wire/v1.js';
import {
  V2CreateUserResponse,
  V2User,
  V2UserFieldsRequest,
  V2UserList,
  V2UserTokenResponse,
} from '../../../providers/argyle/wire/v2.js';
import {
  TealProviderOptionsPatchSchema,
  TealProviderOptionsSchema,
} from '../../../providers/teal/options.js';
import {
  TealErrorBodySchema,
  TealUserListSchema,
  TealUserSchema,
  TealUserTokenSchema,
} from '../../../providers/teal/wire.js';
import {
  CreateUserInputSchema,
  ListUsersFilterSchema,
  UpdateUserInputSchema,
  UserIdSchema,
} from '../../../src/user.js';
import { fastSchema } from '../../../src/validation.js';

type Obj = Record<PropertyKey, unknown>;

/** Where two values differ structurally (Object.is leaves, prototypes, own keys in order, descriptors), or `undefined`. */
function difference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== typeof b || typeof a !== 'object' || a === null || b === null) {
    return `${path}: ${String(a)} vs ${String(b)}`;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: prototypes differ`;
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(b as object);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) {
    return `${path}: keys [${ka.map(String)}] vs [${kb.map(String)}]`;
  }
  for (const k of ka) {
    const da = Object.getOwnPropertyDescriptor(a, k)!;
    const db = Object.getOwnPropertyDescriptor(b, k)!;
    if ('value' in da !== 'value' in db || da.enumerable !== db.enumerable)
      return `${path}.${String(k)}: descriptor`;
    const d = difference(da.value, db.value, `${path}.${String(k)}`);
    if (d) return d;
  }
  return undefined;
}

/** Paths of the output's objects that are the very object at the same path of the input. */
function sharedPaths(out: unknown, input: unknown, path = '$', acc: string[] = []): string[] {
  if (typeof out !== 'object' || out === null) return acc;
  if (out === input) acc.push(path);
  for (const k of Reflect.ownKeys(out)) {
    const inner = typeof input === 'object' && input !== null ? (input as Obj)[k] : undefined;
    sharedPaths((out as Obj)[k], inner, `${path}.${String(k)}`, acc);
  }
  return acc;
}

type Outcome =
  | { success: true; data: unknown }
  | { success: false; issues: { code: string; path: PropertyKey[]; message: string }[] }
  | { threw: string };

function outcome(schema: z.ZodType, value: unknown): Outcome {
  try {
    const r = schema.safeParse(value);
    return r.success
      ? { success: true, data: r.data }
      : {
          success: false,
          issues: r.error.issues.map((i) => ({ code: i.code, path: i.path, message: i.message })),
        };
  } catch (thrown) {
    return { threw: String(thrown) };
  }
}

/**
 * The first way `fastSchema(schema)` parses `make()` otherwise than `schema` does (each parse gets
 * its own `make()`, so a getter's count starts afresh), or `undefined`.
 */
function divergence(schema: z.ZodType, make: () => unknown): string | undefined {
  const a = make();
  const b = make();
  const runtime = outcome(schema, a);
  const compiled = outcome(fastSchema(schema), b);
  const d = difference(runtime, compiled);
  if (d) return `${d}\n runtime: ${show(runtime)}\n compiled: ${show(compiled)}`;
  if ('data' in runtime && 'data' in compiled) {
    const ra = sharedPaths(runtime.data, a).join();
    const cb = sharedPaths(compiled.data, b).join();
    if (ra !== cb) return `shared with the input: runtime [${ra}], compiled [${cb}]`;
  }
  return undefined;
}

const show = (o: Outcome) =>
  JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))?.slice(0, 400);

/** Asserts no divergence for every case, naming the cases that diverge. */
function expectSame(cases: Iterable<[string, z.ZodType, () => unknown]>) {
  const found: string[] = [];
  for (const [label, schema, make] of cases) {
    const d = divergence(schema, make);
    if (d) found.push(`${label}: ${d}`);
  }
  expect(found).toEqual([]);
}

const SYM = Symbol('attack');
const FN = () => 1;
class Instance {
  constructor(fields: object) {
    Object.assign(this, fields);
  }
}
const clone = (v: unknown): unknown =>
  v === null || typeof v !== 'object'
    ? v
    : Array.isArray(v)
      ? v.map(clone)
      : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
const sparse = () => {
  const a: unknown[] = ['SW1A 1AA'];
  a[2] = 'E1 6AN';
  return a;
};

/** Values to put anywhere: wrong types, number edges, hostile text, exotic objects, lookalikes. */
const HOSTILE: ReadonlyArray<[string, () => unknown]> = [
  ['NaN', () => Number.NaN],
  ['Infinity', () => Number.POSITIVE_INFINITY],
  ['-Infinity', () => Number.NEGATIVE_INFINITY],
  ['-0', () => -0],
  ['1e308', () => 1e308],
  ['2**53', () => 2 ** 53],
  ['0.5', () => 0.5],
  ['bigint', () => 10n],
  ['empty', () => ''],
  ['blank', () => ' \t\n '],
  ['padded', () => '\u00a0 Jane \u3000'],
  ['lone surrogate', () => 'Ja\ud800ne'],
  ['bidi override', () => 'Ja\u202ene'],
  ['zero-width', () => 'Ja\u200bne'],
  ['control', () => 'Ja\u0007ne'],
  ['BOM', () => '\ufeffJane'],
  ['101 units', () => 'x'.repeat(101)],
  ['100 astral', () => '\u{1d400}'.repeat(100)],
  ['101 astral', () => '\u{1d400}'.repeat(101)],
  ['100k', () => 'a'.repeat(100_000)],
  ['boxed string', () => new String('Jane')],
  ['Date', () => new Date(0)],
  ['class instance', () => new Instance({ a: 1 })],
  ['null prototype', () => Object.create(null)],
  ['function', () => FN],
  ['symbol', () => SYM],
  ['null', () => null],
  ['undefined', () => undefined],
  ['true', () => true],
  ['array', () => ['SW1A 1AA']],
  ['sparse array', sparse],
  ['array with a property', () => Object.assign(['SW1A 1AA'], { extra: 'x' })],
  ['21 items', () => Array.from({ length: 21 }, () => 'SW1A 1AA')],
  ['own __proto__', () => JSON.parse('{"__proto__": {"x": 1}}')],
  ['constructor key', () => ({ constructor: 1 })],
  ['proxy object', () => new Proxy({ a: 1 }, {})],
  ['proxy array', () => new Proxy(['SW1A 1AA'], {})],
  ['ssn digits', () => ({ type: 'ssn', value: '123456789' })],
  ['ssn padded', () => ({ type: 'ssn', value: '  123-45-6789  ' })],
  ['ssn half dashed', () => ({ type: 'ssn', value: '123-456789' })],
  ['ssn never issued', () => ({ type: 'ssn', value: '000-12-3456' })],
  ['ssn as NI', () => ({ type: 'ssn', value: 'QQ123456C' })],
  ['ni lower spaced', () => ({ type: 'ni_number', value: 'qq 12 34 56 c' })],
  ['ni odd spaces', () => ({ type: 'ni_number', value: 'QQ\t12\u00a034 56C' })],
  ['unknown id type', () => ({ type: 'passport', value: 'X' })],
  ['id extra key', () => ({ type: 'ssn', value: '123456789', issuingCountry: 'US' })],
  ['id own __proto__', () => JSON.parse('{"type":"ssn","value":"123456789","__proto__":1}')],
  [
    'json 40 deep',
    () => {
      let o: unknown = 1;
      for (let i = 0; i < 40; i++) o = { o };
      return o;
    },
  ],
  ['json NaN', () => ({ a: Number.NaN })],
  ['json getter', () => Object.defineProperty({}, 'g', { get: () => 1, enumerable: true })],
  ['json hidden', () => Object.defineProperty({}, 'h', { value: 1 })],
  ['json symbol key', () => ({ [SYM]: 1 })],
  ['json hole', () => ({ a: sparse() })],
  ['namespace not object', () => ({ teal: 1 })],
  ['birth date object', () => ({ year: 1990, month: 5, day: 17 })],
  ['birth date -0 day', () => ({ year: 1990, month: 5, day: -0 })],
  ['future date', () => '2999-01-01'],
  ['leap day', () => '2000-02-29'],
  ['Teal date-time', () => '2019-05-17T00:00:00.000Z'],
  ['email', () => 'jane.roe@example.com'],
  ['phone', () => '+14155550123'],
  ['country', () => 'GB'],
];

/** A valid value of each schema, with normalisations to do, optional, nullish and extra keys. */
const BASES: ReadonlyArray<[string, z.ZodType, unknown]> = [
  [
    'CreateUserInputSchema',
    CreateUserInputSchema,
    {
      firstName: ' Jane ',
      lastName: 'Roe',
      email: 'jane.roe@example.com',
      phone: '+14155550123',
      birthDate: '1990-05-17',
      address: { line1: '1 Main St', city: 'London', postalCode: ' SW1A 2AA ', country: 'GB' },
      previousPostalCodes: ['SW1A 1AA', ' E1 6AN '],
      nationalId: { type: 'ni_number', value: 'qq 12 34 56 c' },
      externalId: 'ext-1',
      metadata: { a: 1, b: [1, 'x', null], c: { d: true } },
      providerOptions: { teal: { payrollPeriodMonths: 3 }, argyle: { openBanking: { name: 'Lender' } } },
    },
  ],
  [
    'UpdateUserInputSchema',
    UpdateUserInputSchema,
    {
      firstName: null,
      lastName: ' Roe',
      email: null,
      phone: '+14155550123',
      birthDate: null,
      address: null,
      previousPostalCodes: null,
      nationalId: { type: 'ssn', value: ' 123456789 ' },
      externalId: null,
      metadata: null,
      providerOptions: { teal: {} },
    },
  ],
  ['ListUsersFilterSchema', ListUsersFilterSchema, { externalId: 'ext 1', pageSize: 10, cursor: 'abc' }],
  ['UserIdSchema', UserIdSchema, 'abc-123_X'],
  [
    'V2UserFieldsRequest',
    V2UserFieldsRequest,
    {
      first_name: 'Jane',
      ssn: '123-45-6789',
      address: { city: 'X', postal_code: '1' },
      birth_date: { year: 1990, month: 5, day: 17 },
      external_metadata: { k: { n: [1, 2] } },
      open_banking: { end_user: { name: 'L' } },
      external_id: 'e',
    },
  ],
  [
    'V2User',
    V2User,
    {
      id: 'u1',
      created_at: null,
      items_connected: ['i'],
      employers_connected: null,
      external_metadata: { a: [1] },
      first_name: 'J',
      last_name: null,
      address: { city: null, line1: 'x', extra: 1 },
      birth_date: { year: 1990, month: null },
      extra: { z: 1 },
    },
  ],
  ['V2UserList', V2UserList, { next: null, results: [{ id: 'u1', extra: 1, address: { q: 1 } }], zz: 1 }],
  ['V2CreateUserResponse', V2CreateUserResponse, { user_token: null, id: 'u' }],
  ['V2UserTokenResponse', V2UserTokenResponse, { user_token: 't', extra: 1 }],
  ['V1UserFieldsRequest', V1UserFieldsRequest, { external_metadata: { a: 1 } }],
  ['V1User', V1User, { id: 'u', external_metadata: 'str', data_providers_connected: [] }],
  ['V1UserList', V1UserList, [{ id: 'u' }, { id: 'v', external_metadata: [1] }]],
  ['V1CreateUserResponse', V1CreateUserResponse, { token: 't', id: 'u' }],
  ['V1UserTokenResponse', V1UserTokenResponse, { access: 'a', refresh: 'r' }],
  [
    'TealUserSchema',
    TealUserSchema,
    {
      user_id: 'u',
      created_at: 'c',
      forename: null,
      post_codes: ['A', null],
      date_of_birth: '1990-05-17T00:00:00.000Z',
      payroll_period_months: 3,
      extra: { nested: [1] },
      constructor: 'x',
    },
  ],
  [
    'TealUserListSchema',
    TealUserListSchema,
    {
      pagination: { offset: 0, limit: 10, extra: 1 },
      users: [{ user_id: 'u', created_at: 'c', more: [1] }],
      other: { o: 1 },
    },
  ],
  ['TealUserTokenSchema', TealUserTokenSchema, { token: 't', webapp_link: null, x: 1 }],
  ['TealErrorBodySchema', TealErrorBodySchema, { errors: ['a'], x: 1 }],
  [
    'TealProviderOptionsSchema',
    TealProviderOptionsSchema,
    {
      payrollPeriodMonths: 3,
      recurringChecks: { enabled: true, frequency: 'WEEKLY', endDate: '2030-01-01' },
      payslipUploadEnabled: false,
    },
  ],
  [
    'TealProviderOptionsPatchSchema',
    TealProviderOptionsPatchSchema,
    { recurringChecks: { enabled: null, frequency: null, endDate: null }, payslipUploadEnabled: null },
  ],
  [
    'ArgyleProviderOptionsSchema',
    ArgyleProviderOptionsSchema,
    { openBanking: { name: ' Lender ', phone: '415-555-0123' } },
  ],
];

/** Every key path of a value (`['address', 'line1']`), objects and arrays alike. */
function keyPaths(v: unknown, prefix: string[] = []): string[][] {
  if (v === null || typeof v !== 'object') return [];
  return Object.keys(v).flatMap((k) => [[...prefix, k], ...keyPaths((v as Obj)[k], [...prefix, k])]);
}

/** `base` with the value at `path` replaced by `make()` (or removed). */
const replaced = (base: unknown, path: string[], make?: () => unknown) => () => {
  const root = clone(base) as Obj;
  let at = root;
  for (const p of path.slice(0, -1)) at = at[p] as Obj;
  if (make) at[path.at(-1)!] = make();
  else delete at[path.at(-1)!];
  return root;
};

describe('fastSchema against hostile values', () => {
  it('decides and builds as the schema itself for each hostile value, whole and at every key path', () => {
    const cases: [string, z.ZodType, () => unknown][] = [];
    for (const [name, schema, base] of BASES) {
      cases.push([`${name} (valid)`, schema, () => clone(base)]);
      for (const [what, make] of HOSTILE) cases.push([`${name} = ${what}`, schema, make]);
      for (const path of keyPaths(base)) {
        cases.push([`${name} without ${path.join('.')}`, schema, replaced(base, path)]);
        for (const [what, make] of HOSTILE) {
          cases.push([`${name}.${path.join('.')} = ${what}`, schema, replaced(base, path, make)]);
        }
      }
    }
    expect(cases.length).toBeGreaterThan(10_000);
    expectSame(cases);
  });

  it('decides and builds as the schema itself for a valid value in an exotic container', () => {
    const containers: ReadonlyArray<[string, (plain: object) => unknown]> = [
      ['null prototype', (plain) => Object.assign(Object.create(null), plain)],
      ['class instance', (plain) => new Instance(plain)],
      ['proxy', (plain) => new Proxy(plain, {})],
      ['frozen', (plain) => Object.freeze(plain)],
      ['inherited fields', (plain) => Object.create(plain)],
      ['own __proto__', (plain) => Object.assign(JSON.parse('{"__proto__": {"polluted": 1}}'), plain)],
      ['constructor key', (plain) => Object.assign({ constructor: 'x' }, plain)],
      ['symbol key', (plain) => Object.assign({ [SYM]: 1 }, plain)],
      ['hidden property', (plain) => Object.defineProperty(plain, 'hidden', { value: 1 })],
      [
        'getters',
        (plain) => {
          const o = {};
          for (const [k, v] of Object.entries(plain))
            Object.defineProperty(o, k, { get: () => v, enumerable: true });
          return o;
        },
      ],
    ];
    const cases: [string, z.ZodType, () => unknown][] = [];
    for (const [name, schema, base] of BASES) {
      if (typeof base !== 'object' || base === null || Array.isArray(base)) continue;
      for (const [what, wrap] of containers)
        cases.push([`${name} in ${what}`, schema, () => wrap(clone(base) as object)]);
    }
    expectSame(cases);
  });

  it('normalises as the schema does: trimmed text, SSN 123-45-6789, NI without spaces, upper-cased', () => {
    const input = {
      firstName: '\u00a0 Jane\t',
      address: { line1: ' 1 Main St ' },
      previousPostalCodes: [' E1 6AN '],
      nationalId: { type: 'ssn', value: ' 123456789 ' },
    };
    const fast = fastSchema(CreateUserInputSchema).parse(input);
    expect(fast).toStrictEqual(CreateUserInputSchema.parse(input));
    expect(fast).toStrictEqual({
      firstName: 'Jane',
      address: { line1: '1 Main St' },
      previousPostalCodes: ['E1 6AN'],
      nationalId: { type: 'ssn', value: '123-45-6789' },
    });
    const ni = { nationalId: { type: 'ni_number', value: 'qq 12 34\u00a056 c' } };
    expect(fastSchema(CreateUserInputSchema).parse(ni)).toStrictEqual({
      nationalId: { type: 'ni_number', value: 'QQ123456C' },
    });
  });

  it('refuses an over-long value at its bound alone (abort), as the schema does', () => {
    for (const [field, max] of [
      ['firstName', 100],
      ['externalId', 100],
      ['email', 254],
      ['phone', 16],
      ['birthDate', 10],
    ] as const) {
      const input = { [field]: ` ${'\u202e'.repeat(max)}` };
      const fast = fastSchema(CreateUserInputSchema).safeParse(input);
      expect(fast.success).toBe(false);
      expect(fast.error?.issues.map((i) => [i.code, i.path])).toEqual([['too_big', [field]]]);
      expect(outcome(fastSchema(CreateUserInputSchema), input)).toStrictEqual(
        outcome(CreateUserInputSchema, input),
      );
    }
  });

  it('shares with the input only the free-form JSON, as the schema does', () => {
    const input = clone(BASES[0]![2]) as Obj;
    const fast = fastSchema(CreateUserInputSchema).parse(input) as Obj;
    // The JSON (and what is inside it) by reference; the address, the postal codes and the id fresh.
    expect(sharedPaths(fast, input)).toEqual([
      '$.metadata',
      '$.metadata.b',
      '$.metadata.c',
      '$.providerOptions',
      '$.providerOptions.teal',
      '$.providerOptions.argyle',
      '$.providerOptions.argyle.openBanking',
    ]);
    expect(sharedPaths(fast, input)).toEqual(sharedPaths(CreateUserInputSchema.parse(input), input));
    const answer = clone(BASES.find(([n]) => n === 'TealUserSchema')![2]) as Obj;
    expect(sharedPaths(fastSchema(TealUserSchema).parse(answer), answer)).toEqual(
      sharedPaths(TealUserSchema.parse(answer), answer),
    );
  });

  it('outputs only values it validated, whatever a getter returns on each read', () => {
    // Each field a getter cycling through valid and invalid values: whatever the compiled parse
    // answers must be an output the schema itself accepts unchanged.
    const candidates: Record<string, unknown[]> = {
      firstName: [' Jane ', 42, '', 'Ja\u202ene', 'x'.repeat(101)],
      email: ['jane.roe@example.com', 'not-an-email', null],
      birthDate: ['1990-05-17', '1990-02-30', null],
      address: [{ line1: ' 1 Main ', country: 'GB' }, { country: 'ZZ' }, { extra: 1 }, null],
      previousPostalCodes: [['SW1A 1AA'], [' E1 6AN ', ''], 'SW1A 1AA', null],
      nationalId: [
        { type: 'ssn', value: '123456789' },
        { type: 'ni_number', value: 'qq 123456 c' },
        { type: 'ssn', value: 'QQ123456C' },
        { type: 'passport' },
        null,
      ],
      externalId: ['ext 1', ' ext', '', null],
      metadata: [{ a: 1 }, { a: Number.NaN }, [1], null],
    };
    const keys = Object.keys(candidates);
    fc.assert(
      fc.property(
        fc.constantFrom(CreateUserInputSchema, UpdateUserInputSchema),
        fc.subarray(keys),
        fc.array(fc.nat(20), { minLength: keys.length, maxLength: keys.length }),
        (schema: z.ZodType, chosen, starts) => {
          const input = {};
          chosen.forEach((key, i) => {
            let n = starts[i]!;
            const values = candidates[key]!;
            Object.defineProperty(input, key, {
              enumerable: true,
              get: () => clone(values[n++ % values.length]),
            });
          });
          const fast = fastSchema(schema).safeParse(input);
          if (!fast.success) return;
          const again = schema.safeParse(fast.data);
          expect(again.success).toBe(true);
          expect(difference(again.data, fast.data)).toBeUndefined();
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('reads a getter once on a valid input, as the schema does', () => {
    const counted = () => {
      const reads = { n: 0 };
      const input = {
        get firstName() {
          reads.n++;
          return 'Jane';
        },
      };
      return [reads, input] as const;
    };
    const [fastReads, forFast] = counted();
    const [ownReads, forOwn] = counted();
    fastSchema(CreateUserInputSchema).parse(forFast);
    CreateUserInputSchema.parse(forOwn);
    expect(fastReads.n).toBe(1);
    expect(fastReads.n).toBe(ownReads.n);
  });

  it('takes (or refuses) a field inherited from a polluted Object.prototype exactly as the schema does', () => {
    // Compared while polluted, asserted once clean (the assertions themselves walk objects).
    const found: (string | undefined)[] = [];
    try {
      Object.defineProperty(Object.prototype, 'email', {
        value: 'jane.roe@example.com',
        configurable: true,
        writable: true,
      });
      for (const schema of [CreateUserInputSchema, UpdateUserInputSchema, TealUserSchema, V2User]) {
        found.push(divergence(schema, () => ({})));
      }
      (Object.prototype as Obj).polluted = 1;
      for (const schema of [CreateUserInputSchema, TealUserSchema, V2User, TealUserListSchema]) {
        found.push(
          divergence(schema, () => ({ user_id: 'u', id: 'u', created_at: 'c', users: [], pagination: {} })),
        );
      }
    } finally {
      delete (Object.prototype as Obj).email;
      delete (Object.prototype as Obj).polluted;
    }
    expect(found).toEqual(Array(8).fill(undefined));
  });
});

/**
 * Inputs whose reads are not stable. The compiled parse reads each field once and validates what it
 * read, so nothing unvalidated comes out (see above); but on a refusal the schema's own parser reads
 * the input again, and it answers for that second reading. Only a getter or a proxy can tell, and
 * answers parsed from JSON have neither; caller input can (see `readingInput`).
 */
