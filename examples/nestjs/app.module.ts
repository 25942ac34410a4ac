/**
 * The host application's root module: payroll-identity once, globally; the applicants service built
 * by a factory that names what it needs.
 */
import { type DynamicModule, Module } from '@nestjs/common';
import type { PayrollIdentity, PayrollIdentityConfig } from 'payroll-identity';
import { ApplicantsService } from './applicants.service.js';
import { PAYROLL_IDENTITY, PayrollIdentityModule } from './payroll-identity.module.js';

@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with static factories
export class AppModule {
  /**
   * `config` would usually come from `loadConfigFile(process.env.TENANTS_FILE)`; `backOfficeTenant` is
   * a tenant the whole app acts for (e.g. a reconciliation job), injected as a `UserService`.
   */
  static register(config: PayrollIdentityConfig, backOfficeTenant: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PayrollIdentityModule.forRoot({ useFactory: () => config }),
        PayrollIdentityModule.forTenant(backOfficeTenant),
      ],
      providers: [
        {
          provide: ApplicantsService,
          useFactory: (identity: PayrollIdentity) => new ApplicantsService(identity),
          inject: [PAYROLL_IDENTITY],
        },
      ],
    };
  }
}
