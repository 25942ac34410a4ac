/**
 * The Argyle emulator's users, shared by the v2 and v1 routes (they are one account's users), and
 * their rendering as the documented User objects.
 */
import { randomUUID } from 'node:crypto';
import type { V2UserBody } from './schemas.js';

type Address = NonNullable<V2UserBody['address']>;
type BirthDate = Pick<NonNullable<V2UserBody['birth_date']>, 'year' | 'month' | 'day'>;

export interface StoredUser {
  readonly id: string;
  readonly createdAt: string;
  /** Creation order: the list order, and what cursors point at. */
  readonly seq: number;
  first_name?: string;
  last_name?: string;
  email?: string;
  phone_number?: string;
  ssn?: string;
  address: Address;
  birth_date: BirthDate;
  /** `undefined` when never set (v1 metadata may be any JSON, v2's an object). */
  external_metadata?: unknown;
  external_id?: string;
  open_banking?: V2UserBody['open_banking'];
}

const SCALARS = ['first_name', 'last_name', 'email', 'phone_number', 'ssn', 'external_id'] as const;

export class ArgyleUserStore {
  private users = new Map<string, StoredUser>();
  private seq = 0;

  create(body: V2UserBody): StoredUser {
    this.seq += 1;
    const user: StoredUser = {
      id: randomUUID(),
      createdAt: new Date().toISOString(),
      seq: this.seq,
      address: {},
      birth_date: {},
    };
    this.apply(user, body);
    this.users.set(user.id, user);
    return user;
  }

  get(id: string): StoredUser | undefined {
    return this.users.get(id.toLowerCase());
  }

  /**
   * PATCH semantics: fields sent replace, fields absent stay. An object sent (`address`,
   * `birth_date`, `open_banking`) replaces the stored one whole: Argyle documents no key-by-key
   * merge, and replacing is the safe reading — a client that sends part of an address and counts on
   * the rest being kept loses it here, rather than only against Argyle.
   */
  apply(user: StoredUser, body: V2UserBody): void {
    for (const key of SCALARS) {
      const value = body[key];
      if (value !== undefined) user[key] = value;
    }
    if (body.address) user.address = { ...body.address };
    if (body.birth_date) {
      const { year, month, day } = body.birth_date;
      user.birth_date = { year, month, day };
    }
    if (body.external_metadata !== undefined) user.external_metadata = body.external_metadata;
    if (body.open_banking !== undefined) user.open_banking = body.open_banking;
  }

  setMetadata(user: StoredUser, metadata: unknown): void {
    user.external_metadata = metadata;
  }

  delete(id: string): boolean {
    return this.users.delete(id.toLowerCase());
  }

  /** Every user in creation order, optionally only those whose `external_id` is exactly `externalId`. */
  list(externalId?: string): StoredUser[] {
    const all = [...this.users.values()];
    return externalId === undefined ? all : all.filter((u) => u.external_id === externalId);
  }

  count(): number {
    return this.users.size;
  }

  clear(): void {
    this.users.clear();
  }
}

/**
 * The v2 User object (the `User` schema, https://docs.argyle.com/api-reference/users#retrieve): every
 * documented field, `null` when unset.
 */
export function renderV2(user: StoredUser): Record<string, unknown> {
  const a = user.address;
  const b = user.birth_date;
  return {
    id: user.id,
    created_at: user.createdAt,
    // Nothing is ever connected through Link in the emulator.
    items_connected: [],
    employers_connected: [],
    external_metadata: user.external_metadata ?? null,
    external_id: user.external_id ?? null,
    first_name: user.first_name ?? null,
    last_name: user.last_name ?? null,
    email: user.email ?? null,
    phone_number: user.phone_number ?? null,
    ssn: user.ssn ?? null,
    address: {
      city: a.city ?? null,
      line1: a.line1 ?? null,
      line2: a.line2 ?? null,
      state: a.state ?? null,
      country: a.country ?? null,
      postal_code: a.postal_code ?? null,
    },
    birth_date: { year: b.year ?? null, month: b.month ?? null, day: b.day ?? null },
  };
}

/**
 * The v1 user object (https://docs.argyle.com/legacy/api-reference/users#retrieve): its examples show `{}`
 * for a user created without metadata.
 */
export function renderV1(user: StoredUser): Record<string, unknown> {
  return {
    id: user.id,
    created_at: user.createdAt,
    employers_connected: [],
    data_providers_connected: [],
    external_metadata: user.external_metadata ?? {},
  };
}
