/**
 * A NestJS module that puts payroll-identity into Nest's dependency injection.
 *
 * - `PayrollIdentityModule.forRoot(...)` (global) provides the `PayrollIdentity` under
 *   {@link PAYROLL_IDENTITY} and closes it when the application shuts down;
 * - `PayrollIdentityModule.forTenant('acme-us')` provides that tenant's `UserService` under
 *   `userServiceToken('acme-us')`, for code that always acts for one tenant;
 * - code that picks the tenant per request injects {@link PAYROLL_IDENTITY} and calls `forTenant`.
 *
 * Factory providers with explicit `inject` lists only: no constructor-parameter decorators and no
 * `emitDecoratorMetadata`, so this works under any transpiler (esbuild, swc, oxc, tsc).
 */
import { type DynamicModule, type FactoryProvider, Module, type OnApplicationShutdown } from '@nestjs/common';
import {
  createPayrollIdentity,
  type PayrollIdentity,
  type PayrollIdentityConfig,
  type UserService,
} from 'payroll-identity';

/** Injection token of the `PayrollIdentity`. */
export const PAYROLL_IDENTITY = Symbol('PAYROLL_IDENTITY');

/** Injection token of one tenant's `UserService` (see `PayrollIdentityModule.forTenant`). */
export function userServiceToken(tenant: string): string {
  return `payroll-identity:users:${tenant}`;
}

export interface PayrollIdentityModuleOptions {
  /** Builds the configuration, e.g. `() => loadConfigFile(path)`, from the providers in `inject`. */
  useFactory: (...deps: never[]) => PayrollIdentityConfig | Promise<PayrollIdentityConfig>;
  /** Providers handed to `useFactory`, in order (e.g. your `ConfigService`). */
  inject?: FactoryProvider['inject'];
}

/** Closes the tenants' connections when Nest shuts down (`app.close()`, or a signal with shutdown hooks on). */
class PayrollIdentityShutdown implements OnApplicationShutdown {
  constructor(private readonly identity: PayrollIdentity) {}
  onApplicationShutdown(): Promise<void> {
    return this.identity.close();
  }
}

@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with static factories
export class PayrollIdentityModule {
  static forRoot(options: PayrollIdentityModuleOptions): DynamicModule {
    return {
      module: PayrollIdentityModule,
      global: true,
      providers: [
        {
          provide: PAYROLL_IDENTITY,
          useFactory: async (...deps: never[]) => createPayrollIdentity(await options.useFactory(...deps)),
          inject: options.inject ?? [],
        },
        {
          provide: PayrollIdentityShutdown,
          useFactory: (identity: PayrollIdentity) => new PayrollIdentityShutdown(identity),
          inject: [PAYROLL_IDENTITY],
        },
      ],
      exports: [PAYROLL_IDENTITY],
    };
  }

  static forTenant(tenant: string): DynamicModule {
    const token = userServiceToken(tenant);
    return {
      module: PayrollIdentityModule,
      providers: [
        {
          provide: token,
          // forTenant is cached by the library: every injection gets the same UserService.
          useFactory: (identity: PayrollIdentity): UserService => identity.forTenant(tenant),
          inject: [PAYROLL_IDENTITY],
        },
      ],
      exports: [token],
    };
  }
}
