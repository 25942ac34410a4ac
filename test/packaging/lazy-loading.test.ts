/**
 * What importing the root entry loads, and what waits for a call. Importing `payroll-identity`,
 * creating the identity and handing out a service load neither the HTTP stack (axios, cockatiel:
 * `src/http/stack.ts`, imported by the client on the first request of the process) nor yaml (the
 * first YAML configuration file), the CLI, the sandbox or a test tool (docs/performance.md, cold
 * start).
 *
 * Checked twice: in the sources (the static imports reachable from `src/index.ts`), and in the
 * release build of this run (test/packaging/pack.ts), ESM and CommonJS, by child processes that
 * record what they loaded before and after a first call to a loopback server, and that see a broken
 * installation (axios missing) surface as a typed error from the call.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { expectSuccess, ROOT, run, sharedBuild } from './pack.js';

/** Packages the root entry may load at import: the configuration schema and the container. */
const LOADED_AT_IMPORT = new Set(['zod', 'tsyringe', 'reflect-metadata']);
/** What a process holds once it has imported them: tsyringe's own dependency too. */
const LOADED_WITH_THEM = new Set([...LOADED_AT_IMPORT, 'tslib']);

interface Graph {
  /** Source files reached through static imports (paths relative to the repository). */
  files: Set<string>;
  /** Packages reached through static imports (Node's own modules left out). */
  packages: Set<string>;
  /** `import('…')` targets found along the way, as `from → to`. */
  dynamic: string[];
}

/**
 * The modules `entry` loads when it is imported: its static imports that survive compilation
 * (`import type` and `export type` are erased; under `verbatimModuleSyntax` an import of types only
 * written `import { type A }` is kept, as a side-effect import), followed through the sources.
 * Dynamic `import()`s are not followed: they load later, when the code that holds them runs.
 */
function staticGraph(entry: string): Graph {
  const graph: Graph = { files: new Set(), packages: new Set(), dynamic: [] };
  const queue = [resolve(ROOT, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    const name = relative(ROOT, file);
    if (graph.files.has(name)) continue;
    graph.files.add(name);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const follow = (specifier: string) => {
      if (specifier.startsWith('node:')) return;
      if (!specifier.startsWith('.')) {
        graph.packages.add(
          specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!,
        );
        return;
      }
      queue.push(resolve(dirname(file), specifier).replace(/\.js$/, '.ts'));
    };
    const visit = (node: ts.Node) => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        if (!node.importClause?.isTypeOnly) follow(node.moduleSpecifier.text);
      } else if (
        ts.isExportDeclaration(node) &&
        node.moduleSpecifier &&
        ts.isStringLiteral(node.moduleSpecifier)
      ) {
        if (!node.isTypeOnly) follow(node.moduleSpecifier.text);
      } else if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments[0] &&
        ts.isStringLiteral(node.arguments[0])
      ) {
        const target = node.arguments[0].text;
        graph.dynamic.push(
          `${name} → ${target.startsWith('.') ? relative(ROOT, resolve(dirname(file), target)).replace(/\.js$/, '.ts') : target}`,
        );
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return graph;
}

describe('importing the root entry, in the sources', () => {
  const graph = staticGraph('src/index.ts');

  it('reaches only the configuration schema and the container among packages', () => {
    expect([...graph.packages].filter((p) => !LOADED_AT_IMPORT.has(p))).toEqual([]);
  });

  it('reaches no HTTP stack, CLI, sandbox or test tool', () => {
    const heavy = [...graph.files].filter((f) =>
      /^src\/(cli|sandbox|testing)\/|^src\/http\/(stack|transport|prepared-sender|request-target|tenant-circuit)\.ts$|\/sandbox\//.test(
        f,
      ),
    );
    expect(heavy).toEqual([]);
  });

  it('loads the HTTP stack through one dynamic import, in the client', () => {
    expect(graph.dynamic.filter((d) => d.includes('src/http/'))).toEqual([
      'src/http/client.ts → src/http/stack.ts',
    ]);
  });

  it('the check can fail: the HTTP stack itself reaches axios and cockatiel', () => {
    const stack = staticGraph('src/http/stack.ts');
    expect([...stack.packages].sort()).toEqual(expect.arrayContaining(['axios', 'cockatiel']));
    expect(stack.files).toContain('src/http/transport.ts');
  });
});

/** A loopback Argyle that answers every request with one user; the script's `getUser` reads it. */
const USER_ID = '018051aa-f7a9-a0db-2f38-6cfa325e9d69';
const SCRIPT_BODY = `
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: '${USER_ID}', first_name: 'Jane', last_name: 'Roe', email: 'jane.roe@example.com' }));
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const identity = lib.createPayrollIdentity({ tenants: { t: { provider: 'argyle', environment: 'sandbox',
  baseUrl: 'http://127.0.0.1:' + server.address().port,
  credentials: { apiKeyId: 'lazy-key-id-0000', apiKeySecret: 'lazy-key-secret-0000' } } } });
const users = identity.forTenant('t');
void users.capabilities;
const atService = loaded();
const out = { atService };
try {
  out.first = (await users.getUser('${USER_ID}')).id;
  out.second = (await users.getUser('${USER_ID}')).id;
} catch (e) {
  out.error = { typed: e instanceof lib.PayrollIdentityError, code: e.code, problems: e.problems };
  try { await users.getUser('${USER_ID}'); } catch (again) { out.again = again instanceof lib.PayrollIdentityError && again.code; }
}
out.afterCall = loaded();
await identity.close();
server.close();
console.log(JSON.stringify(out));
`;

