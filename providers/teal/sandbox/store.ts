/** The Teal emulator's users and link tokens, and the CreatedUser object they render as. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { CreateUserBody, TealField, UpdateUserBody } from './schemas.js';

type Fields = Partial<Record<TealField, unknown>>;

export interface StoredUser {
  readonly user_id: string;
  readonly created_at: string;
  fields: Fields;
}

export interface LinkToken {
  token: string;
  user_id: string;
  created_at: string;
}

export class TealUserStore {
  private users = new Map<string, StoredUser>();
  private tokens: LinkToken[] = [];

  /**
   * The user with the same forename, surname and date of birth: the emulator's `duplicateRule:
   * 'name-and-birth-date'` (Teal documents a 409 for an existing user, not what makes one).
   */
  findSamePerson(body: CreateUserBody): StoredUser | undefined {
    const key = personKey(body);
    return [...this.users.values()].find((u) => personKey(u.fields) === key);
  }

  create(body: CreateUserBody): StoredUser {
    const user: StoredUser = { user_id: randomUUID(), created_at: new Date().toISOString(), fields: {} };
    this.update(user, body);
    this.users.set(user.user_id, user);
    return user;
  }

  get(id: string): StoredUser | undefined {
    return this.users.get(id.toLowerCase());
  }

  /** Fields sent replace, `null` unsets (reference, PATCH), absent ones stay. */
  update(user: StoredUser, body: CreateUserBody | UpdateUserBody): void {
    for (const [key, value] of Object.entries(body) as [TealField, unknown][]) {
      if (value === undefined) continue;
      if (value === null) delete user.fields[key];
      else user.fields[key] = value;
    }
  }

  /** Deleting a user also deletes what hangs off it (reference): here, its link tokens. */
  delete(id: string): boolean {
    const user = this.get(id);
    if (!user) return false;
    this.users.delete(user.user_id);
    this.tokens = this.tokens.filter((t) => t.user_id !== user.user_id);
    return true;
  }

  /** Users in creation order (a Map keeps insertion order). */
  list(): StoredUser[] {
    return [...this.users.values()];
  }

  count(): number {
    return this.users.size;
  }

  issueToken(user: StoredUser): LinkToken {
    const token = {
      token: randomBytes(24).toString('base64url'),
      user_id: user.user_id,
      created_at: new Date().toISOString(),
    };
    this.tokens.push(token);
    return token;
  }

  clear(): void {
    this.users.clear();
    this.tokens = [];
  }
}

/**
 * CreatedUser (https://docs.goteal.co): `user_id`, `created_at` and the user's fields; unset optional fields
 * are absent.
 */
export function render(user: StoredUser): Record<string, unknown> {
  return { user_id: user.user_id, created_at: user.created_at, ...user.fields };
}

/** Case- and surrounding-space-insensitive, so "john " and "John" are the same person. */
function personKey(fields: Fields): string {
  const norm = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : '');
  return JSON.stringify([norm(fields.forename), norm(fields.surname), norm(fields.date_of_birth)]);
}
