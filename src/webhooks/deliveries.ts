/**
 * `parseWebhook`'s work, once the tenant's generation has given the configurations to try: the
 * delivery's body bounded before anything else, the provider found from its signature header among
 * the tenant's providers that have `webhooks` configured, the signature checked in constant time
 * against each configured secret, the body decrypted (AES-256-GCM) when the tenant configures a key,
 * the JSON parsed and validated with the provider's schema, and the provider's reading of it checked.
 *
 * Every refusal is an `InvalidWebhookError` whose message names the step, the tenant and the
 * provider, never anything read from the delivery (no body text, no header value, no secret).
 */
import {
  createDecipheriv,
  createHash,
  createHmac,
  createSecretKey,
  type KeyObject,
  timingSafeEqual,
} from 'node:crypto';
import { InvalidInputError, InvalidWebhookError, type WebhookFailureReason } from '../errors.js';
import type { BaseTenantConfig, TenantWebhooksConfig } from '../provider/definition.js';
import {
  WEBHOOK_EVENT_TYPES,
  type WebhookEventKind,
  type WebhooksDeclaration,
} from '../provider/webhooks.js';
import { type HeaderReader, headerReader } from './headers.js';
import { MAX_WEBHOOK_BODY_BYTES, type WebhookEvent } from './types.js';

/** One configuration of the tenant whose provider may have sent the delivery. */
export interface DeliveryCandidate {
  /** The configuration (the tenant's current provider's, or a retained one's), with its `webhooks`. */
  readonly config: BaseTenantConfig & { readonly webhooks: TenantWebhooksConfig };
  /** Its provider's webhooks declaration. */
  readonly declaration: WebhooksDeclaration;
}

/** A digest's length in bytes, by hash. */
const DIGEST_BYTES = { sha256: 32, sha512: 64 } as const;
/** GCM's tag, as the providers append it to the ciphertext. */
const TAG_BYTES = 16;
/** IV lengths accepted, in bytes (GCM's standard 12, up to a block). */
const MIN_IV_BYTES = 12;
const MAX_IV_BYTES = 16;
/** Longest id, name or timestamp a provider's reading may hand out. */
const MAX_EVENT_TEXT = 256;

const HEX = /^[0-9a-fA-F]+$/;
/** Base64, standard alphabet, padded (linear: no alternation, one class then at most two `=`). */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const EVENT_KINDS: ReadonlySet<string> = new Set<WebhookEventKind>([
  ...WEBHOOK_EVENT_TYPES,
  'provider_event',
]);

/** The keys of one configuration's secrets, made once (a `KeyObject` prints no value). */
interface Keys {
  readonly secrets: readonly KeyObject[];
  readonly encryption: KeyObject | undefined;
}
const KEYS = new WeakMap<TenantWebhooksConfig, Keys>();

function keysOf(webhooks: TenantWebhooksConfig): Keys {
  let keys = KEYS.get(webhooks);
  if (!keys) {
    keys = {
      secrets: webhooks.secret.map((secret) => createSecretKey(Buffer.from(secret.reveal(), 'utf8'))),
      encryption: webhooks.encryptionKey
        ? createSecretKey(Buffer.from(webhooks.encryptionKey.reveal(), 'base64'))
        : undefined,
    };
    KEYS.set(webhooks, keys);
  }
  return keys;
}

/** Refuses a delivery: what is said is the step and who, never what the delivery holds. */
class Refusal {
  constructor(
    readonly tenant: string,
    readonly provider: string | undefined,
  ) {}

  fail(reason: WebhookFailureReason, why: string, cause?: unknown): never {
    const who = this.provider ? `${this.provider} webhook` : 'webhook';
    throw new InvalidWebhookError(`${who} for tenant "${this.tenant}" refused: ${why}`, {
      tenant: this.tenant,
      ...(this.provider ? { provider: this.provider } : {}),
      operation: 'parseWebhook',
      reason,
      ...(cause !== undefined ? { cause } : {}),
    });
  }
}

function tooLarge(refuse: Refusal): never {
  return refuse.fail('payload', `the body is larger than ${MAX_WEBHOOK_BODY_BYTES / 1024 / 1024} MiB`);
}

