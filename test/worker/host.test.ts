import { describe, expect, it } from 'vitest';
import { matchHost, normalizeHost, parseDomainInput } from '../../src/tenancy/host';

const central = ['localhost', 'opticanet.test'];

describe('normalizeHost', () => {
  it.each([
    ['ACME.LocalHost', 'acme.localhost'],
    ['acme.localhost:8787', 'acme.localhost'],
    ['acme.localhost.', 'acme.localhost'],
    ['Acme.Localhost.:443', 'acme.localhost'],
    ['opticaacme.com', 'opticaacme.com'],
  ])('%s -> %s', (raw, expected) => {
    expect(normalizeHost(raw)).toBe(expected);
  });

  it.each([
    '',
    'bad_host.localhost',
    '-acme.localhost',
    'acme-.localhost',
    'a..b',
    'acme.localhost:port',
    '[::1]:8787',
    `${'x'.repeat(64)}.localhost`,
    'ac me.localhost',
  ])('rejects %j', (raw) => {
    expect(normalizeHost(raw)).toBeNull();
  });
});

describe('matchHost', () => {
  it('recognises every central domain', () => {
    expect(matchHost('localhost:8787', central)).toEqual({ kind: 'central', hostname: 'localhost' });
    expect(matchHost('OPTICANET.TEST', central)).toEqual({ kind: 'central', hostname: 'opticanet.test' });
  });

  it('takes a subdomain label under any central domain as the same lookup key', () => {
    expect(matchHost('acme.localhost', central)).toMatchObject({ kind: 'tenant', lookupKey: 'acme' });
    expect(matchHost('acme.opticanet.test', central)).toMatchObject({ kind: 'tenant', lookupKey: 'acme' });
  });

  it('is exactly one label deep', () => {
    expect(matchHost('x.acme.localhost', central)).toEqual({ kind: 'unknown', hostname: 'x.acme.localhost' });
  });

  it('treats other host names as custom domains, and bare labels as nothing', () => {
    expect(matchHost('www.opticaacme.com', central)).toMatchObject({ kind: 'tenant', lookupKey: 'www.opticaacme.com' });
    expect(matchHost('acme', central)).toEqual({ kind: 'unknown', hostname: 'acme' });
  });

  it('answers invalid for names that are not DNS names', () => {
    expect(matchHost('bad_host.localhost', central)).toEqual({ kind: 'invalid' });
    expect(matchHost(null, central)).toEqual({ kind: 'invalid' });
  });
});

describe('parseDomainInput', () => {
  it('accepts labels and custom host names, normalised', () => {
    expect(parseDomainInput('Acme', central)).toEqual({ ok: true, value: 'acme' });
    expect(parseDomainInput('OpticaAcme.com.', central)).toEqual({ ok: true, value: 'opticaacme.com' });
  });

  it('refuses central domains, names under them and invalid names', () => {
    expect(parseDomainInput('opticanet.test', central).ok).toBe(false);
    expect(parseDomainInput('acme.localhost', central).ok).toBe(false);
    expect(parseDomainInput('acme_1', central).ok).toBe(false);
    expect(parseDomainInput('a..com', central).ok).toBe(false);
  });
});
