/**
 * The docs name everything a reader may look for: every exported name of every entry point (in
 * docs/api.md, under that entry's own heading), every configuration field (in docs/configuration.md), every error code and error
 * class (in docs/errors.md). The names are read from the code, so a new export or field without
 * docs fails here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedTenantShape } from '../../src/config/schema.js';
import { BUILT_IN_PROVIDERS } from '../../src/providers.js';
import { ROOT } from './pack.js';

const doc = (name: string) => readFileSync(join(ROOT, 'docs', name), 'utf8');
/** Names as the docs write them: in backticks. */
const codeSpans = (markdown: string) =>
  new Set([...markdown.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? ''));

/** Each entry point: its import name and its source. */
const ENTRIES = [
  ['payroll-identity', 'src/index.ts'],
  ['payroll-identity/provider', 'src/provider/index.ts'],
  ['payroll-identity/sandbox', 'src/sandbox/index.ts'],
  ['payroll-identity/testing', 'src/testing/index.ts'],
] as const;

let program: ts.Program;
let checker: ts.TypeChecker;

beforeAll(() => {
  program = ts.createProgram(
    ENTRIES.map(([, source]) => join(ROOT, source)),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    },
  );
  checker = program.getTypeChecker();
}, 60_000);

/**
 * The part of docs/api.md about one entry: from its `## \`entry\`` heading (the heading may go on
 * after the name) to the next entry's heading.
 */
