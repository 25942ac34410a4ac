/**
 * Request bodies for the emulators: JSON only, at most 1 MiB, and an empty body counts as no body
 * (Argyle documents `POST /v1/users` with a JSON content type and no payload). The rules are the
 * ones the emulators had when they ran on a web framework, so their answers did not change: see
 * docs/sandbox.md.
 */
import type { IncomingMessage } from 'node:http';

/** The largest body read, in bytes: 1 MiB, as before. */
export const BODY_LIMIT = 1_048_576;

/** Methods whose body is read; a body on any other (`GET`, `HEAD`, …) is ignored. */
const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** RFC 9110 token characters; a media type is `token/token`. */
const TOKEN = /^[\w!#$%&'*+.^`|~-]+$/;
/** A `content-type` longer than this is not a media type worth parsing. */
const MAX_CONTENT_TYPE_LENGTH = 1_024;

export type BodyResult =
  | { ok: true; body: unknown }
  /** 400 malformed (or cut short), 413 too large, 415 not JSON. */
  | { ok: false; status: 400 | 413 | 415 };

const NONE: BodyResult = { ok: true, body: undefined };

/**
 * Reads and parses the body of a request. `routed` is false for a request no route answers: its body
 * is read only when it claims to be JSON (so a malformed one is still 400), and is otherwise left unread.
 */
export async function readBody(request: IncomingMessage, routed: boolean): Promise<BodyResult> {
  if (!BODY_METHODS.has(request.method ?? '')) return NONE;
  const contentType = request.headers['content-type'];
  const length = request.headers['content-length'];
  if (contentType === undefined) {
    const empty =
      request.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
    return empty || !routed ? NONE : { ok: false, status: 415 };
  }
  const mediaType = parseMediaType(contentType);
  if (mediaType === undefined) return { ok: false, status: 415 };
  if (mediaType !== 'application/json') return routed ? { ok: false, status: 415 } : NONE;

  const declared = length === undefined ? undefined : Number(length);
  if (declared !== undefined && declared > BODY_LIMIT) return { ok: false, status: 413 };
  const received = await collect(request);
  if (received === 'too-large') return { ok: false, status: 413 };
  if (received === 'failed') return { ok: false, status: 400 };
  if (declared !== undefined && !Number.isNaN(declared) && received.length !== declared) {
    return { ok: false, status: 400 };
  }
  const text = received.toString('utf8');
  if (text.trim() === '') return NONE;
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return { ok: false, status: 400 };
  }
}

/** `type/subtype` in lower case, or `undefined` when the header is not a media type. */
export function parseMediaType(header: string): string | undefined {
  if (header.length > MAX_CONTENT_TYPE_LENGTH) return undefined;
  const semicolon = header.indexOf(';');
  const essence = (semicolon < 0 ? header : header.slice(0, semicolon)).toLowerCase();
  const slash = essence.indexOf('/');
  if (slash < 0) return undefined;
  const type = essence.slice(0, slash).trimStart();
  const subtype = essence.slice(slash + 1).trimEnd();
  return TOKEN.test(type) && TOKEN.test(subtype) ? `${type}/${subtype}` : undefined;
}

/** The whole body, or why not: more than {@link BODY_LIMIT} bytes, or a stream that failed. */
function collect(request: IncomingMessage): Promise<Buffer | 'too-large' | 'failed'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (result: Buffer | 'too-large' | 'failed') => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      // Stop listening, not reading: the answer closes the connection, so the rest is never read.
      if (size > BODY_LIMIT) stop('too-large');
      else chunks.push(chunk);
    };
    const onEnd = () => stop(Buffer.concat(chunks, size));
    const onError = () => stop('failed');
    // A client that goes away mid-body: no `end` will come.
    const onClose = () => stop('failed');
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}
