/**
 * The demo's webhook receiver: a `node:http` server on 127.0.0.1 in the demo's own process, one path
 * per tenant (`/webhooks/<tenant>`), that reads each delivery's raw body (bounded), hands it with the
 * request's headers to `parseWebhook`, and answers 200 when it verifies, 400 when it is refused
 * (`invalid_webhook`), as a lender's receiver would. What it received is kept per tenant for the
 * demo's checks: the verified events, and for a refusal only its code and reason (never the body).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPayrollIdentityError } from '../../errors.js';
import { MAX_WEBHOOK_BODY_BYTES, type ParseWebhookInput, type WebhookEvent } from '../../webhooks/types.js';

/** One delivery attempt as the receiver saw it. */
export type ReceivedDelivery =
  | { verified: true; event: WebhookEvent }
  /** `invalid_webhook (signature)`, or another code: what refused it, nothing from the delivery. */
  | { verified: false; refusal: string };

/** What the receiver verifies each delivery with: `identity.parseWebhook`. */
export type ParseWebhook = (input: ParseWebhookInput) => Promise<WebhookEvent>;

/** Longest request path looked at. */
const MAX_PATH_LENGTH = 512;

/** Why a delivery was refused, as the report shows it: the code, and the reason of a refused webhook. */
function refusalOf(error: unknown): string {
  if (isPayrollIdentityError(error, 'invalid_webhook')) return `invalid_webhook (${error.reason})`;
  if (isPayrollIdentityError(error)) return error.code;
  return 'unexpected failure';
}

export class DemoWebhookReceiver {
  /** Request path → tenant, for the tenants given a URL. */
  private readonly paths = new Map<string, string>();
  /** Tenant → what it received since it was last read. */
  private readonly received = new Map<string, ReceivedDelivery[]>();

  private constructor(
    private readonly server: Server,
    private readonly parse: ParseWebhook,
  ) {}

  /** Starts a receiver on a free loopback port. */
  static async start(parse: ParseWebhook): Promise<DemoWebhookReceiver> {
    const server = createServer();
    const receiver = new DemoWebhookReceiver(server, parse);
    server.on('request', (request, response) => receiver.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return receiver;
  }

  /** `http://127.0.0.1:<port>`. */
  get origin(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The URL `tenant`'s deliveries go to (its path is registered on first call). */
  url(tenant: string): string {
    const path = `/webhooks/${encodeURIComponent(tenant)}`;
    this.paths.set(path, tenant);
    return `${this.origin}${path}`;
  }

  /** What `tenant` received since the last call, oldest first. */
  take(tenant: string): ReceivedDelivery[] {
    const list = this.received.get(tenant) ?? [];
    this.received.delete(tenant);
    return list;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private record(tenant: string, delivery: ReceivedDelivery): void {
    const list = this.received.get(tenant) ?? [];
    list.push(delivery);
    this.received.set(tenant, list);
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = request.url ?? '';
    const tenant = url.length <= MAX_PATH_LENGTH ? this.paths.get(url) : undefined;
    if (request.method !== 'POST' || tenant === undefined) {
      request.resume();
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_WEBHOOK_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('error', () => undefined);
    request.on('end', () => {
      if (tooLarge) {
        this.record(tenant, { verified: false, refusal: 'invalid_webhook (payload)' });
        response.writeHead(413).end();
        return;
      }
      // The raw bytes exactly as received, and the request's own headers.
      this.parse({ tenant, headers: request.headers, body: Buffer.concat(chunks) }).then(
        (event) => {
          this.record(tenant, { verified: true, event });
          response.writeHead(200).end();
        },
        (error: unknown) => {
          this.record(tenant, { verified: false, refusal: refusalOf(error) });
          response.writeHead(isPayrollIdentityError(error) ? 400 : 500).end();
        },
      );
    });
  }
}