/** The body's bytes, bounded first (a string's UTF-8 form is at least as long as the string). */
function bodyBytes(body: unknown, refuse: Refusal): Buffer {
  if (typeof body === 'string') {
    if (body.length > MAX_WEBHOOK_BODY_BYTES) tooLarge(refuse);
    const bytes = Buffer.from(body, 'utf8');
    if (bytes.length > MAX_WEBHOOK_BODY_BYTES) tooLarge(refuse);
    return bytes;
  }
  if (body instanceof ArrayBuffer) {
    if (body.byteLength > MAX_WEBHOOK_BODY_BYTES) tooLarge(refuse);
    return Buffer.from(body);
  }
  if (ArrayBuffer.isView(body) && body instanceof Uint8Array) {
    if (body.byteLength > MAX_WEBHOOK_BODY_BYTES) tooLarge(refuse);
    return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  }
  throw new InvalidInputError(
    `parseWebhook for tenant "${refuse.tenant}": the body must be the raw body as received (a string, a Buffer or a Uint8Array); ${
      typeof body === 'object' && body !== null
        ? 'an object means a JSON body parser ran first: give the route the raw body (express.raw, a buffer parser)'
        : `got ${body === null ? 'null' : typeof body}`
    }`,
    {
      tenant: refuse.tenant,
      operation: 'parseWebhook',
      fieldErrors: { body: ['Must be the raw body: a string, a Buffer, a Uint8Array or an ArrayBuffer'] },
    },
  );
}

/** The header's decoded signature, or `undefined` when it is not one (its length bounded before decoding). */
function decodeSignature(value: string, declaration: WebhooksDeclaration): Buffer | undefined {
  const { algorithm, encoding } = declaration.signature;
  const bytes = DIGEST_BYTES[algorithm];
  const expected = encoding === 'hex' ? bytes * 2 : Math.ceil(bytes / 3) * 4;
  // Bounded before any other work: surrounding spaces at most, never a long value.
  if (value.length > expected + 8) return undefined;
  const text = value.trim();
  if (text.length !== expected) return undefined;
  if (encoding === 'hex') return HEX.test(text) ? Buffer.from(text, 'hex') : undefined;
  if (!BASE64.test(text)) return undefined;
  const decoded = Buffer.from(text, 'base64');
  return decoded.length === bytes ? decoded : undefined;
}

/** Whether `signature` is the HMAC of `body` under any of the secrets (each one compared in constant time). */
function signedByAny(body: Buffer, signature: Buffer, declaration: WebhooksDeclaration, keys: Keys): boolean {
  let matched = false;
  for (const key of keys.secrets) {
    const digest = createHmac(declaration.signature.algorithm, key).update(body).digest();
    // Equal lengths by construction (the signature was decoded to the digest's length).
    if (digest.length === signature.length && timingSafeEqual(digest, signature)) matched = true;
  }
  return matched;
}

/** The plaintext of an encrypted body: base64 of ciphertext ‖ 16-byte tag, the IV in its header. */
function decrypt(
  body: Buffer,
  ivHeader: string,
  read: HeaderReader,
  key: KeyObject,
  refuse: Refusal,
): Buffer {
  const iv = read(ivHeader);
  if ('absent' in iv) {
    refuse.fail(
      'decryption',
      `it is not encrypted (no ${ivHeader} header), and the tenant's webhooks.encryptionKey says deliveries are`,
    );
  }
  if ('repeated' in iv) refuse.fail('decryption', `the ${ivHeader} header is given more than once`);
  const ivText = iv.value.trim();
  const ivBytes =
    ivText.length <= 4 * MAX_IV_BYTES && BASE64.test(ivText) && ivText.length % 4 === 0
      ? Buffer.from(ivText, 'base64')
      : undefined;
  if (!ivBytes || ivBytes.length < MIN_IV_BYTES || ivBytes.length > MAX_IV_BYTES) {
    refuse.fail(
      'decryption',
      `the ${ivHeader} header is not a base64 IV of ${MIN_IV_BYTES} to ${MAX_IV_BYTES} bytes`,
    );
  }
  // The body is ASCII base64 (a byte over 0x7f fails the test as the replacement character).
  const text = body.toString('latin1');
  if (text.length % 4 !== 0 || !BASE64.test(text)) {
    refuse.fail('decryption', 'the body is not base64 (is it encrypted?)');
  }
  const sealed = Buffer.from(text, 'base64');
  if (sealed.length <= TAG_BYTES)
    refuse.fail('decryption', 'the body is too short to hold a ciphertext and its tag');
  const ciphertext = sealed.subarray(0, sealed.length - TAG_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return refuse.fail(
      'decryption',
      "it does not decrypt with the tenant's webhooks.encryptionKey (wrong key, IV or tag, or an altered ciphertext)",
    );
  }
}

