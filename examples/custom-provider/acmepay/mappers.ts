/** Neutral ⇄ Acme Pay. Pure functions; which fields are sent is decided by the library (users.ts). */
import type { User } from 'payroll-identity/provider';
import type { AcmePayUser, AcmePayUserRequest } from './wire.js';

export const ACME_PAY = 'acmepay';

/** The neutral fields Acme Pay stores. */
export interface AcmePayFields {
  firstName?: string;
  lastName?: string;
  email?: string;
  externalId?: string;
}

export function toWire(fields: AcmePayFields): AcmePayUserRequest {
  const body: AcmePayUserRequest = {};
  if (fields.firstName !== undefined) body.given_name = fields.firstName;
  if (fields.lastName !== undefined) body.family_name = fields.lastName;
  if (fields.email !== undefined) body.email = fields.email;
  if (fields.externalId !== undefined) body.external_ref = fields.externalId;
  return body;
}

/** What Acme Pay does not hold is left out, never guessed. */
export function fromWire(wire: AcmePayUser): User {
  const user: User = { id: wire.id, provider: ACME_PAY };
  if (wire.created_at) user.createdAt = wire.created_at;
  if (wire.given_name) user.firstName = wire.given_name;
  if (wire.family_name) user.lastName = wire.family_name;
  if (wire.email) user.email = wire.email;
  if (wire.external_ref) user.externalId = wire.external_ref;
  return user;
}
