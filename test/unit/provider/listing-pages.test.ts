/**
 * Listings know pages: `listUsers().pages()` hands out each page with an opaque resume cursor, and
 * `listUsers({ cursor })` resumes after it — for cursor paging (Argyle v2, v1) and offset paging
 * (Teal) alike. A cursor is bound to its tenant, provider, filter and page size, holds no personal
 * data, and a forged or foreign one is `invalid_input` before anything is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayrollIdentity, type PayrollIdentity } from '../../../src/index.js';
import { type Sandbox, startSandbox } from '../../../src/sandbox/index.js';
import { rejection } from '../../../src/testing/assertions.js';
import type { User } from '../../../src/user.js';
import type { UserPage, UserService } from '../../../src/user-service.js';
import { applicantFor, tenantConfig, VARIANTS, type Variant } from '../../resilience/support.js';

let sandbox: Sandbox;
let identity: PayrollIdentity;

const emulatorOf = (variant: Variant) => (variant === 'teal' ? sandbox.teal : sandbox.argyle);

beforeAll(async () => {
  sandbox = await startSandbox();
  const tenants: Record<string, ReturnType<typeof tenantConfig>> = {};
  for (const variant of VARIANTS) {
    tenants[variant] = tenantConfig(variant, emulatorOf(variant));
    tenants[`${variant}-twin`] = tenantConfig(variant, emulatorOf(variant));
  }
  identity = createPayrollIdentity({ tenants });
  // Five users per tenant family; Argyle v1 and v2 share one emulator, so v1 sees ten.
  for (const variant of ['argyle-v2', 'teal'] as const) {
    const users = identity.forTenant(variant);
    for (let n = 1; n <= 5; n++) await users.createUser(applicantFor(variant, n, `pages-${variant}-${n}`));
  }
});

afterAll(async () => {
  await identity?.close();
  await sandbox?.close();
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const ids = (users: readonly User[]) => users.map((u) => u.id);

describe.each(VARIANTS)('%s', (variant) => {
  const service = (): UserService => identity.forTenant(variant);

  it('pages() yields the same users as the plain iteration, each page but the last with a cursor', async () => {
    const all = await collect(service().listUsers({ pageSize: 2 }));
    const pages = await collect(service().listUsers({ pageSize: 2 }).pages());
    expect(pages.flatMap((p) => ids(p.users))).toEqual(ids(all));
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(pages.length).toBe(Math.ceil(all.length / 2));
    expect(pages.slice(0, -1).every((p) => typeof p.cursor === 'string')).toBe(true);
    expect(pages.at(-1)?.cursor).toBeUndefined();
  });

  it('listUsers({ cursor }) resumes after the page that gave it, from another listing', async () => {
    const pages: UserPage[] = await collect(service().listUsers({ pageSize: 2 }).pages());
    const cursor = pages[0]?.cursor;
    expect(cursor).toBeDefined();
    const rest = await collect(service().listUsers({ pageSize: 2, cursor }));
    expect(ids(rest)).toEqual(pages.slice(1).flatMap((p) => ids(p.users)));
    // A cursor is plain text: it survives a round trip through JSON (a queue, a database row).
    const stored = JSON.parse(JSON.stringify({ cursor })) as { cursor: string };
    const again = await collect(service().listUsers({ pageSize: 2, cursor: stored.cursor }).pages());
    expect(again.flatMap((p) => ids(p.users))).toEqual(ids(rest));
  });

  it('a cursor is refused by another tenant of the same provider, and by another provider, before anything is sent', async () => {
    const [first] = await collect(service().listUsers({ pageSize: 2 }).pages());
    const cursor = first?.cursor as string;
    const emulator = emulatorOf(variant);
    const before = emulator.requests().length;
    const twin = await rejection(() =>
      collect(identity.forTenant(`${variant}-twin`).listUsers({ pageSize: 2, cursor })),
    );
    expect(twin.code).toBe('invalid_input');
    expect(twin.message).toContain('another tenant or provider');
    const other = variant === 'teal' ? 'argyle-v2' : 'teal';
    const foreign = await rejection(() =>
      collect(identity.forTenant(other).listUsers({ pageSize: 2, cursor })),
    );
    expect(foreign.code).toBe('invalid_input');
    expect(emulator.requests().length).toBe(before);
  });

  it('a cursor is refused with another page size or filter', async () => {
    const [first] = await collect(service().listUsers({ pageSize: 2 }).pages());
    const cursor = first?.cursor as string;
    const resized = await rejection(() => collect(service().listUsers({ pageSize: 3, cursor })));
    expect(resized.code).toBe('invalid_input');
    expect(resized.message).toContain('another pageSize');
    if (variant !== 'argyle-v1') {
      const filtered = await rejection(() =>
        collect(service().listUsers({ pageSize: 2, externalId: 'someone-else', cursor })),
      );
      expect(filtered.code).toBe('invalid_input');
    }
  });

  it('a forged or garbled cursor is invalid_input naming the field, never quoting the cursor', async () => {
    const forged = [
      'not-a-cursor',
      `pi1.${Buffer.from('{"t":').toString('base64url')}`,
      `pi1.${Buffer.from(JSON.stringify({ t: variant, p: 'x', k: 'k', s: { offset: -1 } })).toString('base64url')}`,
      `pi1.${'A'.repeat(4000)}`,
    ];
    for (const cursor of forged) {
      const error = await rejection(() => collect(service().listUsers({ cursor })));
      expect(error.code).toBe('invalid_input');
      expect(JSON.stringify(error)).not.toContain(cursor.slice(4, 40));
      expect((error as { fieldErrors?: Record<string, unknown> }).fieldErrors).toHaveProperty('cursor');
    }
    const tooLong = await rejection(() => collect(service().listUsers({ cursor: 'x'.repeat(5000) })));
    expect(tooLong.code).toBe('invalid_input');
  });
});

describe('filters and cursors', () => {
  it.each(['argyle-v2', 'teal'] as const)(
    '%s: a filtered listing pages and resumes, and its cursor does not carry the filter value',
    async (variant) => {
      const externalId = `pages-${variant}-3`;
      const pages = await collect(identity.forTenant(variant).listUsers({ externalId, pageSize: 2 }).pages());
      const users = pages.flatMap((p) => p.users);
      expect(users.map((u) => u.externalId)).toEqual([externalId]);
      for (const page of pages) {
        if (page.cursor === undefined) continue;
        const decoded = Buffer.from(page.cursor.slice(4), 'base64url').toString('utf8');
        expect(decoded).not.toContain(externalId);
      }
    },
  );
});
