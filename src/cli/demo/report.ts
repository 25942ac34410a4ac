/**
 * The demo's report: printed line by line as the steps run, so a person can follow along, and
 * counted so the run can end with the right exit code.
 */
import { isPayrollIdentityError } from '../../errors.js';
import { describeError } from '../errors.js';
import { type CliIo, say } from '../io.js';

export type StepStatus = 'passed' | 'failed' | 'skipped';

const MARK: Readonly<Record<StepStatus, string>> = { passed: '✓', failed: '✗', skipped: '–' };
const LABEL_WIDTH = 19;

/** A demo check that did not hold (the call worked, the result was wrong). */
export class DemoCheckFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoCheckFailed';
  }
}

/** One line of text for why a step failed: our own check, or the library's redacted error. */
export function describeFailure(error: unknown): string {
  if (error instanceof DemoCheckFailed) return error.message;
  if (isPayrollIdentityError(error)) {
    return describeError(error)
      .split('\n')
      .map((line) => line.trim())
      .join(' · ');
  }
  const name = error instanceof Error && /^[A-Za-z]{1,40}$/.test(error.name) ? error.name : 'Error';
  return `unexpected failure (${name})`;
}

/** A link token is a bearer credential for the user's session: the report shows only its start. */
export function tokenPreview(token: string): string {
  return `${token.slice(0, 8)}…`;
}

export class DemoReport {
  private readonly counts: Record<StepStatus, number> = { passed: 0, failed: 0, skipped: 0 };

  constructor(private readonly io: CliIo) {}

  line(text = ''): void {
    say(this.io, text);
  }

  heading(text: string): void {
    say(this.io);
    say(this.io, `== ${text} ==`);
  }

  step(status: StepStatus, label: string, detail: string): void {
    this.counts[status] += 1;
    say(this.io, `  ${MARK[status]} ${label.padEnd(LABEL_WIDTH)} ${detail}`);
  }

  get failed(): number {
    return this.counts.failed;
  }

  summary(): string {
    const { passed, failed, skipped } = this.counts;
    const total = passed + failed;
    const verdict =
      failed === 0 ? 'every step behaved as expected' : `${failed} step(s) did NOT behave as expected`;
    return `${passed} of ${total} steps passed${skipped > 0 ? `, ${skipped} not applicable` : ''}: ${verdict}.`;
  }
}

/** Runs one step of the demo: passed with `body`'s detail line, or failed with the error's. */
export async function runStep(
  report: DemoReport,
  label: string,
  body: () => Promise<string>,
): Promise<boolean> {
  try {
    report.step('passed', label, await body());
    return true;
  } catch (error) {
    report.step('failed', label, describeFailure(error));
    return false;
  }
}
