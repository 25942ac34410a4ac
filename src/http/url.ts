/** URL rules shared by configuration and the HTTP client (DESIGN.md §5). */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  return (
    LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname) || hostname.endsWith('.localhost')
  );
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
