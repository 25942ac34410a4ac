/**
 * Neutral ⇄ Argyle v2 mapping. Pure functions: no I/O, no policy (which fields are kept is decided
 * before, in ../fields.ts).
 */
import {
  type Address,
  formatCalendarDate,
  type JsonValue,
  type NationalId,
  parseCalendarDate,
  type User,
  type ValidCreateUserInput,
} from '../../../src/provider/index.js';
import type { OpenBanking } from '../config.js';
import { stripMarker } from '../create-marker.js';
import type { V2User, V2UserFieldsRequest } from '../wire/v2.js';

/** The neutral fields v2 stores (what ../fields.ts lets through). */
export interface V2Fields {
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  birthDate?: string;
  address?: Address;
  nationalId?: NationalId;
  externalId?: string;
  metadata?: ValidCreateUserInput['metadata'];
}

/** `YYYY-MM-DD` → `{year, month, day}` (the date was validated by the neutral schema). */
export function birthDateToWire(date: string): { year: number; month: number; day: number } {
  const parts = parseCalendarDate(date);
  if (!parts) throw new TypeError('birthDate must be a validated YYYY-MM-DD date');
  return parts;
}

/** `{year, month, day}` → `YYYY-MM-DD`, or `undefined` when a part is missing or the day is not real. */
export function birthDateFromWire(
  wire: { year?: number | null; month?: number | null; day?: number | null } | null | undefined,
): string | undefined {
  if (!wire || wire.year == null || wire.month == null || wire.day == null) return undefined;
  return formatCalendarDate(wire.year, wire.month, wire.day);
}

/**
 * The parts of a `birth_date` that holds no whole, real day (`{year: 1990, month: null, day: null}`,
 * or 1990-02-30), or `undefined` when it holds a day or nothing. Argyle types the three parts
 * separately and may return some of them only; they are reported as
 * `providerData.birthDateParts` rather than dropped (docs/providers/argyle.md).
 */
export function partialBirthDate(
  wire: { year?: number | null; month?: number | null; day?: number | null } | null | undefined,
): { year?: number; month?: number; day?: number } | undefined {
  if (!wire || birthDateFromWire(wire) !== undefined) return undefined;
  const parts: { year?: number; month?: number; day?: number } = {};
  if (wire.year != null) parts.year = wire.year;
  if (wire.month != null) parts.month = wire.month;
  if (wire.day != null) parts.day = wire.day;
  return Object.keys(parts).length > 0 ? parts : undefined;
}

function addressToWire(address: Address): NonNullable<V2UserFieldsRequest['address']> {
  const out: NonNullable<V2UserFieldsRequest['address']> = {};
  if (address.line1 !== undefined) out.line1 = address.line1;
  if (address.line2 !== undefined) out.line2 = address.line2;
  if (address.city !== undefined) out.city = address.city;
  if (address.state !== undefined) out.state = address.state;
  if (address.country !== undefined) out.country = address.country;
  if (address.postalCode !== undefined) out.postal_code = address.postalCode;
  return out;
}

/** `providerOptions.argyle.openBanking` → `open_banking.end_user` (same field names). */
export function openBankingToWire(
  openBanking: OpenBanking,
): NonNullable<V2UserFieldsRequest['open_banking']> {
  const endUser: NonNullable<V2UserFieldsRequest['open_banking']>['end_user'] = {};
  for (const key of ['name', 'address', 'city', 'state', 'zip', 'phone'] as const) {
    const value = openBanking[key];
    if (value !== undefined) endUser[key] = value;
  }
  return { end_user: endUser };
}

/** Neutral fields (+ open banking) → the body of `POST /v2/users` / `PATCH /v2/users/{id}`. */
export function toV2Request(fields: V2Fields, openBanking?: OpenBanking): V2UserFieldsRequest {
  const body: V2UserFieldsRequest = {};
  if (fields.firstName !== undefined) body.first_name = fields.firstName;
  if (fields.lastName !== undefined) body.last_name = fields.lastName;
  if (fields.email !== undefined) body.email = fields.email;
  if (fields.phone !== undefined) body.phone_number = fields.phone;
  if (fields.nationalId?.type === 'ssn') body.ssn = fields.nationalId.value;
  // An empty address says nothing; `address: {}` is not sent.
  if (fields.address !== undefined && Object.keys(fields.address).length > 0)
    body.address = addressToWire(fields.address);
  if (fields.birthDate !== undefined) body.birth_date = birthDateToWire(fields.birthDate);
  if (fields.metadata !== undefined) body.external_metadata = fields.metadata;
  if (openBanking !== undefined) body.open_banking = openBankingToWire(openBanking);
  if (fields.externalId !== undefined) body.external_id = fields.externalId;
  return body;
}

/** A documented string that may come back `null` (or empty): absent in neutral terms. */
function present(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : value;
}

function addressFromWire(wire: V2User['address']): Address | undefined {
  if (!wire) return undefined;
  const address: Address = {};
  const line1 = present(wire.line1);
  const line2 = present(wire.line2);
  const city = present(wire.city);
  const state = present(wire.state);
  const postalCode = present(wire.postal_code);
  const country = present(wire.country);
  if (line1 !== undefined) address.line1 = line1;
  if (line2 !== undefined) address.line2 = line2;
  if (city !== undefined) address.city = city;
  if (state !== undefined) address.state = state;
  if (postalCode !== undefined) address.postalCode = postalCode;
  if (country !== undefined) address.country = country;
  return Object.keys(address).length > 0 ? address : undefined;
}

/** An Argyle v2 `User` → the neutral `User`. Connected items and employers go to `connections`. */
export function fromV2User(wire: V2User, provider: string): User {
  return userWithId(wire.id, wire, provider);
}

/**
 * The neutral `User` of the user `id` whose fields are `wire`: a create's user is the body sent with
 * the id the answer gave (mapped as it is, without a copy made to add the id).
 */
export function userWithId(id: string, wire: Omit<V2User, 'id'>, provider: string): User {
  const user: User = { id, provider };
  const createdAt = present(wire.created_at);
  if (createdAt !== undefined) user.createdAt = createdAt;
  const firstName = present(wire.first_name);
  if (firstName !== undefined) user.firstName = firstName;
  const lastName = present(wire.last_name);
  if (lastName !== undefined) user.lastName = lastName;
  const email = present(wire.email);
  if (email !== undefined) user.email = email;
  const phone = present(wire.phone_number);
  if (phone !== undefined) user.phone = phone;
  const birthDate = birthDateFromWire(wire.birth_date);
  if (birthDate !== undefined) user.birthDate = birthDate;
  const birthDateParts = partialBirthDate(wire.birth_date);
  if (birthDateParts !== undefined) user.providerData = { birthDateParts };
  const address = addressFromWire(wire.address);
  if (address !== undefined) user.address = address;
  const ssn = present(wire.ssn);
  if (ssn !== undefined) user.nationalId = { type: 'ssn', value: ssn };
  const externalId = present(wire.external_id);
  if (externalId !== undefined) user.externalId = externalId;
  if (wire.external_metadata !== undefined && wire.external_metadata !== null) {
    // The create marker is the library's, not the caller's (../create-marker.ts).
    const metadata = stripMarker(wire.external_metadata as JsonValue);
    if (metadata !== undefined) user.metadata = metadata;
  }
  if (wire.items_connected != null || wire.employers_connected != null) {
    user.connections = { items: wire.items_connected ?? [], employers: wire.employers_connected ?? [] };
  }
  return user;
}
