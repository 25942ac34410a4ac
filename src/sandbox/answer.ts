/**
 * An emulator's answer on the wire: a {@link SandboxReply} serialised to status, headers and bytes,
 * written to the response, or spoiled first by a fault that lets the request be processed.
 */
import { type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Fault, SandboxReply } from './types.js';

/** A serialised answer. Header names are lower case. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  /** `undefined`: no body at all. */
  body: Buffer | undefined;
}

/** Faults applied to the provider's answer after the request was processed. */
export type SpoilFault = Extract<
  Fault,
  { kind: 'drop-mid-body' | 'malformed-body' | 'wrong-shape' | 'oversized' }
>;

const SPOIL_KINDS: ReadonlySet<string> = new Set([
  'drop-mid-body',
  'malformed-body',
  'wrong-shape',
  'oversized',
]);

export function isSpoilFault(fault: Fault): fault is SpoilFault {
  return SPOIL_KINDS.has(fault.kind);
}

const JSON_TYPE = 'application/json; charset=utf-8';
/** Above the library's default 10 MiB response cap. */
const DEFAULT_OVERSIZED_BYTES = 11 * 1024 * 1024;
/** A header name is an RFC 9110 token. */
const HEADER_NAME = /^[\w!#$%&'*+.^`|~-]+$/;
/** What Node accepts in a header value: no control characters but tab. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Statuses that never carry a body. */
function bodiless(status: number): boolean {
  return status === 204 || status === 304 || status < 200;
}

/** Serialises what a guard or handler returned; throws (a 500 for the caller) on a reply that is not one. */
export function serialize(reply: SandboxReply): Answer {
  const { status } = reply;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new TypeError('sandbox: a reply needs an integer status from 200 to 599');
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headers ?? {})) {
    if (!HEADER_NAME.test(name) || typeof value !== 'string' || !HEADER_VALUE.test(value)) {
      throw new TypeError('sandbox: malformed reply header');
    }
    headers[name.toLowerCase()] = value;
  }
  if (bodiless(status) || reply.body === undefined) return { status, headers, body: undefined };
  let body: Buffer;
  let type: string;
  if (typeof reply.body === 'string') {
    body = Buffer.from(reply.body, 'utf8');
    type = 'text/plain; charset=utf-8';
  } else if (reply.body instanceof Uint8Array) {
    body = Buffer.from(reply.body);
    type = 'application/octet-stream';
  } else {
    const json = JSON.stringify(reply.body) as string | undefined;
    if (json === undefined) throw new TypeError('sandbox: a reply body must be JSON-serialisable');
    body = Buffer.from(json, 'utf8');
    type = JSON_TYPE;
  }
  headers['content-type'] ??= type;
  return { status, headers, body };
}

/** Writes an answer; `content-length` always says the truth (none on a 204 or 304). */
export function send(response: ServerResponse, answer: Answer): void {
  const headers = { ...answer.headers };
  delete headers['content-length'];
  if (!bodiless(answer.status)) headers['content-length'] = String(answer.body?.length ?? 0);
  response.writeHead(answer.status, headers);
  response.end(bodiless(answer.status) ? undefined : answer.body);
}

/**
 * Applies a spoiling fault (except `drop-mid-body`, see {@link dropMidBody}) to a processed request's
 * answer: the state change stands, the answer does not.
 */
export function spoil(fault: Exclude<SpoilFault, { kind: 'drop-mid-body' }>, answer: Answer): Answer {
  const text = answer.body?.toString('utf8') ?? '';
  // A 204 has no body to spoil: these faults answer 200 instead.
  const status = answer.status === 204 ? 200 : answer.status;
  const json = (body: string): Answer => ({
    status,
    headers: { ...answer.headers, 'content-type': JSON_TYPE },
    body: Buffer.from(body, 'utf8'),
  });
  if (fault.kind === 'malformed-body')
    return json(`${text.slice(0, Math.floor(text.length / 2))}{"truncated": `);
  if (fault.kind === 'wrong-shape') {
    if (status < 200 || status >= 300) return answer;
    return { ...json('["unexpected"]'), status: 200 };
  }
  const bytes = fault.bytes ?? DEFAULT_OVERSIZED_BYTES;
  const base = text === '' ? '{}' : text;
  // Trailing whitespace keeps the JSON valid: only the size is wrong.
  const padded = base + ' '.repeat(Math.max(0, bytes - Buffer.byteLength(base)));
  return {
    status,
    headers: { 'content-type': JSON_TYPE, ...answer.headers },
    body: Buffer.from(padded, 'utf8'),
  };
}

/**
 * The head promises the whole body; half of it is written, then the connection dies. Written
 * straight to the socket (and flushed), so no other answer can follow it.
 */
export async function dropMidBody(socket: Socket, answer: Answer): Promise<void> {
  const status = answer.status === 204 ? 200 : answer.status;
  const text = answer.body?.toString('utf8') ?? '';
  const body = Buffer.from(text === '' ? '{"detail": "partial"}' : text, 'utf8');
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\ncontent-type: ${JSON_TYPE}\r\ncontent-length: ${body.length}\r\n\r\n`;
  await new Promise<void>((resolve) => {
    socket.write(
      Buffer.concat([Buffer.from(head, 'latin1'), body.subarray(0, Math.floor(body.length / 2))]),
      () => resolve(),
    );
  });
  socket.destroy();
}
