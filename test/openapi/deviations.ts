/**
 * Every place where the wire departs from the providers' documents on purpose, or where a document
 * contradicts itself, with the reason. Both test files read this table:
 *
 * - `adapters-and-emulators.test.ts` (`emulator`): the library's requests and the emulators'
 *   answers, captured on loopback;
 * - `strict-mock.test.ts` (`mock`): the library's requests to a mock built from the documents, and
 *   how the library reads the documents' own answers.
 *
 * A deviation excuses only the problems its pattern matches, on its (API, operation, part); every
 * other problem fails the test. An entry that excuses nothing where it says it shows fails as stale.
 */
import type { Api } from './contracts.js';

/** Where a deviation shows. */
export type Seen = 'emulator' | 'mock';

/**
 * - `request`: what the library sends;
 * - `response`: what an emulator answers (status and body);
 * - `library`: a documented answer the library does not take as success (`code issues`).
 */
export type Part = 'request' | 'response' | 'library';

export interface Deviation {
  api: Api;
  /** `METHOD /template`, as the document writes the path. */
  operation: string;
  part: Part;
  /** The problems it excuses, whole (`query offset: minimum must be >= 1`). */
  problem: RegExp;
  seen: readonly Seen[];
  what: string;
  why: string;
}

const ARGYLE_V2_USER_OPS = ['GET /v2/users/{id}', 'PATCH /v2/users/{id}', 'DELETE /v2/users/{id}'] as const;