function sectionOf(markdown: string, entry: string): string {
  const headings = [...markdown.matchAll(/^## `(payroll-identity[^`]*)`.*$/gm)];
  const at = headings.findIndex((m) => m[1] === entry);
  if (at < 0) throw new Error(`docs/api.md has no "## \`${entry}\`" heading`);
  return markdown.slice(headings[at]!.index, headings[at + 1]?.index ?? markdown.length);
}

function exportsOf(entry: string): ts.Symbol[] {
  const source = program.getSourceFile(join(ROOT, entry));
  if (!source) throw new Error(`no source file ${entry}`);
  const module = checker.getSymbolAtLocation(source);
  if (!module) throw new Error(`${entry} is not a module`);
  return checker.getExportsOfModule(module);
}

function resolved(symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** The property names of an exported interface. */
function propertiesOf(entry: string, name: string): string[] {
  const symbol = exportsOf(entry).find((s) => s.name === name);
  if (!symbol) throw new Error(`${entry} does not export ${name}`);
  return checker
    .getDeclaredTypeOfSymbol(resolved(symbol))
    .getProperties()
    .map((p) => p.name);
}

/** The string literals of an exported union type. */
function literalsOf(entry: string, name: string): string[] {
  const symbol = exportsOf(entry).find((s) => s.name === name);
  if (!symbol) throw new Error(`${entry} does not export ${name}`);
  const type = checker.getDeclaredTypeOfSymbol(resolved(symbol));
  return (type.isUnion() ? type.types : [type]).filter((t) => t.isStringLiteral()).map((t) => t.value);
}

interface ZodNode {
  _zod: {
    def: {
      type: string;
      shape?: Record<string, ZodNode>;
      innerType?: ZodNode;
      options?: ZodNode[];
      in?: ZodNode;
    };
  };
}

/** Every field path a zod shape accepts (`retry`, `retry.maxRetries`, …). */
function fieldPaths(shape: Record<string, unknown>, prefix = ''): string[] {
  const walk = (node: ZodNode, path: string): string[] => {
    const def = node._zod.def;
    switch (def.type) {
      case 'object':
        return Object.entries(def.shape ?? {}).flatMap(([key, child]) => [
          `${path}${key}`,
          ...walk(child, `${path}${key}.`),
        ]);
      case 'optional':
      case 'default':
      case 'prefault':
      case 'nullable':
      case 'readonly':
        return def.innerType ? walk(def.innerType, path) : [];
      case 'union':
        return [...new Set((def.options ?? []).flatMap((option) => walk(option, path)))];
      case 'pipe':
        return def.in ? walk(def.in, path) : [];
      default:
        return [];
    }
  };
  return Object.entries(shape).flatMap(([key, child]) => [
    `${prefix}${key}`,
    ...walk(child as ZodNode, `${prefix}${key}.`),
  ]);
}

describe('the docs name every public thing', () => {
  it.each(ENTRIES)('docs/api.md lists every export of %s in its section', (entry, source) => {
    const section = sectionOf(doc('api.md'), entry);
    const listed = codeSpans(section);
    const spans = [...listed].flatMap((s) => s.split(/[\s,/]+/));
    const names = exportsOf(source).map((s) => s.name);
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((name) => !listed.has(name) && !spans.includes(name))).toEqual([]);
  });

  it('docs/configuration.md names every top-level and shared tenant field', () => {
    const listed = codeSpans(doc('configuration.md'));
    const fields = [
      ...propertiesOf('src/index.ts', 'PayrollIdentityConfig'),
      ...propertiesOf('src/index.ts', 'TenantConfigInput'),
      ...fieldPaths(sharedTenantShape),
    ];
    expect(fields).toContain('retry.maxRetries');
    expect([...new Set(fields)].filter((field) => !listed.has(field))).toEqual([]);
  });

  // A provider's own fields are documented with the provider (docs/configuration.md may list them
  // too): adding a provider touches its folder, one registry line and its own page, nothing else.
  it.each(BUILT_IN_PROVIDERS.map((p) => [p.name, p] as const))(
    'docs/providers/%s.md (or docs/configuration.md) names every field of its tenant shape',
    (name, provider) => {
      const listed = new Set([
        ...codeSpans(doc('configuration.md')),
        ...codeSpans(doc(`providers/${name}.md`)),
      ]);
      const fields = fieldPaths(provider.tenantShape);
      expect(fields.length).toBeGreaterThan(0);
      expect([...new Set(fields)].filter((field) => !listed.has(field))).toEqual([]);
    },
  );

  it('the provider-field check can fail', () => {
    const teal = BUILT_IN_PROVIDERS.find((p) => p.name === 'teal');
    expect(teal && fieldPaths(teal.tenantShape)).toContain('defaults.payrollPeriodMonths');
    expect(codeSpans('no fields here').has('defaults.payrollPeriodMonths')).toBe(false);
  });

  it('docs/configuration.md names every per-call option', () => {
    const listed = codeSpans(doc('configuration.md'));
    expect(propertiesOf('src/index.ts', 'CallOptions').filter((o) => !listed.has(o))).toEqual([]);
  });

  it('docs/errors.md explains every error code and every error class', () => {
    const errors = doc('errors.md');
    const listed = codeSpans(errors);
    const codes = literalsOf('src/index.ts', 'ErrorCode');
    expect(codes.length).toBeGreaterThanOrEqual(14);
    expect(codes.filter((code) => !listed.has(code))).toEqual([]);
    const classes = exportsOf('src/index.ts')
      .filter((s) => resolved(s).flags & ts.SymbolFlags.Class && /Error(Base)?$/.test(s.name))
      .map((s) => s.name);
    expect(classes.length).toBeGreaterThanOrEqual(15);
    expect(classes.filter((name) => !listed.has(name))).toEqual([]);
  });

  it('docs/field-mapping.md maps every neutral profile field', () => {
    const listed = codeSpans(doc('field-mapping.md'));
    const fields = literalsOf('src/index.ts', 'ProfileField');
    expect(fields.length).toBeGreaterThanOrEqual(10);
    expect(
      fields.filter(
        (field) =>
          ![...listed].some(
            (span) => span === field || span.startsWith(`${field}.`) || span.startsWith(`${field} `),
          ),
      ),
    ).toEqual([]);
  });
});

/** The pages this suite vouches for (other pages belong to their own authors' checks). */
const PAGES = [
  'docs/README.md',
  'docs/architecture.md',
  'docs/configuration.md',
  'docs/field-mapping.md',
  'docs/errors.md',
  'docs/security.md',
  'docs/adding-a-provider.md',
  'docs/api.md',
  'docs/observability.md',
  'examples/README.md',
  'examples/custom-provider/README.md',
];

/** `## A heading` → `a-heading`, as GitHub makes anchors. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

describe('the docs’ relative links', () => {
  it.each(PAGES)('%s links only to files and headings that exist', (page) => {
    const text = readFileSync(join(ROOT, page), 'utf8');
    const broken: string[] = [];
    for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target)) continue;
      const [path = '', anchor] = target.split('#');
      const file = path === '' ? join(ROOT, page) : join(ROOT, dirname(page), path);
      if (!existsSync(file)) {
        broken.push(target);
        continue;
      }
      if (anchor && file.endsWith('.md')) {
        const headings = [...readFileSync(file, 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
          anchorOf(m[1] ?? ''),
        );
        if (!headings.includes(anchor)) broken.push(target);
      }
    }
    expect(broken).toEqual([]);
  });
});