/** The packages (under `node_modules`) a list of loaded files or URLs names, sorted. */
const PACKAGES_OF = `(list) => [...new Set(list.map((f) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(f)?.[1]).filter(Boolean))].sort()`;

/**
 * A CommonJS script: what it loaded is `require.cache`. `blockAxios` makes resolving axios fail as
 * it does when the package is not installed (MODULE_NOT_FOUND).
 */
const cjsScript = (entry: string, blockAxios: boolean) => `
${
  blockAxios
    ? `const Module = require('node:module');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'axios') throw Object.assign(new Error("Cannot find module 'axios'"), { code: 'MODULE_NOT_FOUND' });
  return resolveFilename.call(this, request, ...rest);
};`
    : ''
}
const { createServer } = require('node:http');
const lib = require(${JSON.stringify(entry)});
const loaded = () => (${PACKAGES_OF})(Object.keys(require.cache));
(async () => {
${SCRIPT_BODY}
})().catch((e) => { console.error(e); process.exitCode = 1; });
`;

/**
 * ESM: what it loaded is what a loader hook saw (its `load` runs for every ES module and every
 * CommonJS module imported from one), written to a file as it happens. `blockAxios`: resolving axios
 * fails as it does when the package is not installed (ERR_MODULE_NOT_FOUND).
 */
const esmFiles = (dir: string, entry: string, blockAxios: boolean) => {
  const log = join(dir, 'loaded.txt');
  writeFileSync(log, '');
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  if (${blockAxios} && specifier === 'axios') {
    throw Object.assign(new Error("Cannot find package 'axios'"), { code: 'ERR_MODULE_NOT_FOUND' });
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(log)}, url + '\\n');
  return next(url, context);
}
`,
  );
  writeFileSync(
    join(dir, 'register.mjs'),
    `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`,
  );
  writeFileSync(
    join(dir, 'script.mjs'),
    `import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
const lib = await import(${JSON.stringify(pathToFileURL(entry).href)});
const loaded = () => (${PACKAGES_OF})(readFileSync(${JSON.stringify(log)}, 'utf8').split('\\n'));
${SCRIPT_BODY}`,
  );
  return ['--import', pathToFileURL(join(dir, 'register.mjs')).href, join(dir, 'script.mjs')];
};

/** The scripts' folders, removed once every test of the file is done (the tests run side by side). */
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

async function runBuilt(format: 'esm' | 'cjs', blockAxios: boolean): Promise<Record<string, unknown>> {
  const dist = join((await sharedBuild()).tree, 'dist');
  mkdirSync(join(ROOT, '.scratch'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.scratch', `lazy-${format}-`));
  scratch.push(dir);
  let args: string[];
  if (format === 'esm') {
    args = esmFiles(dir, join(dist, 'index.js'), blockAxios);
  } else {
    writeFileSync(join(dir, 'script.cjs'), cjsScript(join(dist, 'index.cjs'), blockAxios));
    args = [join(dir, 'script.cjs')];
  }
  const result = expectSuccess(
    `${format} lazy loading`,
    await run(process.execPath, args, { cwd: dir, timeoutMs: 60_000 }),
  );
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
}

describe('the release build, ESM and CommonJS', { timeout: 600_000, concurrent: true }, () => {
  it.each(['esm', 'cjs'] as const)(
    '%s: import and a built service load no HTTP stack; the first call loads it, and calls work',
    async (format) => {
      const seen = await runBuilt(format, false);
      expect(seen.error).toBeUndefined();
      expect(seen).toMatchObject({ first: USER_ID, second: USER_ID });
      // Before any call: the container and the schemas only.
      expect((seen.atService as string[]).filter((p) => !LOADED_WITH_THEM.has(p))).toEqual([]);
      // After it: the HTTP stack (and never yaml or the CLI's commander).
      expect(seen.afterCall).toEqual(expect.arrayContaining(['axios', 'cockatiel']));
      expect(seen.afterCall).not.toContain('yaml');
      expect(seen.afterCall).not.toContain('commander');
    },
  );

  it.each(['esm', 'cjs'] as const)(
    '%s: an HTTP stack that cannot load is the call’s typed invalid_configuration, every time',
    async (format) => {
      const seen = await runBuilt(format, true);
      expect(seen.first).toBeUndefined();
      expect(seen.error).toEqual({
        typed: true,
        code: 'invalid_configuration',
        problems: [
          {
            tenant: 't',
            field: '(http client)',
            reason:
              'the HTTP stack (axios, cockatiel) could not be loaded: is the package installed completely?',
          },
        ],
      });
      expect(seen.again).toBe('invalid_configuration');
    },
  );
});
