/**
 * Runs the service: `TENANTS_FILE=tenants.yaml PORT=3000 node --import tsx server.ts`.
 * `${ENV_VAR}` references in the file are resolved, so the file itself holds no secret.
 */
import { createPayrollIdentity, loadConfigFile } from 'payroll-identity';
import { buildApp } from './app.js';

const identity = createPayrollIdentity(loadConfigFile(process.env.TENANTS_FILE ?? 'tenants.yaml'));
const app = buildApp(identity);
// Close the tenants' keep-alive connections when the server stops.
app.addHook('onClose', () => identity.close());

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close());

await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
