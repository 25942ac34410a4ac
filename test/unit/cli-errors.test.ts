/** How the CLI (and the demo) prints a library error: the provider's redacted messages included. */
import { describe, expect, it } from 'vitest';
import { describeError, reportError } from '../../src/cli/errors.js';
import type { CliIo } from '../../src/cli/io.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../../src/errors.js';

function io(): CliIo & { err: string[] } {
  const err: string[] = [];
  return { err, stdout: () => {}, stderr: (text: string) => void err.push(text) };
}

describe('describeError', () => {
  it("prints the provider's messages under the error (Teal's duplicate explains itself)", () => {
    const error = new ConflictError('teal createUser: the provider reports a conflict (HTTP 409)', {
      providerMessages: ['This user already exists: [REDACTED]'],
    });
    expect(describeError(error)).toBe(
      'conflict: teal createUser: the provider reports a conflict (HTTP 409)\n' +
        '  provider says: This user already exists: [REDACTED]',
    );
  });

  it('field errors first, then provider messages; nothing extra when there are none', () => {
    const invalid = new InvalidInputError('bad', {
      fieldErrors: { email: ['Must be a valid email address'] },
      providerMessages: ['Check the form'],
    });
    expect(describeError(invalid).split('\n')).toEqual([
      'invalid_input: bad',
      '  email: Must be a valid email address',
      '  provider says: Check the form',
    ]);
    expect(describeError(new NotFoundError('argyle getUser: not found (HTTP 404)'))).toBe(
      'not_found: argyle getUser: not found (HTTP 404)',
    );
  });

  it('--json carries providerMessages; human output prints them; both stay redacted', () => {
    const error = new ConflictError('conflict', { providerMessages: ['User jane.doe@example.com exists'] });
    for (const json of [true, false]) {
      const out = io();
      reportError(out, error, json);
      const text = out.err.join('');
      expect(text).toContain('User [REDACTED] exists');
      expect(text).not.toContain('jane.doe@example.com');
      if (json) expect(JSON.parse(text)).toMatchObject({ providerMessages: ['User [REDACTED] exists'] });
    }
  });
});
