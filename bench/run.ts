/**
 * `npm run bench`: builds the package (the script does), starts `bench/server.ts` in its own
 * process, runs each section in a fresh `node --expose-gc` process (so one section's heap, RSS and
 * JIT state never colour another's), prints the tables and writes `bench/results.json`.
 *
 * `node --expose-gc --import tsx bench/run.ts [section…]` runs only the named sections
 * (overhead, peers, cpu, pagination, tenants, coldstart, hostile, webhooks).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { evaluate, render } from './report.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));
const NODE_FLAGS = ['--expose-gc', '--import', 'tsx'];
const SECTIONS = [
  'overhead',
  'peers',
  'cpu',
  'pagination',
  'tenants',
  'coldstart',
  'hostile',
  'webhooks',
] as const;
type Section = (typeof SECTIONS)[number];

function startServer(): Promise<{ origin: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', `${here}server.ts`], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_TOTAL_USERS: '100000' },
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
    child.stdout!.once('data', (chunk: Buffer) => {
      resolve({ origin: `http://127.0.0.1:${chunk.toString().trim()}`, child });
    });
  });
}

/** Runs one section script in its own process and returns the JSON it reported. */
function runSection(name: string, env: Record<string, string>, args: string[] = []): Promise<unknown> {
  const child = spawn(process.execPath, [...NODE_FLAGS, `${here}${name}.ts`, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('@@RESULT '));
      if (code !== 0 || !line) reject(new Error(`section ${name} failed (exit ${code})\n${out}`));
      else resolve(JSON.parse(line.slice('@@RESULT '.length)));
    });
  });
}

const wanted = process.argv.slice(2) as Section[];
const sections = wanted.length > 0 ? wanted : [...SECTIONS];
const started = performance.now();
const machine = {
  node: process.version,
  v8: process.versions.v8,
  platform: `${os.platform()} ${os.release()}`,
  arch: os.arch(),
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  totalMemoryMB: Math.round(os.totalmem() / 1024 / 1024),
  loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
};
const { origin, child: server } = await startServer();
const results: Record<string, unknown> = {};
try {
  for (const name of sections) {
    const t0 = performance.now();
    process.stderr.write(`bench: ${name}…\n`);
    if (name === 'pagination') {
      // One process per provider, so that each starts from the same heap and RSS.
      results.pagination = {
        argyle: await runSection('pagination', { BENCH_ORIGIN: origin }, ['argyle']),
        teal: await runSection('pagination', { BENCH_ORIGIN: origin }, ['teal']),
      };
    } else {
      results[name] = await runSection(name, { BENCH_ORIGIN: origin });
    }
    process.stderr.write(`bench: ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
} finally {
  server.kill('SIGTERM');
}

const output = {
  date: new Date().toISOString(),
  machine: { ...machine, loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100) },
  totalSeconds: Math.round((performance.now() - started) / 100) / 10,
  results,
  targets: evaluate(results),
};
if (wanted.length === 0) {
  writeFileSync(`${here}results.json`, `${JSON.stringify(output, null, 2)}\n`);
}
process.stdout.write(render(output));
