/**
 * Application code that uses the module: it registers an applicant for the tenant the request
 * belongs to, without knowing which provider that tenant uses.
 */
import type { CreatedUser, CreateUserInput, PayrollIdentity } from 'payroll-identity';

export class ApplicantsService {
  constructor(private readonly identity: PayrollIdentity) {}

  /** Registers the applicant and returns the provider's user id and the link to connect their payroll. */
  async register(
    tenant: string,
    applicant: CreateUserInput,
  ): Promise<{ userId: string; provider: string; ignoredFields: string[]; linkToken: string }> {
    const users = this.identity.forTenant(tenant);
    const created: CreatedUser = await users.createUser(applicant);
    // Argyle returns a link token with the user; Teal needs a second call.
    const linkToken = created.linkToken ?? (await users.createLinkToken(created.user.id));
    return {
      userId: created.user.id,
      provider: users.provider,
      ignoredFields: created.ignoredFields,
      linkToken: linkToken.token,
    };
  }
}
