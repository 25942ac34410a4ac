/**
 * Plain http is allowed only to loopback, and loopback is decided by the literal host alone:
 * `localhost` exactly, 127.0.0.0/8 or [::1]. Any other name (`evil.localhost`, `localhost.`) would be
 * resolved by DNS and could point anywhere.
 */
import { describe, expect, it } from 'vitest';
import { baseUrlProblem, isLoopbackHost } from '../../../src/http/url.js';

describe('loopback is literal', () => {
  it.each([
    'http://localhost',
    'http://localhost:4010/',
    'http://LOCALHOST:1',
    'http://127.0.0.1:9',
    'http://127.1',
    'http://127.255.255.254:80',
    'http://0x7f000001',
    'http://[::1]:8080/',
    'http://[0:0:0:0:0:0:0:1]',
  ])('%s is loopback', (url) => {
    expect(baseUrlProblem(url)).toBeUndefined();
  });

  it.each([
    'http://evil.localhost',
    'http://a.b.localhost:8080',
    'http://localhost.',
    'http://localhost.example.com',
    'http://127.0.0.1.nip.io',
    'http://128.0.0.1',
    'http://0.0.0.0',
    'http://[::ffff:127.0.0.1]',
    'http://[::2]',
  ])('%s is not', (url) => {
    expect(baseUrlProblem(url)).toBe('must use https (plain http is allowed only on loopback)');
  });

  it('isLoopbackHost checks each octet and refuses names', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.0.0.255')).toBe(true);
    expect(isLoopbackHost('127.0.0.256')).toBe(false);
    expect(isLoopbackHost('127.999.0.1')).toBe(false);
    expect(isLoopbackHost('evil.localhost')).toBe(false);
    expect(isLoopbackHost(`127.0.0.1${'1'.repeat(100_000)}`)).toBe(false);
  });

  it('https may go anywhere (the rule is only about plain http)', () => {
    expect(baseUrlProblem('https://evil.localhost')).toBeUndefined();
  });
});
