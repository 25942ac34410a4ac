/**
 * The docs' code runs: every fenced block of README.md and docs/**\/*.md is checked.
 *
 * - ```yaml: parsed (a syntax error names the page and line); a configuration (one with `tenants:`)
 *   is also loaded through `loadConfigFile`, with each `${VAR}` it names set to a fake value, and
 *   validated by `createPayrollIdentity`.
 * - ```ts: type-checked as its own ES module against the built package: `payroll-identity` and its
 *   `/provider`, `/sandbox` and `/testing` entries resolve (tsconfig `paths`) to their declarations
 *   (`dist/index.d.ts`, `dist/provider.d.ts`…) in the run's shared release build
 *   (test/packaging/pack.ts, built once for every packaging test). All blocks go through one TypeScript program (one checker run, no `tsc`
 *   per block).
 * - ```ts fragment: a piece shown for reading (a signature sketch, a method body, lines using names
 *   set up in the text around it). GitHub highlights it as TypeScript; this test skips it. Prefer a
 *   complete block wherever it costs a line or two.
 *
 * The blocks are written under `.scratch/` (ignored by git) so that their other imports (`zod`,
 * `vitest`) resolve from the repository's node_modules.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { loadConfigFile } from '../../src/config/load.js';
import { createPayrollIdentity } from '../../src/index.js';
import { ROOT, sharedBuild } from './pack.js';

interface Block {
  /** `README.md:57`: the page and the line of the opening fence. */
  where: string;
  lang: string;
  flags: string[];
  code: string;
}

/** README.md and every page under docs/ (not the generated docs/api/). */
function pages(): string[] {
  const found = ['README.md'];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory() && path !== 'docs/api') walk(path);
      else if (entry.isFile() && entry.name.endsWith('.md')) found.push(path);
    }
  };
  walk('docs');
  return found;
}

const FENCE = /^(\s*)(`{3,})\s*([\w-]*)(.*)$/;

/** The fenced blocks of a markdown page. */
function blocksOf(page: string): Block[] {
  const lines = readFileSync(join(ROOT, page), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', ticks = '', lang = '', rest = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j] ?? '';
      if (line.trim() === ticks) break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line);
    }
    blocks.push({
      where: `${page}:${i + 1}`,
      lang,
      flags: rest.trim().split(/\s+/).filter(Boolean),
      code: body.join('\n'),
    });
    i = j;
  }
  return blocks;
}

const ALL = pages().flatMap(blocksOf);
const YAML_BLOCKS = ALL.filter((b) => b.lang === 'yaml' || b.lang === 'yml');
const TS_BLOCKS = ALL.filter((b) => b.lang === 'ts' || b.lang === 'typescript');

const scratchRoot = join(ROOT, '.scratch');
mkdirSync(scratchRoot, { recursive: true });
const scratch = mkdtempSync(join(scratchRoot, 'docs-run-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('finds the blocks it checks', () => {
  expect(YAML_BLOCKS.length).toBeGreaterThanOrEqual(5);
  expect(TS_BLOCKS.filter((b) => !b.flags.includes('fragment')).length).toBeGreaterThanOrEqual(6);
  // Only the one marker is known: a misspelt one must not silently skip a block.
  expect(TS_BLOCKS.flatMap((b) => b.flags).filter((f) => f !== 'fragment')).toEqual([]);
});

describe('every ```yaml block parses; a configuration loads and validates', () => {
  it.each(YAML_BLOCKS.map((b) => [b.where, b] as const))('%s', async (_where, block) => {
    const doc = parseDocument(block.code, { prettyErrors: true });
    expect(doc.errors.map((e) => e.message)).toEqual([]);
    const value = doc.toJS() as unknown;
    if (typeof value !== 'object' || value === null || !('tenants' in value)) return;
    const names = [...block.code.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] ?? '');
    const env = Object.fromEntries(names.map((name) => [name, `fake-${name.toLowerCase()}-0123456789`]));
    const path = join(scratch, `${block.where.replace(/[/:.]/g, '_')}.yaml`);
    writeFileSync(path, block.code);
    const config = loadConfigFile(path, { env });
    const identity = createPayrollIdentity(config);
    expect(identity.tenants.length).toBeGreaterThan(0);
    await identity.close();
  });
});

