// Kyverno's x509.decode on certificates generated for this test (openssl, RSA 1024 and P-256).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateCel } from '../../../server/src/cel/evaluate.ts';

const rsa = `-----BEGIN CERTIFICATE-----
MIICXTCCAcagAwIBAgICEJIwDQYJKoZIhvcNAQELBQAwMDEYMBYGA1UEAwwPd2Vi
aG9vay5leGFtcGxlMRQwEgYDVQQKDAtFeGFtcGxlIE9yZzAeFw0yNjEyMDUxODIz
MDRaFw0zNjEyMDIxODIzMDRaMDAxGDAWBgNVBAMMD3dlYmhvb2suZXhhbXBsZTEU
MBIGA1UECgwLRXhhbXBsZSBPcmcwgZ8wDQYJKoZIhvcNAQEBBQADgY0AMIGJAoGB
APHmnPGwZVgsU4EJS3R4i+JaT/4dSysVAFsGpugj3AbmMEtkMQ497e/AqKDlE34b
fmlCGdLgAvz3iN3qaU0hjIPs5r7Bx/PUcuj35gGmwnlxjL98fQNhpYIvYIlGuhwq
RURmfNtKnbkbh5fV7m298kg0m4gi7HXR9mkFdEqlvOeZAgMBAAGjgYUwgYIwHQYD
VR0OBBYEFNU9h3T6KCNuHSUg3deVNJcbIaEeMB8GA1UdIwQYMBaAFNU9h3T6KCNu
HSUg3deVNJcbIaEeMC8GA1UdEQQoMCaCD3dlYmhvb2suZXhhbXBsZYITd2ViaG9v
ay5kZWZhdWx0LnN2YzAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4GB
ADAQ36HQ46bCG8JPv0pUuQsd2rXTJYxCtzfFK8kIM7QAiZgXMkXn3U8c0eiuiDgf
u82cksUFx1oufrAkdkzaQuRglgYOox3PwkQJEdMJYYt03eauaqs+Uu1rH6GrkCc5
qnx2vJtiIZnZOV7h6A1qltFMAm+T1y/4lmiGUsmINkyp
-----END CERTIFICATE-----`;
const ec = `-----BEGIN CERTIFICATE-----
MIIBfjCCASWgAwIBAgIUY6HUhmwnUCnd2+bkwOBa7Aiinf8wCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKZWMuZXhhbXBsZTAeFw0yNjEyMDUxODIzMDRaFw0yNzEyMDUx
ODIzMDRaMBUxEzARBgNVBAMMCmVjLmV4YW1wbGUwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAASCZBzWjaORy6FwZKm7M0edqRiLYVpC9RMh9WAdbESqv5l/bgVWOW99
2a+F7d6R0vXggK3opuJf9UxZsp/bCnuZo1MwUTAdBgNVHQ4EFgQUYrIZyVk1P/If
ORH6codVDbrcpBgwHwYDVR0jBBgwFoAUYrIZyVk1P/IfORH6codVDbrcpBgwDwYD
VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiBio8tTdlXDlMI7c2IImlSh
zgINEtblOcTaOAr6psFFKwIgLBebH8pZACiFX4zsiI1m1oozBEq0EhuuwROxZq1H
KGk=
-----END CERTIFICATE-----`;
const decode = (expr: string, cert: string) => evaluateCel(expr, { object: { cert } });

test('an RSA certificate decodes to the fields of Go\'s x509.Certificate', () => {
  assert.deepEqual(decode('x509.decode(object.cert).Subject.CommonName', rsa), { ok: true, value: 'webhook.example' });
  assert.deepEqual(decode('x509.decode(object.cert).Issuer.Organization', rsa), { ok: true, value: ['Example Org'] });
  assert.deepEqual(decode('x509.decode(object.cert).DNSNames', rsa), { ok: true, value: ['webhook.example', 'webhook.default.svc'] });
  assert.deepEqual(decode('x509.decode(object.cert).IsCA && x509.decode(object.cert).SerialNumber == 4242', rsa), { ok: true, value: true });
  assert.deepEqual(decode('x509.decode(object.cert).NotAfter', rsa), { ok: true, value: '2036-12-02T18:23:04Z' });
  assert.deepEqual(decode('timestamp(x509.decode(object.cert).NotAfter) - timestamp(x509.decode(object.cert).NotBefore) > duration("87000h")', rsa), { ok: true, value: true });
  assert.deepEqual(decode('x509.decode(object.cert).PublicKey.E', rsa), { ok: true, value: 65537 });
});

test('a non-RSA certificate and a non-PEM string are errors, as in Kyverno', () => {
  assert.match((decode('x509.decode(object.cert)', ec) as { error: string }).error, /rsa algorithm/);
  assert.match((decode('x509.decode(object.cert)', 'not a pem') as { error: string }).error, /PEM/);
});
