/**
 * Reading Teal's error bodies (`Error`, `Unauthorized`, `Conflict` and 404, https://docs.goteal.co):
 * `{"errors": [...]}` or `{"errors": "..."}`. Messages that name a Teal field are reported under
 * the neutral field name, with the name rewritten, so callers only ever see neutral names. The core
 * redacts every message afterwards (credentials, the call's personal data, personal-data shapes),
 * or drops it for a call that carried no personal data, and only then cuts it to length: a message
 * is never cut here, because a cut before redaction could split a value (an NI number, a postcode
 * "SW1A 2AA") and let its first half through.
 */
import { type ErrorDescription, type FieldErrors, MAX_RAW_MESSAGE_LENGTH } from '../../src/provider/index.js';
import { TealErrorBodySchema } from './wire.js';

/** Teal field → neutral path. */
export const NEUTRAL_FIELD: Readonly<Record<string, string>> = {
  forename: 'firstName',
  surname: 'lastName',
  date_of_birth: 'birthDate',
  post_codes: 'address.postalCode',
  ni_number: 'nationalId',
  ext_id: 'externalId',
  payroll_period_months: 'providerOptions.teal.payrollPeriodMonths',
  recurring_checks_enabled: 'providerOptions.teal.recurringChecks.enabled',
  recurring_check_frequency: 'providerOptions.teal.recurringChecks.frequency',
  recurring_check_end_date: 'providerOptions.teal.recurringChecks.endDate',
  payslip_upload_enabled: 'providerOptions.teal.payslipUploadEnabled',
  payroll_connections_enabled: 'providerOptions.teal.payrollConnectionsEnabled',
  user_id: 'userId',
};

/** Longest names first so `recurring_check_end_date` is never read as a shorter name. */
const FIELD_RE = new RegExp(
  `\\b(${Object.keys(NEUTRAL_FIELD)
    .sort((a, b) => b.length - a.length)
    .join('|')})\\b`,
  'g',
);

/** A hostile or broken body must not flood an error: a few messages are plenty (the core bounds their length). */
const MAX_MESSAGES = 20;

function toNeutral(message: string): { text: string; fields: string[] } {
  const fields = new Set<string>();
  const text = message.replace(FIELD_RE, (name) => {
    const neutral = NEUTRAL_FIELD[name] ?? name;
    fields.add(neutral);
    return neutral;
  });
  return { text, fields: [...fields] };
}

export function describeTealError(status: number, body: unknown): ErrorDescription {
  const parsed = TealErrorBodySchema.safeParse(body);
  if (!parsed.success) return { messages: [] };
  const raw = Array.isArray(parsed.data.errors) ? parsed.data.errors : [parsed.data.errors];
  const messages: string[] = [];
  const fieldErrors: FieldErrors = {};
  for (const message of raw.slice(0, MAX_MESSAGES)) {
    // A message too long to keep is dropped by the core whatever it says: not worth scanning here.
    const { text, fields } =
      message.length > MAX_RAW_MESSAGE_LENGTH ? { text: message, fields: [] } : toNeutral(message);
    messages.push(text);
    // Only a 400 is about the input; a 404 naming `user_id` is not a field error.
    if (status !== 400) continue;
    for (const field of fields) fieldErrors[field] = [...(fieldErrors[field] ?? []), text];
  }
  return Object.keys(fieldErrors).length > 0 ? { messages, fieldErrors } : { messages };
}
