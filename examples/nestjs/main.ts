/**
 * Runs the example as a standalone Nest application context:
 * `TENANTS_FILE=tenants.yaml node --import tsx main.ts`.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfigFile } from 'payroll-identity';
import { AppModule } from './app.module.js';
import { ApplicantsService } from './applicants.service.js';

const app = await NestFactory.createApplicationContext(
  AppModule.register(
    loadConfigFile(process.env.TENANTS_FILE ?? 'tenants.yaml'),
    process.env.BACK_OFFICE_TENANT ?? 'acme-us',
  ),
);
app.enableShutdownHooks();
const applicants = app.get(ApplicantsService);
console.log(applicants instanceof ApplicantsService ? 'payroll-identity is wired into Nest' : 'not wired');
await app.close();
