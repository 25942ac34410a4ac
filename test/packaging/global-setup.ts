/**
 * Vitest global setup: one scratch folder per test run, where the first test that needs the built
 * package builds and packs it (test/packaging/pack.ts) and every later one reuses it. Creating the
 * folder costs nothing, so a run of a few unrelated test files builds nothing; the folder is removed
 * when the run ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's scratch folder for the shared build and pack (see test/packaging/pack.ts). */
    packWorkDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'payroll-identity-pack-'));
  project.provide('packWorkDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
