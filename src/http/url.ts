/** URL rules shared by configuration and the HTTP client. */

/** `127.a.b.c`, each octet a decimal 0-255 (the hostname is at most 15 characters, so linear). */
const IPV4_LOOPBACK_RE = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Whether `hostname` (as `URL` gives it) is loopback by its literal form alone: `localhost` exactly,
 * `127.0.0.0/8` or `[::1]`. No name is resolved, and no other name counts: `evil.localhost` is a
 * public DNS name to a resolver that does not special-case it, and `localhost.` or
 * `127.0.0.1.example` are names too. (`URL` already turns `127.1`, `0x7f000001` and
 * `[0:0:0:0:0:0:0:1]` into their canonical forms.)
 */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]' || hostname === '::1') return true;
  if (hostname.length > 15) return false;
  const octets = IPV4_LOOPBACK_RE.exec(hostname);
  if (!octets) return false;
  return octets.slice(1).every((octet) => Number(octet) <= 255);
}

/**
 * Why a base URL is not acceptable, or `undefined` when it is: it must be absolute, `https` (plain
 * `http` only on loopback, for the sandbox), and carry no credentials, query or fragment.
 */
export function baseUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not contain credentials (put them under "credentials")';
  if (url.search || url.hash) return 'must not contain a query or fragment';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname)
      ? undefined
      : 'must use https (plain http is allowed only on loopback)';
  }
  return 'must use https';
}

/** The base URL without a trailing slash, so that `base + '/v2/users'` is always right. */
export function normalizeBaseUrl(value: string): string {
  return value.replace(/\/+$/, '');
}
