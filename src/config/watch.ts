/**
 * `watchConfigFile`: reloads a YAML or JSON tenants file when it changes and applies it with
 * `identity.reconfigure`. An invalid file changes nothing: the last good configuration stays, and
 * the problem is reported (to `onError`, the identity's logger and its `onConfigurationChange` hook)
 * by field and reason, never with a value from the file.
 */
import { watch as watchFs } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { type LoadConfigOptions, loadConfigFile } from './load.js';

/**
 * How the watcher reports a file it could not read to the identity's logger and hooks (a file that
 * was read but is invalid is reported by `reconfigure` itself).
 */
export const REPORT_CONFIGURATION_PROBLEM = Symbol.for('payroll-identity.reportConfigurationProblem');

/** The part of the identity the watcher needs. */
export interface Reconfigurable {
  reconfigure(config: { tenants: Record<string, Record<string, unknown>> }): Promise<unknown>;
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
 * Watches `path` (its folder, so that editors that replace the file are seen too) and applies each
 * change with `identity.reconfigure`. Reloads run one at a time; a change during a reload is read
 * once that reload ends.
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
  const name = basename(file);
  const debounceMs = options.debounceMs ?? 100;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let pending = false;
  let closed = false;

  const reload = async (): Promise<void> => {
    let config: ReturnType<typeof loadConfigFile>;
    try {
      config = loadConfigFile(file, options.env ? { env: options.env } : {});
    } catch (error) {
      identity[REPORT_CONFIGURATION_PROBLEM]?.(error);
      report(error);
      return;
    }
    try {
      // An invalid configuration changes nothing; reconfigure reports it to the logger and hooks.
      await identity.reconfigure(config);
      options.onApplied?.();
    } catch (error) {
      report(error);
    }
  };

  const report = (error: unknown): void => {
    try {
      options.onError?.(error);
    } catch {
      // A throwing handler must not stop the watch.
    }
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
        return closed ? undefined : reload();
      });
    }, debounceMs);
  };

  const watcher = watchFs(dirname(file), { persistent: false }, (_event, changed) => {
    if (changed === null || changed === name || changed.toString() === name) schedule();
  });
  watcher.on('error', report);

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      watcher.close();
    },
    async settled() {
      // A debounce still pending counts as a reload to wait for.
      while (timer !== undefined || pending) await new Promise((r) => setTimeout(r, debounceMs));
      await running;
    },
  };
}