export const DEVIATIONS: readonly Deviation[] = [
  // ---------- Teal ----------
  {
    api: 'teal',
    operation: 'PATCH /users/{user_id}',
    part: 'request',
    problem: /^body \/ required must have required property '[a-z_]+'$/,
    seen: ['emulator', 'mock'],
    what: 'the PATCH body reuses the User schema, whose create-time fields are required',
    why: 'Teal documents PATCH as an update where a field sent as null is unset (a partial update), so the library sends only the changed fields; every field present is still type-checked',
  },
  ...(['GET /users', 'GET /webhooks'] as const).map(
    (operation): Deviation => ({
      api: 'teal',
      operation,
      part: 'response',
      problem: /^body \/pagination\/offset minimum must be >= 1$/,
      seen: ['emulator'],
      what: 'the emulator answers pagination.offset 0 for the first page; the Pagination schema says minimum 1',
      why: 'the document contradicts itself: offset is "zero based", "default: 0" and "minimum: 1" at once; the first page can only be offset 0 (the library leaves offset out of its first request)',
    }),
  ),
  {
    api: 'teal',
    operation: 'GET /users/{user_id}',
    part: 'response',
    problem: /^status 404: not documented$/,
    seen: ['emulator'],
    what: 'the emulator answers 404 {errors} for an unknown user; GET /users/{user_id} documents only 200, 400 and 401',
    why: 'the document leaves the unknown-user answer out of GET while PATCH and DELETE on the same path document 404 ResourceNotFound; the emulator answers the same 404 on all three',
  },
  {
    api: 'teal',
    operation: 'POST /user-tokens',
    part: 'response',
    problem: /^status 404: not documented$/,
    seen: ['emulator'],
    what: 'the emulator answers 404 ResourceNotFound to a token for an unknown user; /user-tokens documents only 201 and 401',
    why: 'the document says nothing of an unknown user here; 404 with the documented NotFound message is the answer the rest of the API gives for an unknown id',
  },
  ...(['PATCH /users/{user_id}', 'DELETE /users/{user_id}', 'DELETE /webhooks/{webhook_id}'] as const).map(
    (operation): Deviation => ({
      api: 'teal',
      operation,
      part: 'response',
      problem: /^body \/errors type must be string$/,
      seen: ['emulator'],
      what: 'the emulator answers 404 {"errors": [...]}; the NotFound schema types errors as a string',
      why: "the document contradicts itself: NotFound's own example (and every other error body's schema) is an array of strings; the emulator follows the example, and the library reads both",
    }),
  ),

  // ---------- Argyle v2 ----------
  ...(['GET /v2/users/{id}', 'PATCH /v2/users/{id}', 'GET /v2/users'] as const).map(
    (operation): Deviation => ({
      api: 'argyle-v2',
      operation,
      part: 'response',
      problem: /^body (\/results\/\d+)?\/address\/line2 type must be string$/,
      seen: ['emulator'],
      what: 'the emulator answers address.line2 null when unset; the schema types it string, not nullable',
      why: "the document's own response examples answer null for every unset field (address, birth_date, ssn), so the schema under-states nullability; the emulator follows the examples",
    }),
  ),
  ...[...ARGYLE_V2_USER_OPS, 'POST /v2/user-tokens'].map(
    (operation): Deviation => ({
      api: 'argyle-v2',
      operation,
      part: 'response',
      problem: /^status 404: not documented$/,
      seen: ['emulator'],
      what: 'the emulator answers 404 {"detail": "Not found."} for an unknown or malformed user id',
      why: 'the vendored Argyle documents describe success answers only; 404 with DRF\'s {"detail"} body is what docs/providers/argyle.md records for an unknown id',
    }),
  ),
  {
    api: 'argyle-v2',
    operation: 'GET /v2/users/{id}',
    part: 'response',
    problem: /^status 401: not documented$/,
    seen: ['emulator'],
    what: 'the emulator answers wrong credentials 401 {"detail": "Invalid username/password."}',
    why: 'the vendored documents declare basicAuth but no 401 answer; the {"detail"} body is the one docs/providers/argyle.md records',
  },

  // ---------- Argyle legacy v1 ----------
  {
    api: 'argyle-v1',
    operation: 'GET /v1/users',
    part: 'request',
    problem: /^query cursor: not documented$/,
    seen: ['emulator'],
    what: 'the library sends cursor= on later pages of a v1 listing',
    why: 'only when the server answers the {results, next} object the prose describes, with a next link: the library sends that link\'s cursor (never the URL); the legacy reference documents the object but not how it pages (docs/providers/argyle.md, "v1 list shape")',
  },
  ...(['GET /v1/users/{id}', 'DELETE /v1/users/{id}'] as const).map(
    (operation): Deviation => ({
      api: 'argyle-v1',
      operation,
      part: 'response',
      problem: /^status 404: not documented$/,
      seen: ['emulator'],
      what: 'the emulator answers 404 {"detail": "Not found."} for an unknown user',
      why: 'the legacy reference documents no error answer at all; the emulator answers like v2',
    }),
  ),
  {
    api: 'argyle-v1',
    operation: 'GET /v1/users',
    part: 'library',
    problem: /^unexpected_response \(body\): unpaged_list$/,
    seen: ['emulator', 'mock'],
    what: "a bare-array answer (the legacy reference's own example; the emulator's v1ListShape: bare-array) shorter than the limit asked ends the listing in unexpected_response after its users are handed out",
    why: 'a bare array has no link to a next page and v1 documents no maximum, so a server capping pages below the limit answers exactly this: taking it for the whole list could silently truncate a reconciliation scan (docs/providers/argyle.md, "v1 list shape")',
  },
];

/** Matches problems against the table for one test file, remembering which entries were needed. */
export class DeviationLedger {
  private readonly used = new Set<Deviation>();

  constructor(private readonly seen: Seen) {}

  /** `problems` minus those a deviation excuses for (api, operation, part). */
  unexcused(api: Api, operation: string, part: Part, problems: readonly string[]): string[] {
    const excusing = DEVIATIONS.filter(
      (d) => d.api === api && d.operation === operation && d.part === part && d.seen.includes(this.seen),
    );
    return problems.filter((problem) => {
      const d = excusing.find((x) => x.problem.test(problem));
      if (d) this.used.add(d);
      return d === undefined;
    });
  }

  /** Entries that show here but excused nothing. */
  stale(): string[] {
    return DEVIATIONS.filter((d) => d.seen.includes(this.seen) && !this.used.has(d)).map(
      (d) => `${d.api} ${d.operation} ${d.part} ${d.problem}`,
    );
  }
}

/**
 * `code issues` of an answer the library did not take as a success although the document gives it
 * (`unexpected_response`, `outcome_unknown`): such an outcome must be a declared `library` deviation.
 */
export function refusal(error: unknown): string | undefined {
  const { code, issues } = error as { code?: string; issues?: readonly string[] };
  if (code !== 'unexpected_response' && code !== 'outcome_unknown') return undefined;
  return [code, ...(issues?.length ? [issues.join(', ')] : [])].join(' ');
}
