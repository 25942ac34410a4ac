/**
 * A webhook receiver on plain `node:http` (docs/webhooks.md, "node:http"): `POST /webhooks/<tenant>`,
 * the body's chunks read (at most 1 MiB) and handed as they came to `identity.parseWebhook`. 200 once
 * `onEvent` has the event; 400 for a refused delivery, 413 for a body over 1 MiB.
 */
import { createServer, type Server } from 'node:http';
import { isPayrollIdentityError, type PayrollIdentity, type WebhookEvent } from 'payroll-identity';

const MAX_BODY = 1024 * 1024;
/** `/webhooks/<tenant id>`: the URL's length is bounded before it is matched. */
const ROUTE = /^\/webhooks\/([A-Za-z0-9][A-Za-z0-9._:-]{0,127})$/;

/** What to answer for a delivery that was not handled. */
function statusFor(error: unknown): number {
  // Refused (bad signature, undecryptable, not the provider's shape): sending it again changes nothing.
  if (isPayrollIdentityError(error, 'invalid_webhook')) return 400;
  if (isPayrollIdentityError(error, 'invalid_input')) return 400;
  if (isPayrollIdentityError(error, 'unknown_tenant')) return 404;
  // Our own failure (onEvent threw): a 5xx makes the provider deliver again later.
  return 500;
}

export function createNodeHttpReceiver(
  identity: PayrollIdentity,
  onEvent: (event: WebhookEvent) => Promise<void>,
): Server {
  return createServer((request, response) => {
    const url = request.url ?? '';
    const tenant = url.length <= 200 ? ROUTE.exec(url)?.[1] : undefined;
    if (request.method !== 'POST' || tenant === undefined) {
      request.resume();
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
      else if (!response.headersSent) {
        response.writeHead(413, { connection: 'close' }).end(() => request.destroy());
      }
    });
    request.on('end', () => {
      if (size > MAX_BODY) return;
      identity
        .parseWebhook({ tenant, headers: request.headers, body: Buffer.concat(chunks) })
        .then(async (event) => {
          await onEvent(event); // store it (keyed by event.id), queue the work, return
          response.writeHead(200).end();
        })
        .catch((error: unknown) => {
          response.writeHead(statusFor(error)).end();
        });
    });
  });
}
