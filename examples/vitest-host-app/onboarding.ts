/**
 * Host-application code under test: onboarding an applicant at their tenant's payroll provider,
 * safely repeatable (a retry of the whole onboarding never registers the person twice).
 */
import { type PayrollIdentity, RateLimitedError, type User } from 'payroll-identity';

export interface Applicant {
  /** Our own id for the applicant; stored at the provider as `externalId`. */
  applicantId: string;
  firstName: string;
  lastName: string;
  birthDate: string;
  email: string;
  postalCode: string;
  country: 'US' | 'GB';
}

export type OnboardingResult =
  | { status: 'registered' | 'already_registered'; userId: string; linkToken: string }
  | { status: 'try_later'; retryAfterMs: number | undefined };

export class Onboarding {
  constructor(private readonly identity: PayrollIdentity) {}

  async onboard(tenant: string, applicant: Applicant): Promise<OnboardingResult> {
    const users = this.identity.forTenant(tenant);
    const existing = await this.find(tenant, applicant.applicantId);
    if (existing) {
      const token = await users.createLinkToken(existing.id);
      return { status: 'already_registered', userId: existing.id, linkToken: token.token };
    }
    try {
      const { user, linkToken } = await users.createUser({
        firstName: applicant.firstName,
        lastName: applicant.lastName,
        birthDate: applicant.birthDate,
        email: applicant.email,
        address: { postalCode: applicant.postalCode, country: applicant.country },
        externalId: applicant.applicantId,
        // Read only by Teal tenants; Argyle tenants ignore another provider's namespace.
        providerOptions: { teal: { payrollPeriodMonths: 12 } },
      });
      const token = linkToken ?? (await users.createLinkToken(user.id));
      return { status: 'registered', userId: user.id, linkToken: token.token };
    } catch (error) {
      // A 429 is a refusal: nothing was created, so the whole onboarding can simply be retried.
      if (error instanceof RateLimitedError) {
        return { status: 'try_later', retryAfterMs: error.retryAfterMs };
      }
      throw error;
    }
  }

  /** The provider's user for our applicant, if there is one. */
  async find(tenant: string, applicantId: string): Promise<User | undefined> {
    for await (const user of this.identity.forTenant(tenant).listUsers({ externalId: applicantId })) {
      return user;
    }
    return undefined;
  }
}