/** A provider-read text field: a bounded non-empty string, or absent. */
function optionalText(value: unknown): string | undefined | false {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_EVENT_TEXT ? value : false;
}

/** The candidate whose signature header the delivery carries. */
function findSigner(
  candidates: readonly DeliveryCandidate[],
  read: HeaderReader,
  refuse: Refusal,
): { candidate: DeliveryCandidate; signature: string } {
  const found: { candidate: DeliveryCandidate; signature: string }[] = [];
  for (const candidate of candidates) {
    const header = read(candidate.declaration.signature.header);
    if ('absent' in header) continue;
    if ('repeated' in header) {
      const refuseFor: Refusal = new Refusal(refuse.tenant, candidate.config.provider);
      refuseFor.fail(
        'signature',
        `the ${candidate.declaration.signature.header} header is given more than once`,
      );
    }
    found.push({ candidate, signature: header.value });
  }
  const [first, ...more] = found;
  if (!first) {
    const expected = candidates.map((c) => c.declaration.signature.header).join(' or ');
    refuse.fail(
      'signature',
      `it carries no signature header of the tenant's providers (expected ${expected})`,
    );
  }
  if (more.length > 0)
    refuse.fail('signature', "it carries the signature headers of several of the tenant's providers");
  return first;
}

/** An input the caller got wrong: `invalid_input`, before anything is read from the delivery. */
function wrongInput(tenant: string, field: string, message: string, why: string, cause?: unknown): never {
  throw new InvalidInputError(`parseWebhook for tenant "${tenant}": ${message}`, {
    tenant,
    operation: 'parseWebhook',
    fieldErrors: { [field]: [why] },
    ...(cause !== undefined ? { cause } : {}),
  });
}

/** The input's `headers` and `body` (a getter or a proxy that throws is the caller's `invalid_input`). */
function readGiven(input: unknown, tenant: string): { headers: unknown; body: unknown } {
  if (typeof input !== 'object' || input === null) {
    wrongInput(
      tenant,
      '(input)',
      'give { tenant, headers, body }',
      'Must be an object: { tenant, headers, body }',
    );
  }
  try {
    const { headers, body } = input as { headers?: unknown; body?: unknown };
    return { headers, body };
  } catch (error) {
    return wrongInput(tenant, '(input)', 'the input could not be read', 'Could not be read', error);
  }
}

/** A reader of the delivery's headers, or `invalid_input` when they are not headers. */
function readHeaders(headers: unknown, tenant: string): HeaderReader {
  let read: HeaderReader | undefined;
  try {
    read = headerReader(headers);
  } catch (error) {
    wrongInput(tenant, 'headers', 'the headers could not be read', 'Could not be read', error);
  }
  if (!read) {
    wrongInput(
      tenant,
      'headers',
      "headers must be the request's headers (a record of names to values, or a Headers object)",
      'Must be a record of header names to values, or a Headers object',
    );
  }
  // A getter that throws on a later read is the caller's too.
  const reader = read;
  return (name) => {
    try {
      return reader(name);
    } catch (error) {
      return wrongInput(tenant, 'headers', 'the headers could not be read', 'Could not be read', error);
    }
  };
}

/**
 * Verifies, decrypts and reads one delivery for `tenant`, trying `candidates` (the tenant's
 * configurations that have `webhooks`). Throws `invalid_webhook` (or `invalid_input` for a body or
 * headers of the wrong kind); returns the neutral event.
 */
