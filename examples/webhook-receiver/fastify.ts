/**
 * A webhook receiver on Fastify (docs/webhooks.md, "Fastify"): `POST /webhooks/:tenant` in a plugin
 * of its own whose only content-type parser keeps every body as a `Buffer` (`parseAs: 'buffer'`), so
 * the rest of the app keeps its JSON parser. Each delivery is verified with `identity.parseWebhook`.
 * 200 once `onEvent` has the event; 400 for a refused delivery.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { isPayrollIdentityError, type PayrollIdentity, type WebhookEvent } from 'payroll-identity';

/** What to answer for a delivery that was not handled. */
function statusFor(error: unknown): number {
  // Refused (bad signature, undecryptable, not the provider's shape): sending it again changes nothing.
  if (isPayrollIdentityError(error, 'invalid_webhook')) return 400;
  // No body at all, or headers that are not a record.
  if (isPayrollIdentityError(error, 'invalid_input')) return 400;
  if (isPayrollIdentityError(error, 'unknown_tenant')) return 404;
  // Our own failure (onEvent threw): a 5xx makes the provider deliver again later.
  return 500;
}

export function createFastifyReceiver(
  identity: PayrollIdentity,
  onEvent: (event: WebhookEvent) => Promise<void>,
): FastifyInstance {
  const app = Fastify();
  app.register(async (webhooks) => {
    webhooks.removeAllContentTypeParsers();
    webhooks.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: 1024 * 1024 },
      (_request, body, done) => {
        done(null, body);
      },
    );
    webhooks.post<{ Params: { tenant: string } }>('/webhooks/:tenant', async (request, reply) => {
      try {
        const event = await identity.parseWebhook({
          tenant: request.params.tenant,
          headers: request.headers,
          body: request.body as Buffer,
        });
        await onEvent(event); // store it (keyed by event.id), queue the work, return
        return reply.code(200).send();
      } catch (error) {
        return reply.code(statusFor(error)).send();
      }
    });
  });
  return app;
}
