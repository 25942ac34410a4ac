/** Acme Pay's error bodies → messages, and field errors under NEUTRAL names (the core maps the status). */
import type { DescribeError, FieldErrors } from 'payroll-identity/provider';
import { AcmePayErrorBody } from './wire.js';

const NEUTRAL_FIELD: Readonly<Record<string, string>> = {
  given_name: 'firstName',
  family_name: 'lastName',
  email: 'email',
  external_ref: 'externalId',
};

export const describeAcmePayError: DescribeError = (status, body) => {
  // A body we do not understand (HTML from a proxy, …) yields no messages, never an exception.
  const parsed = AcmePayErrorBody.safeParse(body);
  if (!parsed.success) return { messages: [] };
  const { message, fields = {} } = parsed.data.error;
  const fieldErrors: FieldErrors = {};
  for (const [field, messages] of Object.entries(fields)) {
    const neutral = NEUTRAL_FIELD[field];
    if (status === 400 && neutral !== undefined) fieldErrors[neutral] = messages;
  }
  return { messages: message !== undefined ? [message] : [], fieldErrors };
};
