/**
 * The error types as a host uses them: `instanceof PayrollIdentityError` then `code` narrows to the
 * code's class (a discriminated union), and what must not compile does not. The fixture is compiled
 * with the project's strict settings; any diagnostic fails the test.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const FIXTURE = join(ROOT, 'test/unit/errors/fixtures/narrowing.ts');

function diagnosticsOf(file: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => {},
    },
  );
  if (!config) throw new Error('tsconfig.json cannot be read');
  const program = ts.createProgram([file], { ...config.options, noEmit: true });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('PayrollIdentityError is a union discriminated by code', () => {
  it('instanceof then code narrows to the subclass; unnarrowed access does not compile', () => {
    expect(diagnosticsOf(FIXTURE)).toEqual([]);
  }, 60_000);
});
