/**
 * The order files start in: vitest's own (slowest first, from the last run's timings), except that
 * the package test starts first, because it builds and packs the package that other files wait for
 * (test/packaging/pack.ts), and the files that only wait for that build start last, when it is done,
 * rather than holding a worker idle while it runs.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const BUILDS = /\/test\/packaging\/package\.test\.ts$/;
const WAITS_FOR_BUILD =
  /\/test\/(unit\/errors\/cross-build|cli\/e2e|packaging\/docs-run|packaging\/lazy-loading|unit\/observe\/otel)\.test\.ts$/;

const rank = (file: TestSpecification): number =>
  BUILDS.test(file.moduleId) ? 0 : WAITS_FOR_BUILD.test(file.moduleId) ? 2 : 1;

export default class BuildFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    // Array.prototype.sort is stable: within a rank, vitest's order stands.
    return [...(await super.sort(files))].sort((a, b) => rank(a) - rank(b));
  }
}
