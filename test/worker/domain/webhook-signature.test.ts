import { describe, expect, it } from 'vitest';
import {
  signWebhookPayload,
  verifyWebhookSignature,
  webhookSignatureDigest,
} from '../../../src/domain/webhook-signature';
import { webhookUrlProblem } from '../../../src/domain/webhook-url';

const secret = 'whsec_test-secret';
const body = '{"id":"e1","type":"invoice.issued","created":1765000000,"data":{"subjectId":"x"}}';
const t = 1_765_000_000;

describe('webhook signature', () => {
  it('is the hex HMAC-SHA256 of "<t>.<body>", as an integrator computes it with any HMAC tool', async () => {
    // printf '%s' '1765000000.<body>' | openssl dgst -sha256 -hmac 'whsec_test-secret'
    const expected = '4370f4db90b7bb97cf6f920e1de8370ab9b718237ddc57eff03f49e7771a324b';
    expect(await webhookSignatureDigest(secret, t, body)).toBe(expected);
    expect(await signWebhookPayload(secret, t, body)).toBe(`t=1765000000,v1=${expected}`);
  });

  it('verifies the right secret and body within the tolerance', async () => {
    const header = await signWebhookPayload(secret, t, body);
    expect(await verifyWebhookSignature(secret, header, body, 300, t + 299)).toBe(true);
    expect(await verifyWebhookSignature(secret, header, body, 300, t - 299)).toBe(true);
  });

  it('refuses a tampered body, another secret, an old or future timestamp, a tampered digest, and junk', async () => {
    const header = await signWebhookPayload(secret, t, body);
    const tampered = body.replace('invoice.issued', 'invoice.issueD');
    expect(await verifyWebhookSignature(secret, header, tampered, 300, t)).toBe(false);
    expect(await verifyWebhookSignature(`${secret}x`, header, body, 300, t)).toBe(false);
    expect(await verifyWebhookSignature(secret, header, body, 300, t + 301)).toBe(false);
    expect(await verifyWebhookSignature(secret, header, body, 300, t - 301)).toBe(false);
    const digest = header.slice(header.indexOf('v1=') + 3);
    const flipped = `${digest.slice(0, -1)}${digest.endsWith('0') ? '1' : '0'}`;
    expect(await verifyWebhookSignature(secret, `t=${t},v1=${flipped}`, body, 300, t)).toBe(false);
    // A replay with a new timestamp and the old digest does not verify: the timestamp is signed.
    expect(await verifyWebhookSignature(secret, `t=${t + 10},v1=${digest}`, body, 300, t + 10)).toBe(false);
    for (const junk of [null, '', 'v1=abc', `t=${t}`, `t=x,v1=${digest}`, digest])
      expect(await verifyWebhookSignature(secret, junk, body, 300, t)).toBe(false);
  });

  it('accepts any one of several v1 entries (a receiver rotating secrets)', async () => {
    const old = await webhookSignatureDigest('whsec_old', t, body);
    const current = await webhookSignatureDigest(secret, t, body);
    expect(await verifyWebhookSignature(secret, `t=${t},v1=${old},v1=${current}`, body, 300, t)).toBe(true);
    expect(await verifyWebhookSignature(secret, `t=${t},v1=${old}`, body, 300, t)).toBe(false);
  });
});

describe('webhook URL', () => {
  const cases: Array<[string, string, string | null]> = [
    ['https://hooks.example.com/optiflow', 'production', null],
    ['https://203.0.113.9/hook', 'production', null],
    ['http://hooks.example.com/optiflow', 'production', 'https'],
    ['http://127.0.0.1:9000/hook', 'production', 'https'],
    ['https://127.0.0.1/hook', 'production', 'private'],
    ['https://localhost/hook', 'production', 'private'],
    ['https://10.1.2.3/hook', 'production', 'private'],
    ['https://172.20.0.1/hook', 'production', 'private'],
    ['https://192.168.1.10/hook', 'production', 'private'],
    ['https://169.254.169.254/latest', 'production', 'private'],
    ['https://100.64.0.1/hook', 'production', 'private'],
    ['https://0.0.0.0/hook', 'production', 'private'],
    ['https://2130706433/hook', 'production', 'private'],
    ['https://[::1]/hook', 'production', 'private'],
    ['https://[fd00::1]/hook', 'production', 'private'],
    ['https://[::ffff:127.0.0.1]/hook', 'production', 'private'],
    ['https://router.local/hook', 'production', 'private'],
    ['https://intranet/hook', 'production', 'private'],
    ['https://api.localhost/hook', 'production', 'private'],
    ['https://user:pw@hooks.example.com/', 'production', 'credentials'],
    ['ftp://hooks.example.com/', 'production', 'invalid'],
    ['not a url', 'production', 'invalid'],
    ['http://127.0.0.1:9000/hook', 'development', null],
    ['http://localhost:9000/hook', 'test', null],
    ['http://10.0.0.5/hook', 'development', 'https'],
    ['https://10.0.0.5/hook', 'development', 'private'],
  ];
  it.each(cases)('%s in %s -> %s', (url, environment, expected) => {
    expect(webhookUrlProblem(url, environment)).toBe(expected);
  });
});