describe('every ```ts block type-checks against the package (```ts fragment excepted)', () => {
  const checked = TS_BLOCKS.filter((b) => !b.flags.includes('fragment'));
  /** Checked with the rest, to show that an error in a block does surface. */
  const CANARY: Block = {
    where: 'canary:1',
    lang: 'ts',
    flags: [],
    code: "import { createPayrolIdentity } from 'payroll-identity';\nconst n: number = 'one';\n",
  };
  const files = new Map<string, Block>();
  let diagnostics: ts.Diagnostic[] | undefined;
  /** The release build's `dist/`: the declarations a consumer's compiler reads. */
  let dist = '';
  beforeAll(async () => {
    dist = join((await sharedBuild()).tree, 'dist');
  }, 600_000);

  /** One program over every block, built on first use. */
  function check(): ts.Diagnostic[] {
    if (diagnostics) return diagnostics;
    writeFileSync(join(scratch, 'package.json'), '{ "type": "module" }\n');
    for (const block of [...checked, CANARY]) {
      const file = join(scratch, `${block.where.replace(/[/:.]/g, '_')}.ts`);
      // `export {}` makes even an import-free block a module: no names shared between blocks.
      writeFileSync(file, `${block.code}\nexport {};\n`);
      files.set(file, block);
    }
    const program = ts.createProgram([...files.keys()], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts'],
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules/@types')],
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      paths: {
        'payroll-identity': [join(dist, 'index.d.ts')],
        'payroll-identity/provider': [join(dist, 'provider.d.ts')],
        'payroll-identity/sandbox': [join(dist, 'sandbox.d.ts')],
        'payroll-identity/testing': [join(dist, 'testing.d.ts')],
      },
    });
    // Only the blocks' own diagnostics: the sources are type-checked by `tsc -p .`.
    diagnostics = [...files.keys()].flatMap((file) => {
      const source = program.getSourceFile(file);
      return source
        ? [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]
        : [];
    });
    return diagnostics;
  }

  it.each(checked.map((b) => [b.where, b] as const))(
    '%s',
    (_where, block) => {
      const problems = check()
        .filter((d) => d.file && files.get(d.file.fileName) === block)
        .map((d) => {
          const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
          return `block line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
        });
      expect(problems, `${block.where} (mark it \`\`\`ts fragment if it is one)`).toEqual([]);
    },
    60_000,
  );

  it('the check can fail: a wrong import or type in a block is reported', () => {
    const all = check();
    const canary = [...files.entries()].find(([, b]) => b === CANARY)?.[0];
    const messages = all
      .filter((d) => d.file?.fileName === canary)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
    expect(messages).toEqual([
      expect.stringContaining("has no exported member named 'createPayrolIdentity'"),
      expect.stringContaining("'string' is not assignable to type 'number'"),
    ]);
  });
});

describe('the Quick start and the README configuration agree', () => {
  /** The README's configuration block and its Quick start (the block that calls `createUser`). */
  const config = ALL.find((b) => b.where.startsWith('README.md:') && b.lang === 'yaml');
  const quick = ALL.find((b) => b.where.startsWith('README.md:') && b.code.includes('.createUser('));

  /** The Quick start's tenant and the object literal it passes to `createUser`, evaluated. */
  function quickStartCall(code: string): { tenant: string; input: Record<string, unknown> } {
    const source = ts.createSourceFile('quick.ts', code, ts.ScriptTarget.ES2022, true);
    let tenant: string | undefined;
    let literal: string | undefined;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const [arg] = node.arguments;
        const name = node.expression.name.text;
        if (name === 'forTenant' && arg && ts.isStringLiteral(arg)) tenant = arg.text;
        if (name === 'createUser' && arg && ts.isObjectLiteralExpression(arg)) literal = arg.getText(source);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    if (!tenant || !literal) throw new Error('the Quick start no longer calls forTenant(…).createUser({…})');
    // The literal is plain data (strings, arrays, objects): evaluating it is reading it.
    return { tenant, input: new Function(`return (${literal});`)() as Record<string, unknown> };
  }

  it("the Quick start's createUser is accepted by the README tenant, and email is an ignored field", async () => {
    if (!config || !quick) throw new Error('README has no configuration or Quick start block');
    const { tenant, input } = quickStartCall(quick.code);
    expect(quick.code).toMatch(/email: .*\/\/ .*named in ignoredFields/);
    const names = [...config.code.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] ?? '');
    const env = Object.fromEntries(names.map((name) => [name, `fake-${name.toLowerCase()}-0123456789`]));
    const path = join(scratch, 'readme-quick-start.yaml');
    writeFileSync(path, config.code);
    const sent: Record<string, unknown>[] = [];
    const identity = createPayrollIdentity({
      ...loadConfigFile(path, { env }),
      // Teal's documented 201, for a fake person: the call goes all the way through.
      transport: async (request) => {
        sent.push(JSON.parse(String(request.data)) as Record<string, unknown>);
        return {
          status: 201,
          statusText: 'Created',
          headers: { 'content-type': 'application/json' },
          config: request,
          data: JSON.stringify({
            user_id: '5f0c7a2e-8f3b-4c1d-9a6e-2b7d4e1f0a11',
            created_at: '2024-03-01T10:00:00.000Z',
            forename: input.firstName,
            surname: input.lastName,
            date_of_birth: '1990-05-17T00:00:00.000Z',
            post_codes: ['SW1A 2AA'],
            ext_id: input.externalId,
            payroll_period_months: 12,
          }),
        };
      },
    });
    try {
      const { ignoredFields } = await identity.forTenant(tenant).createUser(input as never);
      expect(ignoredFields).toContain('email');
      expect(sent).toHaveLength(1);
      expect(JSON.stringify(sent[0])).not.toContain(String(input.email));
    } finally {
      await identity.close();
    }
  });
});
