/**
 * The `UserService` that `forTenant` hands out: the adapter's, with one OpenTelemetry span and one
 * duration measurement per method call when the host listens (otel.ts). A call is the whole
 * method: its validation, every HTTP attempt, retry wait and reconciliation lookup; for
 * `listUsers`, the whole iteration (every page) from the first `next()` to the last.
 *
 * When nothing listens, each method is a direct call to the adapter's, and `listUsers` returns
 * the adapter's own iterable. Printing the service shows what the adapter shows (tenant and
 * provider); a copy (`structuredClone`) holds the same three plain fields.
 */
import { inspect } from 'node:util';
import type { Operation } from '../errors.js';
import type {
  CreatedUser,
  CreateUserInput,
  LinkToken,
  ListUsersFilter,
  UpdatedUser,
  UpdateUserInput,
  User,
} from '../user.js';
import type { CallOptions, Capabilities, UserListing, UserService } from '../user-service.js';
import { CallTelemetry, type ServerAddress, serverAddressOf } from './call-telemetry.js';
import { otelInstruments } from './otel.js';

export class TracedUserService implements UserService {
  readonly provider: string;
  readonly tenant: string;
  readonly capabilities: Capabilities;
  readonly #inner: UserService;
  readonly #server: ServerAddress | undefined;

  /** `baseUrl`: the tenant's provider URL, of which spans carry the host and port only. */
  constructor(inner: UserService, baseUrl: string) {
    this.#inner = inner;
    this.provider = inner.provider;
    this.tenant = inner.tenant;
    this.capabilities = inner.capabilities;
    this.#server = serverAddressOf(baseUrl);
  }

  #call<T>(operation: Operation, fn: () => Promise<T>): Promise<T> {
    const tools = otelInstruments();
    if (!tools) return fn();
    const call = new CallTelemetry(tools, operation, this.tenant, this.provider, this.#server);
    let pending: Promise<T>;
    try {
      pending = call.run(fn);
    } catch (error) {
      call.finish(true, error);
      throw error;
    }
    return pending.then(
      (value) => {
        call.finish(false);
        return value;
      },
      (error: unknown) => {
        call.finish(true, error);
        throw error;
      },
    );
  }

  createUser(input: CreateUserInput, options?: CallOptions): Promise<CreatedUser> {
    return this.#call('createUser', () => this.#inner.createUser(input, options));
  }

  getUser(userId: string, options?: CallOptions): Promise<User> {
    return this.#call('getUser', () => this.#inner.getUser(userId, options));
  }

  updateUser(userId: string, patch: UpdateUserInput, options?: CallOptions): Promise<UpdatedUser> {
    return this.#call('updateUser', () => this.#inner.updateUser(userId, patch, options));
  }

  deleteUser(userId: string, options?: CallOptions): Promise<void> {
    return this.#call('deleteUser', () => this.#inner.deleteUser(userId, options));
  }

  createLinkToken(userId: string, options?: CallOptions): Promise<LinkToken> {
    return this.#call('createLinkToken', () => this.#inner.createLinkToken(userId, options));
  }

  listUsers(filter?: ListUsersFilter, options?: CallOptions): UserListing {
    const listing = this.#inner.listUsers(filter, options);
    if (!otelInstruments()) return listing;
    // One call per iteration, by users or by pages.
    const traced = <T>(iterable: AsyncIterable<T>): AsyncIterator<T> => {
      const tools = otelInstruments();
      const iterator = iterable[Symbol.asyncIterator]();
      if (!tools) return iterator;
      return tracedIterator(
        iterator,
        new CallTelemetry(tools, 'listUsers', this.tenant, this.provider, this.#server),
      );
    };
    return {
      [Symbol.asyncIterator]: () => traced(listing),
      pages: () => ({ [Symbol.asyncIterator]: () => traced(listing.pages()) }),
    };
  }

  /** What the adapter shows when serialised (tenant and provider), never its configuration. */
  toJSON(): unknown {
    const inner = this.#inner as { toJSON?: () => unknown };
    return typeof inner.toJSON === 'function'
      ? inner.toJSON()
      : { tenant: this.tenant, provider: this.provider };
  }

  [inspect.custom](depth: number, options: object, inspectFn: typeof inspect = inspect): string {
    const inner = this.#inner as { [inspect.custom]?: (...args: unknown[]) => string };
    const custom = inner[inspect.custom];
    return typeof custom === 'function'
      ? custom.call(this.#inner, depth, options, inspectFn)
      : `UserService ${inspectFn({ tenant: this.tenant, provider: this.provider }, { ...options, depth: 1 })}`;
  }
}

/** The iteration as one call: every page's requests run inside it; it ends with the iteration. */
function tracedIterator<T>(iterator: AsyncIterator<T>, call: CallTelemetry): AsyncIterator<T> {
  const settle = <R>(pending: Promise<R>, isLast: (result: R) => boolean): Promise<R> =>
    pending.then(
      (result) => {
        if (isLast(result)) call.finish(false);
        return result;
      },
      (error: unknown) => {
        call.finish(true, error);
        throw error;
      },
    );
  const traced: AsyncIterator<T> = {
    next: () =>
      settle(
        call.run(() => iterator.next()),
        (result) => result.done === true,
      ),
  };
  // Stopping early (`break` in `for await`) ends the call as a success.
  if (iterator.return) {
    const stop = iterator.return.bind(iterator);
    traced.return = (value?: unknown) =>
      settle(
        call.run(() => stop(value as never)),
        () => true,
      );
  } else {
    traced.return = async (value?: unknown) => {
      call.finish(false);
      return { done: true, value: value as never };
    };
  }
  if (iterator.throw) {
    const raise = iterator.throw.bind(iterator);
    traced.throw = (error?: unknown) =>
      settle(
        call.run(() => raise(error)),
        (result) => result.done === true,
      );
  }
  return traced;
}
