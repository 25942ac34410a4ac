/**
 * The NestJS example (examples/nestjs) against the embedded sandbox: the identity and per-tenant
 * `UserService`s come out of Nest's container, and Nest's shutdown closes the identity.
 */
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { PayrollIdentity, UserService } from 'payroll-identity';
import { type Sandbox, startSandbox } from 'payroll-identity/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../../examples/nestjs/app.module.js';
import { ApplicantsService } from '../../examples/nestjs/applicants.service.js';
import { PAYROLL_IDENTITY, userServiceToken } from '../../examples/nestjs/payroll-identity.module.js';

let sandbox: Sandbox;
let app: INestApplicationContext;

beforeAll(async () => {
  sandbox = await startSandbox();
  app = await NestFactory.createApplicationContext(
    AppModule.register(
      {
        tenants: {
          'acme-us': {
            provider: 'argyle',
            environment: 'sandbox',
            baseUrl: sandbox.argyle.baseUrl,
            credentials: sandbox.argyle.credentials,
          },
          'brit-lend': {
            provider: 'teal',
            environment: 'sandbox',
            baseUrl: sandbox.teal.baseUrl,
            credentials: sandbox.teal.credentials,
            defaults: { payrollPeriodMonths: 12 },
          },
        },
      },
      'acme-us',
    ),
    { logger: false },
  );
});

afterAll(async () => {
  await app?.close();
  await sandbox?.close();
});

describe('examples/nestjs', () => {
  it('registers applicants for the tenant of each call, at that tenant’s provider', async () => {
    const applicants = app.get(ApplicantsService);

    const us = await applicants.register('acme-us', {
      firstName: 'Jane',
      lastName: 'Doe',
      email: 'jane.doe@example.com',
      externalId: 'applicant-us-1',
    });
    expect(us).toMatchObject({ provider: 'argyle', ignoredFields: [] });
    expect(us.linkToken).toEqual(expect.any(String));

    const uk = await applicants.register('brit-lend', {
      firstName: 'John',
      lastName: 'Smith',
      birthDate: '1990-05-17',
      address: { postalCode: 'SW1A 2AA' },
      email: 'john.smith@example.com',
    });
    expect(uk).toMatchObject({ provider: 'teal', ignoredFields: ['email'] });
    expect(uk.linkToken).toEqual(expect.any(String));

    expect(sandbox.argyle.userCount()).toBe(1);
    expect(sandbox.teal.userCount()).toBe(1);
  });

  it('injects one tenant’s UserService, the same instance forTenant hands out', async () => {
    const identity = app.get<PayrollIdentity>(PAYROLL_IDENTITY);
    const backOffice = app.get<UserService>(userServiceToken('acme-us'));
    expect(backOffice.provider).toBe('argyle');
    expect(backOffice).toBe(identity.forTenant('acme-us'));
    expect(identity.tenants).toEqual(['acme-us', 'brit-lend']);
  });

  it('closes the identity when Nest shuts down', async () => {
    const identity = app.get<PayrollIdentity>(PAYROLL_IDENTITY);
    await app.close();
    expect(() => identity.forTenant('brit-lend')).toThrow(/closed/);
  });
});
