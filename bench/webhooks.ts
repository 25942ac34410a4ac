/**
 * Section 7 — webhook deliveries verified per second: `identity.parseWebhook` over deliveries signed
 * (and, for Teal, encrypted) here with `node:crypto`, one at a time in-process (nothing is sent).
 * What is measured is the body bound, the header lookup, the HMAC-SHA512 per configured secret (in
 * constant time), AES-256-GCM decryption, JSON parsing, the provider's zod schema and the event.
 *
 * Scenarios run in batches, interleaved; the median batch is reported. A refused delivery (a wrong
 * signature, both secrets tried) is measured too: what a flood of forged deliveries costs.
 */
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { ARGYLE_CREDENTIALS, loadDist, report, TEAL_CREDENTIALS, USER_ID } from './lib.js';
import { percentile } from './stats.js';

const BATCHES = Number(process.env.BENCH_WEBHOOK_BATCHES ?? 11);
const PER_BATCH = Number(process.env.BENCH_WEBHOOK_PER_BATCH ?? 2000);

const lib = await loadDist();

const SECRET = 'bench-webhook-secret-not-real';
const OLD_SECRET = 'bench-webhook-secret-old-not-real';
const KEY = randomBytes(32);
const identity = lib.createPayrollIdentity({
  tenants: {
    argyle: {
      provider: 'argyle',
      environment: 'sandbox',
      credentials: { ...ARGYLE_CREDENTIALS },
      webhooks: { secret: SECRET },
    },
    rotating: {
      provider: 'argyle',
      environment: 'sandbox',
      credentials: { ...ARGYLE_CREDENTIALS },
      // The delivery below is signed with the old one: both are computed.
      webhooks: { secret: [SECRET, OLD_SECRET] },
    },
    teal: {
      provider: 'teal',
      environment: 'sandbox',
      credentials: { ...TEAL_CREDENTIALS },
      webhooks: { secret: SECRET, encryptionKey: KEY.toString('base64') },
    },
  },
});

const sign = (body: string, secret: string) => createHmac('sha512', secret).update(body).digest('hex');

const argyleBody = JSON.stringify({
  event: 'accounts.connected',
  name: 'payroll-identity-argyle',
  data: { account: '0187c66e-e7e5-811c-b006-2232f00f426a', user: USER_ID },
});
const tealPlain = JSON.stringify({
  event: 'user-payroll-submitted',
  user_id: USER_ID,
  timestamp: '2024-04-04T12:00:00.000Z',
});
const iv = randomBytes(12);
const cipher = createCipheriv('aes-256-gcm', KEY, iv);
const tealBody = Buffer.concat([cipher.update(tealPlain), cipher.final(), cipher.getAuthTag()]).toString(
  'base64',
);

type Scenario = { name: string; bytes: number; run: () => Promise<unknown> };
const headers = (name: string, signature: string) => ({
  'content-type': 'application/json',
  [name]: signature,
});
const SCENARIOS: Scenario[] = [
  {
    name: 'argyle, 1 secret',
    bytes: Buffer.byteLength(argyleBody),
    run: () =>
      identity.parseWebhook({
        tenant: 'argyle',
        headers: headers('x-argyle-signature', sign(argyleBody, SECRET)),
        body: Buffer.from(argyleBody),
      }),
  },
  {
    name: 'argyle, 2 secrets (rotation)',
    bytes: Buffer.byteLength(argyleBody),
    run: () =>
      identity.parseWebhook({
        tenant: 'rotating',
        headers: headers('x-argyle-signature', sign(argyleBody, OLD_SECRET)),
        body: Buffer.from(argyleBody),
      }),
  },
  {
    name: 'teal, encrypted',
    bytes: Buffer.byteLength(tealBody),
    run: () =>
      identity.parseWebhook({
        tenant: 'teal',
        headers: {
          'x-teal-signature': sign(tealBody, SECRET),
          'x-teal-encryption-iv': iv.toString('base64'),
        },
        body: tealBody,
      }),
  },
  {
    name: 'argyle, forged (refused)',
    bytes: Buffer.byteLength(argyleBody),
    run: () =>
      identity
        .parseWebhook({
          tenant: 'rotating',
          headers: headers('x-argyle-signature', sign(argyleBody, 'not-the-secret')),
          body: Buffer.from(argyleBody),
        })
        .then(
          () => {
            throw new Error('a forged delivery was accepted');
          },
          (error: unknown) => {
            if (!lib.isPayrollIdentityError(error, 'invalid_webhook')) throw error;
          },
        ),
  },
];

// Warm-up, then interleaved batches.
for (const scenario of SCENARIOS) for (let i = 0; i < 500; i++) await scenario.run();
const samples = new Map<string, number[]>(SCENARIOS.map((s) => [s.name, []]));
for (let batch = 0; batch < BATCHES; batch++) {
  for (const scenario of SCENARIOS) {
    const t0 = performance.now();
    for (let i = 0; i < PER_BATCH; i++) await scenario.run();
    samples.get(scenario.name)!.push(((performance.now() - t0) * 1000) / PER_BATCH);
  }
}
await identity.close();

const rows = SCENARIOS.map((scenario) => {
  const us = percentile(
    [...samples.get(scenario.name)!].sort((a, b) => a - b),
    50,
  );
  return { scenario: scenario.name, bodyBytes: scenario.bytes, usPerDelivery: us, perSec: 1e6 / us };
});
report({ samples: { batches: BATCHES, perBatch: PER_BATCH }, rows });
