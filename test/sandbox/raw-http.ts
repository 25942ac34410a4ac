/**
 * Plain-`fetch` helpers for the sandbox fidelity tests: no library code between the test and the
 * emulator, so a test checks the emulator's wire behaviour and nothing else.
 */

export interface RawResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or `undefined` for an empty body. */
  body: unknown;
  text: string;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  /** Sent as JSON (with `content-type: application/json`) unless a string. */
  json?: unknown;
  body?: string;
}

export async function raw(url: string, request: RawRequest = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { ...request.headers };
  let body = request.body;
  if (request.json !== undefined) {
    body = JSON.stringify(request.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(url, { method: request.method ?? 'GET', headers, body });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

/** The error a dropped connection gives `fetch` (undici): a rejected promise, never a response. */
export async function expectDropped(promise: Promise<unknown>): Promise<void> {
  let failed = false;
  try {
    await promise;
  } catch (error) {
    failed = error instanceof TypeError;
  }
  if (!failed) throw new Error('expected the connection to be dropped');
}

/** Decodes a JWT's payload without verifying it. */
export function jwtPayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (token.split('.').length !== 3 || !part) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}
