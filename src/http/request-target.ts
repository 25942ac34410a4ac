/**
 * Where a request goes, computed exactly as axios's Node adapter computes it (`buildFullPath`, then
 * `new URL`, then `buildURL` with the params), but without parsing a URL per request when the path
 * needs no normalising: the base URL is parsed once.
 */
import axios, { type InternalAxiosRequestConfig } from 'axios';

function isAbsoluteUrl(url: string): boolean {
  return /^([a-z][a-z\d+\-.]*:)?\/\//i.test(url);
}

/** axios's `combineURLs`: one slash between the base and the path. */
function combine(base: string, path: string): string {
  if (!path) return base;
  let end = base.length;
  while (end > 0 && base.charCodeAt(end - 1) === 47) end--;
  return `${base.slice(0, end)}/${path.replace(/^\/+/, '')}`;
}

/** axios's `buildURL` encoder: `encodeURIComponent`, keeping `:`, `$`, `,` and spaces as `+`. */
function encode(value: string): string {
  return encodeURIComponent(value)
    .replace(/%3A/gi, ':')
    .replace(/%24/g, '$')
    .replace(/%2C/gi, ',')
    .replace(/%20/g, '+');
}

/**
 * `params` as axios serialises them. Flat scalar values (all the client ever sends) are encoded
 * here; anything else (arrays, objects, dates, a custom serializer) is left to axios itself.
 */
function withParams(origin: string, path: string, config: InternalAxiosRequestConfig): string {
  const params: unknown = config.params;
  if (params === undefined || params === null) return path;
  let query = '';
  let scalar = typeof params === 'object' && config.paramsSerializer == null;
  if (scalar) {
    for (const [key, value] of Object.entries(params as Record<string, unknown>)) {
      // As axios: no pair for undefined or null, keys trimmed.
      if (value === undefined || value === null) continue;
      const t = typeof value;
      if (t !== 'string' && t !== 'number' && t !== 'boolean') {
        scalar = false;
        break;
      }
      query += `${query ? '&' : ''}${encode(key.trim())}=${encode(String(value))}`;
    }
  }
  if (!scalar) {
    // An absolute URL, so that no `baseURL` from axios's global defaults is put in front of it.
    const url = axios.getUri({
      url: origin + path,
      allowAbsoluteUrls: true,
      params,
      paramsSerializer: config.paramsSerializer,
    });
    return url.slice(origin.length);
  }
  if (!query) return path;
  const hash = path.indexOf('#');
  const bare = hash === -1 ? path : path.slice(0, hash);
  return `${bare}${bare.includes('?') ? '&' : '?'}${query}`;
}

/** Where a request connects: the URL's protocol, host name (no IPv6 brackets) and port, as text. */
export interface Endpoint {
  protocol: string;
  hostname: string;
  port: string;
}

function endpointOf(url: URL): Endpoint {
  const host = url.hostname;
  return {
    protocol: url.protocol,
    hostname: host.startsWith('[') ? host.slice(1, -1) : host,
    port: url.port,
  };
}

/** A base URL parsed once: most requests then need no URL parsing at all. */
interface ParsedBase {
  url: URL;
  /** The base's normalised path without its trailing slashes (`''` for a bare origin). */
  prefix: string;
  /** Its endpoint, read once (a `URL`'s getters cost on every read). */
  endpoint: Endpoint;
}
const parsedBases = new Map<string, ParsedBase>();

function parsedBase(base: string): ParsedBase {
  let parsed = parsedBases.get(base);
  if (!parsed) {
    const url = new URL(base);
    parsed = { url, prefix: url.pathname.replace(/\/+$/, ''), endpoint: endpointOf(url) };
    // Bases are per tenant configuration: a handful, but never let a misuse grow this without bound.
    if (parsedBases.size >= 1024) parsedBases.clear();
    parsedBases.set(base, parsed);
  }
  return parsed;
}

/** Path characters that `new URL` leaves exactly as they are (no `?`, `#`, `\\`, space or non-ASCII). */
const VERBATIM = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@%/")
  VERBATIM[c.charCodeAt(0)] = 1;

/**
 * Whether `new URL` would keep `path` exactly as it is: only {@link VERBATIM} characters, no `.`
 * or `..` segment and no `%2e` (an encoded dot, which the URL parser reads as a dot in a segment). One pass over the text (a regular expression per rule costs more on every call).
 */
function verbatimPath(path: string): boolean {
  let segmentStart = 0;
  for (let i = 0; i <= path.length; i++) {
    const c = i < path.length ? path.charCodeAt(i) : 47;
    if (c === 47) {
      const length = i - segmentStart;
      if (
        (length === 1 || length === 2) &&
        path.charCodeAt(segmentStart) === 46 &&
        (length === 1 || path.charCodeAt(segmentStart + 1) === 46)
      ) {
        return false;
      }
      segmentStart = i + 1;
    } else if (c >= 128 || VERBATIM[c] === 0) {
      return false;
    } else if (c === 37 && path.charCodeAt(i + 1) === 50 && (path.charCodeAt(i + 2) | 32) === 101) {
      // `%2e` is a dot to the URL parser (`/a/%2e%2e/b` is `/b`): such a path is left to `new URL`.
      return false;
    }
  }
  return true;
}

/** `path` without its leading slashes. */
function withoutLeadingSlashes(path: string): string {
  let start = 0;
  while (start < path.length && path.charCodeAt(start) === 47) start++;
  return start === 0 ? path : path.slice(start);
}

/** The request's URL (for its origin) and path with query, as axios's Node adapter computes them. */
export function requestTarget(config: InternalAxiosRequestConfig): {
  url: URL;
  path: string;
  endpoint: Endpoint;
} {
  const relative = config.url ?? '';
  const base = config.baseURL;
  const combined = !!base && (config.allowAbsoluteUrls === false || !isAbsoluteUrl(relative));
  if (combined && base.indexOf('?') === -1 && base.indexOf('#') === -1 && verbatimPath(relative)) {
    // What `new URL(combine(base, url))` gives, without parsing: the path needs no normalising.
    const { url, prefix, endpoint } = parsedBase(base);
    const path = relative ? `${prefix}/${withoutLeadingSlashes(relative)}` : url.pathname;
    return { url, path: withParams(url.origin, path, config), endpoint };
  }
  const url = new URL(combined ? combine(base, relative) : relative);
  return { url, path: withParams(url.origin, url.pathname + url.search, config), endpoint: endpointOf(url) };
}
