/**
 * A webhook receiver on Express (docs/webhooks.md, "Express"): `POST /webhooks/:tenant`, the body
 * kept as raw bytes by `express.raw` on this route only, each delivery verified with
 * `identity.parseWebhook`. 200 once `onEvent` has the event; 400 for a refused delivery.
 */
import express, { type Express } from 'express';
import { isPayrollIdentityError, type PayrollIdentity, type WebhookEvent } from 'payroll-identity';

/** What to answer for a delivery that was not handled. */
function statusFor(error: unknown): number {
  // Refused (bad signature, undecryptable, not the provider's shape): sending it again changes nothing.
  if (isPayrollIdentityError(error, 'invalid_webhook')) return 400;
  // No raw body (a JSON body parser ran first), or headers that are not a record.
  if (isPayrollIdentityError(error, 'invalid_input')) return 400;
  if (isPayrollIdentityError(error, 'unknown_tenant')) return 404;
  // Our own failure (onEvent threw): a 5xx makes the provider deliver again later.
  return 500;
}

export function createExpressReceiver(
  identity: PayrollIdentity,
  onEvent: (event: WebhookEvent) => Promise<void>,
): Express {
  const app = express();
  // express.raw on the webhook route itself, so that no express.json() can parse the body first.
  app.post('/webhooks/:tenant', express.raw({ type: '*/*', limit: '1mb' }), async (req, res) => {
    try {
      const event = await identity.parseWebhook({
        tenant: req.params.tenant,
        headers: req.headers,
        body: req.body,
      });
      await onEvent(event); // store it (keyed by event.id), queue the work, return
      res.sendStatus(200);
    } catch (error) {
      res.sendStatus(statusFor(error));
    }
  });
  return app;
}
