/**
 * Neutral ⇄ Argyle legacy v1 mapping (Argyle legacy users reference:
 * https://docs.argyle.com/legacy/api-reference/users). A v1 user holds only `external_metadata`; what it
 * connected is `employers_connected` and `data_providers_connected`.
 */
import type { JsonValue, User } from '../../../src/provider/index.js';
import { stripMarker } from '../create-marker.js';
import type { V1User, V1UserFieldsRequest } from '../wire/v1.js';

export interface V1Fields {
  metadata?: Record<string, JsonValue>;
}

export function toV1Request(fields: V1Fields): V1UserFieldsRequest {
  return fields.metadata !== undefined ? { external_metadata: fields.metadata } : {};
}

/**
 * A v1 user → neutral. v1 has no "items": `data_providers_connected` (payroll platforms by name) is
 * not the same thing as v2's item ids, so it is reported as `providerData.dataProvidersConnected`
 * rather than passed off as `connections.items`.
 */
export function fromV1User(wire: V1User, provider: string): User {
  const user: User = { id: wire.id, provider };
  if (wire.created_at) user.createdAt = wire.created_at;
  if (wire.external_metadata !== undefined && wire.external_metadata !== null) {
    // The key is reserved on both versions: a user created through v2 may carry the create marker.
    const metadata = stripMarker(wire.external_metadata);
    if (metadata !== undefined) user.metadata = metadata;
  }
  if (wire.employers_connected != null || wire.data_providers_connected != null) {
    user.connections = { items: [], employers: wire.employers_connected ?? [] };
  }
  if (wire.data_providers_connected != null) {
    user.providerData = { dataProvidersConnected: wire.data_providers_connected };
  }
  return user;
}
