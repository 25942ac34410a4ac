/**
 * What the webhook tests share: tenants with webhook secrets, deliveries signed and encrypted here
 * with `node:crypto` alone (never with the library's code), and an in-process provider for the
 * subscription calls that records every request.
 */
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import type { Transport } from '../../../src/http/transport.js';
import {
  createPayrollIdentity,
  type PayrollIdentity,
  type PayrollIdentityConfig,
} from '../../../src/index.js';

export const ARGYLE_SECRET = 'argyle-webhook-secret-0001';
export const ARGYLE_OLD_SECRET = 'argyle-webhook-secret-old-0000';
export const TEAL_SECRET = 'teal-webhook-secret-0001';
export const OTHER_TENANT_SECRET = 'other-tenant-webhook-secret-9999';
/** The base64 of 32 bytes (fixed, so that a failure is reproducible). */
export const TEAL_KEY = Buffer.alloc(32, 7).toString('base64');
export const ARGYLE_CREDENTIALS = { apiKeyId: 'argyle-key-id-0001', apiKeySecret: 'argyle-key-secret-0001' };
export const TEAL_API_KEY = 'teal-api-key-0123456789';

export const USER_ID = '018051aa-f7a9-a0db-2f38-6cfa325e9d69';
export const ACCOUNT_ID = '0187c66e-e7e5-811c-b006-2232f00f426a';
export const TEAL_USER_ID = '4708334c-70b3-437d-8e46-91ff5c9a8d7d';

/** Obviously fake personal data, as an included resource or payload would carry it. */
export const PERSON = {
  ssn: '123-45-6789',
  ni: 'QQ123456C',
  email: 'jane.doe@example.com',
  birthDate: '1990-05-17',
  name: 'Jane Doe',
};

/** The tenants most tests use: Argyle (two secrets, rotating), Teal (encrypted), Teal in clear, one other. */
export function tenants(): PayrollIdentityConfig['tenants'] {
  return {
    'acme-us': {
      provider: 'argyle',
      environment: 'sandbox',
      credentials: ARGYLE_CREDENTIALS,
      webhooks: { secret: [ARGYLE_SECRET, ARGYLE_OLD_SECRET] },
    },
    'brit-lend': {
      provider: 'teal',
      environment: 'sandbox',
      credentials: { apiKey: TEAL_API_KEY },
      webhooks: { secret: TEAL_SECRET, encryptionKey: TEAL_KEY },
    },
    'brit-clear': {
      provider: 'teal',
      environment: 'sandbox',
      credentials: { apiKey: TEAL_API_KEY },
      webhooks: { secret: TEAL_SECRET },
    },
    'other-us': {
      provider: 'argyle',
      environment: 'sandbox',
      credentials: ARGYLE_CREDENTIALS,
      webhooks: { secret: OTHER_TENANT_SECRET },
    },
    'no-hooks': { provider: 'argyle', environment: 'sandbox', credentials: ARGYLE_CREDENTIALS },
  };
}

export function identityWith(extra: Partial<PayrollIdentityConfig> = {}): PayrollIdentity {
  return createPayrollIdentity({ tenants: tenants(), ...extra });
}

/** The hex HMAC-SHA512 of `body` with `secret`, computed here. */
export function sign(body: string | Buffer, secret: string): string {
  return createHmac('sha512', secret).update(body).digest('hex');
}

/** An Argyle delivery `{event, name, data}`, as its reference shows them. */
export function argyleDelivery(
  event: string,
  data: Record<string, unknown>,
  name = 'payroll-identity-acme-us',
): string {
  return JSON.stringify({ event, name, data });
}

/** A signed Argyle delivery's headers and body. */
export function signedArgyle(
  body: string,
  secret = ARGYLE_SECRET,
): { headers: Record<string, string>; body: string } {
  return { headers: { 'content-type': 'application/json', 'x-argyle-signature': sign(body, secret) }, body };
}

/** A Teal delivery, with the reference's separators (`": "`, `", "`). */
export function tealDelivery(fields: Record<string, unknown> = {}): string {
  const delivery = {
    event: 'user-payroll-submitted',
    user_id: TEAL_USER_ID,
    timestamp: '2024-04-17T13:56:03.277Z',
    ...fields,
  };
  return JSON.stringify(delivery).replace(/","/g, '", "').replace(/":"/g, '": "');
}

/** `plaintext` encrypted as Teal does: base64(ciphertext ‖ 16-byte tag), the IV base64 apart. */
export function encrypt(
  plaintext: string,
  key = TEAL_KEY,
  iv: Buffer = randomBytes(12),
): { body: string; iv: string; ciphertext: Buffer; tag: Buffer } {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'base64'), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return {
    body: Buffer.concat([ciphertext, tag]).toString('base64'),
    iv: iv.toString('base64'),
    ciphertext,
    tag,
  };
}

/** An encrypted, signed Teal delivery (the signature covers the encrypted body). */
export function encryptedTeal(
  plaintext: string,
  secret = TEAL_SECRET,
): { headers: Record<string, string>; body: string; iv: string } {
  const { body, iv } = encrypt(plaintext);
  return { headers: { 'x-teal-signature': sign(body, secret), 'x-teal-encryption-iv': iv }, body, iv };
}

/** One request the in-process provider received. */
export interface Recorded {
  method: string;
  url: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: unknown;
}

/** An in-process provider: `reply` answers each request, every request is recorded. */
export function scriptedTransport(reply: (request: Recorded) => { status: number; body?: unknown }): {
  transport: Transport;
  requests: Recorded[];
} {
  const requests: Recorded[] = [];
  const transport: Transport = async (config) => {
    const headers: Record<string, string> = {};
    const given = (config.headers ?? {}) as unknown as Record<string, unknown> & { toJSON?: () => object };
    const plain = typeof given.toJSON === 'function' ? (given.toJSON() as Record<string, unknown>) : given;
    for (const [name, value] of Object.entries(plain)) headers[name.toLowerCase()] = String(value);
    const request: Recorded = {
      method: String(config.method).toUpperCase(),
      url: String(config.url),
      query: (config.params ?? {}) as Record<string, unknown>,
      headers,
      body: typeof config.data === 'string' && config.data !== '' ? JSON.parse(config.data) : undefined,
    };
    requests.push(request);
    const answer = reply(request);
    return {
      status: answer.status,
      statusText: '',
      headers: { 'content-type': 'application/json' },
      config,
      data: answer.body === undefined ? '' : JSON.stringify(answer.body),
    };
  };
  return { transport, requests };
}