export function parseDelivery(
  tenant: string,
  candidates: readonly DeliveryCandidate[],
  input: unknown,
): WebhookEvent {
  const refuse: Refusal = new Refusal(tenant, undefined);
  const given = readGiven(input, tenant);
  // The size first: nothing else is done with a body over the bound.
  const body = bodyBytes(given.body, refuse);
  const read = readHeaders(given.headers, tenant);
  if (candidates.length === 0) {
    refuse.fail('signature', 'the tenant has no webhooks.secret configured for any of its providers');
  }
  const { candidate, signature } = findSigner(candidates, read, refuse);
  const { config, declaration } = candidate;
  const provider = config.provider;
  const refuseFor: Refusal = new Refusal(tenant, provider);
  const header = declaration.signature.header;
  const decoded = decodeSignature(signature, declaration);
  if (!decoded) {
    refuseFor.fail(
      'signature',
      `the ${header} header is not a ${declaration.signature.encoding} ${declaration.signature.algorithm.toUpperCase()} HMAC`,
    );
  }
  const keys = keysOf(config.webhooks);
  if (!signedByAny(body, decoded, declaration, keys)) {
    refuseFor.fail(
      'signature',
      "the signature matches none of the tenant's webhooks secrets for this provider",
    );
  }

  let plaintext = body;
  const encryption = declaration.encryption;
  if (keys.encryption && encryption) {
    plaintext = decrypt(body, encryption.ivHeader, read, keys.encryption, refuseFor);
  } else if (encryption && !('absent' in read(encryption.ivHeader))) {
    refuseFor.fail(
      'decryption',
      'it is encrypted, and the tenant has no webhooks.encryptionKey to decrypt it',
    );
  }

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
  } catch {
    return refuseFor.fail('payload', 'the body is not UTF-8 text');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return refuseFor.fail('payload', 'the body is not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    refuseFor.fail('payload', 'the body is not a JSON object');
  }
  let valid = false;
  try {
    valid = declaration.payload.safeParse(json).success;
  } catch {
    valid = false;
  }
  if (!valid) refuseFor.fail('payload', `the body is not the shape ${provider} documents for its deliveries`);

  let reading: unknown;
  try {
    reading = declaration.toEvent(json);
  } catch (error) {
    return refuseFor.fail('payload', `${provider}'s webhook reader could not read it`, error);
  }
  const shown = (typeof reading === 'object' && reading !== null ? reading : {}) as Record<string, unknown>;
  const providerEvent = optionalText(shown.providerEvent);
  const userId = optionalText(shown.userId);
  const accountId = optionalText(shown.accountId);
  const occurredAt = optionalText(shown.occurredAt);
  if (!providerEvent || userId === false || accountId === false || occurredAt === false) {
    refuseFor.fail(
      'payload',
      `${provider}'s webhook reader returned an event without a readable name or ids`,
    );
  }
  const type = typeof shown.type === 'string' && EVENT_KINDS.has(shown.type) ? shown.type : 'provider_event';

  const event: Record<string, unknown> = {
    // The same delivery (bytes) to the same tenant: the same id. Two tenants sharing a provider
    // account each get their own.
    id: createHash('sha256')
      .update(tenant)
      .update('\n')
      .update(provider)
      .update('\n')
      .update(plaintext)
      .digest('hex'),
    type,
    provider,
    tenant,
    ...(userId !== undefined ? { userId } : {}),
    ...(accountId !== undefined ? { accountId } : {}),
    ...(occurredAt !== undefined ? { occurredAt } : {}),
    providerEvent,
  };
  // Behind a getter, and not enumerable: printing (even `%o` or `showHidden`), serialising or
  // spreading the event never shows the delivery's data; `event.payload` reads it. Frozen all the
  // way down, so a handler cannot change what the next one reads.
  const payload = deepFreeze(json);
  Object.defineProperty(event, 'payload', { get: () => payload, enumerable: false });
  return Object.freeze(event) as unknown as WebhookEvent;
}

/** Freezes a parsed JSON value and everything in it (with a stack of its own: nesting is unbounded). */
function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || Object.isFrozen(node)) continue;
    Object.freeze(node);
    for (const child of Object.values(node)) stack.push(child);
  }
  return value;
}
