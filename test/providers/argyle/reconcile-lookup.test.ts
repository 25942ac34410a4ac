/**
 * The reconciliation lookup on the wire (providers/argyle/reconcile.ts): every page re-sends the
 * filter and the page size with the cursor, and only the candidate holding this call's create nonce
 * is taken — an identical user with another call's nonce is passed over.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MARKER_KEY, NONCE_FIELD } from '../../../providers/argyle/create-marker.js';
import { rejection } from '../../contract/assertions.js';
import { argyleService, ORIGIN, OTHER_ID, USER_ID, wireUserV2 } from './fixtures.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const input = { firstName: 'Sarah', externalId: 'applicant-lookup', metadata: { loanStage: 'stage-two' } };

/** A stored user as this create would have made it, holding `nonce`. */
function storedUser(id: string, nonce: string) {
  return wireUserV2({
    id,
    created_at: new Date().toISOString(),
    items_connected: null,
    employers_connected: null,
    first_name: 'Sarah',
    last_name: null,
    email: null,
    phone_number: null,
    external_id: 'applicant-lookup',
    external_metadata: { loanStage: 'stage-two', [MARKER_KEY]: { [NONCE_FIELD]: nonce } },
  });
}

describe('Argyle v2 reconciliation lookup', () => {
  it('pages with the filter and page size every time, and takes only the user with this call’s nonce', async () => {
    let nonce = '';
    nock(ORIGIN)
      .post('/v2/users', (body: { external_metadata: Record<string, { create_nonce: string }> }) => {
        nonce = body.external_metadata[MARKER_KEY]!.create_nonce;
        return true;
      })
      .reply(502, 'Bad Gateway')
      .get('/v2/users')
      .query({ external_id: 'applicant-lookup', limit: '200' })
      .reply(() => [
        200,
        {
          next: `${ORIGIN}/v2/users?cursor=cGFnZTI`,
          // Identical in every field, created just now, but another call's nonce.
          results: [storedUser(OTHER_ID, '0f8fad5b-d9cb-469f-a165-70867728950e')],
        },
      ])
      .get('/v2/users')
      .query({ external_id: 'applicant-lookup', limit: '200', cursor: 'cGFnZTI' })
      .reply(() => [200, { next: null, results: [storedUser(USER_ID, nonce)] }]);
    const created = await argyleService().createUser(input);
    expect(created.user.id).toBe(USER_ID);
    expect(created.linkToken).toBeUndefined();
    expect(created.user.metadata).toEqual({ loanStage: 'stage-two' });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('only another call’s identical user found → outcome_unknown, never that user', async () => {
    nock(ORIGIN)
      .post('/v2/users')
      .reply(502, 'Bad Gateway')
      .get('/v2/users')
      .query({ external_id: 'applicant-lookup', limit: '200' })
      .reply(200, { next: null, results: [storedUser(OTHER_ID, '0f8fad5b-d9cb-469f-a165-70867728950e')] });
    const error = await rejection(() => argyleService().createUser(input));
    expect(error.code).toBe('outcome_unknown');
  });
});
