/**
 * `watchConfigFile`: reloads a YAML or JSON tenants file when it changes and applies it with
 * `identity.reconfigure`. An invalid file changes nothing: the last good configuration stays, and
 * the problem is reported (to `onError`, the identity's logger and its `onConfigurationChange` hook)
 * by field and reason, never with a value from the file.
 */
import { readFileSync, statSync, watch as watchFs } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidConfigurationError } from '../errors.js';
import { type LoadConfigOptions, loadConfigFile } from './load.js';

/**
 * How the watcher reports a file it could not read to the identity's logger and hooks (a file that
 * was read but is invalid is reported by `reconfigure` itself).
 */
export const REPORT_CONFIGURATION_PROBLEM = Symbol.for('payroll-identity.reportConfigurationProblem');

/** The part of the identity the watcher needs. */
export interface Reconfigurable {
  /** Applies the file's tenants (as `PayrollIdentity.reconfigure`). */
  reconfigure(config: { tenants: Record<string, Record<string, unknown>> }): Promise<unknown>;
  /** Reports a file that could not be read to the identity's logger and hooks. */
  [REPORT_CONFIGURATION_PROBLEM]?: (error: unknown) => void;
}

/** Options of {@link watchConfigFile}. */
export interface WatchConfigOptions extends LoadConfigOptions {
  /**
   * Called with the error when a changed file cannot be read or is invalid (the last good
   * configuration stays). The error is a `PayrollIdentityError` (`invalid_configuration` lists every
   * problem by field, without values). Not called for a change that applied.
   */
  onError?: (error: unknown) => void;
  /** Called after a changed file was applied. */
  onApplied?: () => void;
  /** How long the file must be quiet before it is read (editors write in bursts). Default 100 ms. */
  debounceMs?: number;
}

/** A running watch. */
export interface ConfigWatcher {
  /** Stops watching (a reload in progress still finishes). */
  close(): void;
  /** Resolves when the reloads triggered so far are done (for tests and orderly shutdowns). */
  settled(): Promise<void>;
}

/**
 * Watches `path` (its folder, so that editors that replace the file, and symlink swaps such as a
 * Kubernetes ConfigMap update, are seen too) and applies each change with `identity.reconfigure`.
 * Reloads are read one at a time; a reload does not wait for the previous change's calls to drain.
 * Replace the file atomically (write a new file, then rename it over the old one): a file written
 * in several parts may be read half-written (and then refused, or applied, as it stands).
 *
 * @example
 * ```ts
 * const identity = createPayrollIdentity({ ...loadConfigFile('tenants.yaml'), logger });
 * const watcher = watchConfigFile('tenants.yaml', identity, {
 *   onError: (error) => alertOps('tenants.yaml was not applied', error),
 * });
 * // on shutdown:
 * watcher.close();
 * await identity.close();
 * ```
 */
export function watchConfigFile(
  path: string,
  identity: Reconfigurable,
  options: WatchConfigOptions = {},
): ConfigWatcher {
  const file = resolve(path);
  const debounceMs = options.debounceMs ?? 100;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  /** Changes applied but still draining: `settled()` waits for them too. */
  const draining = new Set<Promise<void>>();
  let pending = false;
  let closed = false;
  /** A hash of the last text read: an event that changed nothing (a neighbour file) is ignored. */
  let lastText: string | undefined = readText(file);

  const safely = (handler: (() => void) | undefined): void => {
    try {
      handler?.();
    } catch {
      // A throwing handler must not stop the watch.
    }
  };
  const report = (error: unknown): void => safely(() => options.onError?.(error));

  const reload = (): void => {
    const text = readText(file);
    if (text !== undefined && text === lastText) return;
    let config: ReturnType<typeof loadConfigFile>;
    try {
      config = loadConfigFile(file, options.env ? { env: options.env } : {});
    } catch (error) {
      identity[REPORT_CONFIGURATION_PROBLEM]?.(error);
      report(error);
      return;
    }
    lastText = text;
    // Validation and the switch happen synchronously inside reconfigure; what it then awaits is the
    // old configuration's drain, which the next reload need not wait for.
    const change = identity.reconfigure(config).then(
      () => safely(options.onApplied),
      (error: unknown) => {
        // An invalid file is not "the last text read": fixing it back must apply again.
        lastText = undefined;
        report(error);
      },
    );
    draining.add(change);
    void change.finally(() => draining.delete(change));
  };

  const schedule = (): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (pending) return;
      pending = true;
      running = running.then(() => {
        pending = false;
        if (!closed) reload();
      });
    }, debounceMs);
  };

  let watcher: ReturnType<typeof watchFs>;
  try {
    // Every event in the folder is a reason to look again: a symlink swap (a Kubernetes ConfigMap
    // renames `..data`) or an edit of the file a link points to is named after another file. The
    // content check above skips what did not change this file.
    watcher = watchFs(dirname(file), { persistent: false }, () => schedule());
  } catch {
    throw InvalidConfigurationError.of([
      { field: '(file)', reason: 'its folder does not exist or cannot be watched' },
    ]);
  }
  watcher.on('error', report);

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending = false;
      watcher.close();
    },
    async settled() {
      // A debounce still pending counts as a reload to wait for.
      while (!closed && (timer !== undefined || pending)) {
        await new Promise((r) => setTimeout(r, debounceMs));
      }
      await running;
      await Promise.all([...draining]);
    },
  };
}

/** The file's text as it is now (following links), or undefined when it cannot be read. */
function readText(file: string): string | undefined {
  try {
    // Bounded like loading: a file too large to load is not read here either.
    if (statSync(file).size > 16 * 1024 * 1024) return undefined;
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
