/**
 * The emulators' router: literal and `:name` path segments, one handler per method and pattern, and
 * guards that run before a matched route. Small on purpose: an emulator serves a dozen routes.
 */
import type { SandboxGuard, SandboxHandler, SandboxMethod, SandboxRouter } from './types.js';

const METHODS: ReadonlySet<string> = new Set<SandboxMethod>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
/** RFC 3986 unreserved characters (plus sub-delims an API path may use, except `;`). */
const LITERAL_SEGMENT = /^[A-Za-z0-9._~!$&'()*+,=:@-]+$/;
const PARAM_SEGMENT = /^:[A-Za-z_][A-Za-z0-9_]*$/;
/** Longer patterns are a mistake, not an API. */
const MAX_PATTERN_LENGTH = 512;

type Segment = { literal: string } | { param: string };

interface Route {
  method: SandboxMethod;
  pattern: string;
  segments: readonly Segment[];
  handler: SandboxHandler;
}

/** A matched route: its handler and the percent-decoded parameters. */
export interface RouteMatch {
  handler: SandboxHandler;
  params: Readonly<Record<string, string>>;
}

/** What a path lookup finds; `bad-path` is a path whose percent-encoding cannot be decoded. */
export type Lookup = { kind: 'route'; match: RouteMatch } | { kind: 'none' } | { kind: 'bad-path' };

export class Router implements SandboxRouter {
  private readonly routes: Route[] = [];
  private readonly guardList: SandboxGuard[] = [];

  route(method: SandboxMethod, pattern: string, handler: SandboxHandler): void {
    if (!METHODS.has(method)) throw new TypeError(`router: unsupported method ${String(method)}`);
    if (typeof handler !== 'function') throw new TypeError('router: the handler must be a function');
    const segments = parsePattern(pattern);
    if (this.routes.some((r) => r.method === method && samePattern(r.segments, segments))) {
      throw new Error(`router: ${method} ${pattern} is already routed`);
    }
    this.routes.push({ method, pattern, segments, handler });
  }

  guard(guard: SandboxGuard): void {
    if (typeof guard !== 'function') throw new TypeError('router: a guard must be a function');
    this.guardList.push(guard);
  }

  guards(): readonly SandboxGuard[] {
    return this.guardList;
  }

  /** The route for `method` and the raw (percent-encoded) `path`; `HEAD` finds `GET` routes. */
  lookup(method: string, path: string): Lookup {
    const wanted = method === 'HEAD' ? 'GET' : method;
    const raw = path.split('/').slice(1);
    const decoded: string[] = [];
    for (const segment of raw) {
      try {
        decoded.push(decodeURIComponent(segment));
      } catch {
        return { kind: 'bad-path' };
      }
    }
    let best: { route: Route; score: readonly boolean[] } | undefined;
    for (const route of this.routes) {
      if (route.method !== wanted) continue;
      const score = matchScore(route.segments, decoded);
      if (score !== undefined && (!best || outranks(score, best.score))) best = { route, score };
    }
    if (!best) return { kind: 'none' };
    const params: Record<string, string> = Object.create(null);
    best.route.segments.forEach((segment, i) => {
      if ('param' in segment) params[segment.param] = decoded[i] ?? '';
    });
    return { kind: 'route', match: { handler: best.route.handler, params } };
  }
}

function parsePattern(pattern: string): Segment[] {
  if (typeof pattern !== 'string' || pattern.length > MAX_PATTERN_LENGTH || !pattern.startsWith('/')) {
    throw new TypeError('router: a pattern is a path starting with "/"');
  }
  // The root is the one path with an empty segment.
  if (pattern === '/') return [{ literal: '' }];
  const names = new Set<string>();
  return pattern
    .split('/')
    .slice(1)
    .map((part) => {
      if (PARAM_SEGMENT.test(part)) {
        const name = part.slice(1);
        if (names.has(name)) throw new TypeError(`router: parameter :${name} appears twice in ${pattern}`);
        names.add(name);
        return { param: name };
      }
      if (!LITERAL_SEGMENT.test(part)) throw new TypeError(`router: malformed segment in ${pattern}`);
      return { literal: part };
    });
}

function samePattern(a: readonly Segment[], b: readonly Segment[]): boolean {
  return (
    a.length === b.length &&
    a.every((s, i) => {
      const o = b[i];
      return o !== undefined && ('literal' in s ? 'literal' in o && o.literal === s.literal : 'param' in o);
    })
  );
}

/** `undefined` when the route does not match; otherwise, per segment, whether it matched a literal. */
function matchScore(segments: readonly Segment[], path: readonly string[]): boolean[] | undefined {
  if (segments.length !== path.length) return undefined;
  const score: boolean[] = [];
  for (const [i, segment] of segments.entries()) {
    const value = path[i] ?? '';
    if ('literal' in segment) {
      if (segment.literal !== value) return undefined;
      score.push(true);
    } else if (value === '') {
      return undefined;
    } else {
      score.push(false);
    }
  }
  return score;
}

/** A literal segment earlier in the path outranks any parameter after it: `/users/me` over `/users/:id`. */
function outranks(a: readonly boolean[], b: readonly boolean[]): boolean {
  const i = a.findIndex((literal, k) => literal !== b[k]);
  return i >= 0 && a[i] === true;
}
