/**
 * The built-in providers are written like an external one: a provider folder imports the library
 * only through its public provider surface (`src/provider/index.ts`, published as
 * `payroll-identity/provider`), and its emulator also through the sandbox kit (`src/sandbox/index.ts`,
 * `payroll-identity/sandbox`). Anything else a built-in needed would be something an external author
 * could not have: this test fails on the first such import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROVIDERS = join(ROOT, 'providers');
const PROVIDER_SURFACE = join(ROOT, 'src/provider/index.ts');
const SANDBOX_KIT = join(ROOT, 'src/sandbox/index.ts');

/** Packages a provider may import besides the library: its schema library and Node's own modules. */
const ALLOWED_PACKAGES = new Set(['zod']);

/** Every module specifier of a file: static imports, re-exports and dynamic imports. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bfrom\s*'([^']{1,300})'/g,
    /\bimport\s*\(\s*'([^']{1,300})'\s*\)/g,
    /^import\s+'([^']{1,300})'/gm,
  ];
  for (const pattern of patterns)
    for (const match of source.matchAll(pattern)) found.push(match[1] as string);
  return found;
}

/** Why `specifier` in `file` breaks the boundary, or undefined when it is allowed. */
function violation(file: string, specifier: string): string | undefined {
  const folder = join(PROVIDERS, relative(PROVIDERS, file).split(sep)[0] as string);
  if (specifier.startsWith('node:') || ALLOWED_PACKAGES.has(specifier)) return undefined;
  if (!specifier.startsWith('.')) return `imports the package "${specifier}"`;
  const target = resolve(dirname(file), specifier).replace(/\.js$/, '.ts');
  if (target.startsWith(folder + sep)) return undefined;
  if (target === PROVIDER_SURFACE) return undefined;
  const inSandbox = relative(folder, file).split(sep)[0] === 'sandbox';
  if (inSandbox && target === SANDBOX_KIT) return undefined;
  return `imports ${relative(ROOT, target)}`;
}

function providerFiles(): string[] {
  return (readdirSync(PROVIDERS, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(PROVIDERS, f));
}

describe('built-in providers import only the public provider surface', () => {
  it('every file under providers/ (emulators: also the sandbox kit)', () => {
    const problems: string[] = [];
    const files = providerFiles();
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
        const why = violation(file, specifier);
        if (why) problems.push(`${relative(ROOT, file)}: ${why}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the check can fail: internal modules, other providers and other packages are caught', () => {
    const teal = join(PROVIDERS, 'teal/users.ts');
    const emulator = join(PROVIDERS, 'teal/sandbox/routes.ts');
    expect(violation(teal, '../../src/provider/index.js')).toBeUndefined();
    expect(violation(teal, './mappers.js')).toBeUndefined();
    expect(violation(teal, '../../src/errors.js')).toBe('imports src/errors.ts');
    expect(violation(teal, '../argyle/users.js')).toBe('imports providers/argyle/users.ts');
    expect(violation(teal, 'axios')).toBe('imports the package "axios"');
    expect(violation(teal, '../../src/sandbox/index.js')).toBe('imports src/sandbox/index.ts');
    expect(violation(emulator, '../../../src/sandbox/index.js')).toBeUndefined();
    expect(violation(emulator, '../../../src/sandbox/random.js')).toBe('imports src/sandbox/random.ts');
  });
});
