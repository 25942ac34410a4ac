/**
 * Human-readable output of the `users` commands. `--json` prints the library's objects as they are;
 * this form is for a person at a terminal, so the national id (the one value that is never needed
 * in full to recognise a user) is shown only by its last characters.
 */
import type { CreatedUser, LinkToken, UpdatedUser, User } from '../user.js';

function maskNationalId(id: NonNullable<User['nationalId']>): string {
  const tail = id.value.replace(/[\s-]/g, '').slice(-4);
  return `${id.type} ending ${tail}`;
}

function addressLine(address: NonNullable<User['address']>): string {
  const cityLine = [address.city, address.state, address.postalCode].filter(Boolean).join(' ');
  return [address.line1, address.line2, cityLine, address.country].filter(Boolean).join(', ');
}

function rows(pairs: readonly [string, string | undefined][]): string[] {
  const present = pairs.filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '');
  const width = Math.max(...present.map(([k]) => k.length)) + 1;
  return present.map(([k, v]) => `  ${`${k}:`.padEnd(width + 1)}${v}`);
}

/** A user as indented `key: value` lines; absent fields are left out. */
export function formatUser(user: User): string[] {
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ') || undefined;
  const connections = user.connections
    ? `${user.connections.items.length} item(s), ${user.connections.employers.length} employer(s)`
    : undefined;
  return rows([
    ['id', user.id],
    ['provider', user.provider],
    ['created', user.createdAt],
    ['name', name],
    ['email', user.email],
    ['phone', user.phone],
    ['birth date', user.birthDate],
    ['address', user.address ? addressLine(user.address) : undefined],
    ['previous postal codes', user.previousPostalCodes?.join(', ')],
    ['national id', user.nationalId ? maskNationalId(user.nationalId) : undefined],
    ['external id', user.externalId],
    ['metadata', user.metadata !== undefined ? JSON.stringify(user.metadata) : undefined],
    ['connections', connections],
    ['provider data', user.providerData ? JSON.stringify(user.providerData) : undefined],
  ]);
}

export function formatIgnored(ignoredFields: readonly string[]): string {
  return ignoredFields.length > 0 ? ignoredFields.join(', ') : 'none';
}

export function formatLinkToken(token: LinkToken): string[] {
  return rows([
    ['token', token.token],
    ['expires', token.expiresAt],
    ['created', token.createdAt],
    ['url', token.url],
  ]);
}

export function formatCreated(created: CreatedUser, tenant: string): string[] {
  const lines = [`Created user ${created.user.id} (tenant ${tenant}, provider ${created.user.provider})`];
  lines.push(`  ignored fields: ${formatIgnored(created.ignoredFields)}`);
  lines.push(...formatUser(created.user));
  if (created.linkToken) lines.push('Link token:', ...formatLinkToken(created.linkToken));
  return lines;
}

export function formatUpdated(updated: UpdatedUser, tenant: string): string[] {
  return [
    `Updated user ${updated.user.id} (tenant ${tenant}, provider ${updated.user.provider})`,
    `  ignored fields: ${formatIgnored(updated.ignoredFields)}`,
    ...formatUser(updated.user),
  ];
}

/** One line per user in `users list`: no personal data beyond what identifies the record. */
export function formatListRow(user: User): string {
  return [user.id, user.createdAt ?? '-', user.externalId ?? '-'].join('  ');
}
