import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDACTED, Redactor } from '../../src/gateway/redaction.js';

const API_KEY = 'Wq3v9TzL0pXc7sRb2mYd4hNf8kGj6aE1';
const HANDLE_SECRET = 'h4ndle/secret+with=symbols-0123456789';

function redactor(patterns: string[] = []): Redactor {
  return new Redactor({ secrets: [API_KEY, HANDLE_SECRET], patterns });
}

describe('Redactor', () => {
  it('removes the gateway secrets anywhere', () => {
    const cases: Array<[string, string]> = [
      [`key ${API_KEY} used`, `key ${REDACTED} used`],
      [`prefix${API_KEY}suffix`, `prefix${REDACTED}suffix`],
      [`secret=${HANDLE_SECRET}`, `secret=${REDACTED}`],
      [`q=${encodeURIComponent(HANDLE_SECRET)}&x=1`, `q=${REDACTED}&x=1`],
      [`twice ${API_KEY} ${API_KEY}`, `twice ${REDACTED} ${REDACTED}`],
    ];
    for (const [line, expected] of cases) {
      assert.equal(redactor().redactLine(line), expected, line);
    }
  });

  it('removes credentials in the usual notations', () => {
    const cases: Array<[string, string]> = [
      ['Authorization: Key a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6', 'Authorization: [redacted] [redacted]'],
      ['using Key a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6 now', 'using Key [redacted] now'],
      ['sent Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig-nature', 'sent Bearer [redacted]'],
      ['basic auth Basic dXNlcjpwYXNzd29yZA==', 'basic auth Basic [redacted]'],
      ['https://alice:hunter2@db.example.com/x', 'https://[redacted]@db.example.com/x'],
      ['git clone https://ghtoken@github.com/o/r', 'git clone https://[redacted]@github.com/o/r'],
      ['password=hunter2 user=bob', 'password=[redacted] user=bob'],
      ['DB_PASSWORD: "p a s s"', 'DB_PASSWORD: "[redacted]"'],
      ['{"api_key": "abc", "n": 1}', '{"api_key": "[redacted]", "n": 1}'],
      ["{'client_secret': 'xyz'}", "{'client_secret': '[redacted]'}"],
      ['?access_token=abc&page=2', '?access_token=[redacted]&page=2'],
      ['AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG', 'AWS_SECRET_ACCESS_KEY=[redacted]'],
      ['private_key: abc', 'private_key: [redacted]'],
      ['run --password hunter2 --verbose', 'run --password [redacted] --verbose'],
      ['aws id AKIAIOSFODNN7EXAMPLE here', 'aws id [redacted] here'],
      ['gh ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'gh [redacted]'],
      ['slack xoxb-123456789012-abcdefghij', 'slack [redacted]'],
      ['the token is 8f9a2b7c6d5e4f3a2b1c0d9e8f7a6b5c.', 'the token is [redacted].'],
      ['secret: Zx8Qw2Lm5Np1Rt7Vy3Ks9Hd', 'secret: [redacted]'],
    ];
    for (const [line, expected] of cases) {
      assert.equal(redactor().redactLine(line), expected, line);
    }
  });

  it('keeps ordinary log lines', () => {
    const lines = [
      'processing file: report.qmd',
      'primary key constraint_violation_on_table',
      'key findings: sales rose 4%',
      'output file: index.html (https://connect.example.com/content/1/)',
      'the token count is 5',
      'key aaaaaaaaaaaaaaaaaaaaaaaaaaaa repeated',
      'Output created: _site/index.html',
    ];
    for (const line of lines) {
      assert.equal(redactor().redactLine(line), line);
    }
  });

  it('applies the report patterns last', () => {
    const redact = redactor(['customer \\d+', 'Acme[A-Za-z]*']);
    assert.equal(redact.redactLine('customer 1234 of AcmeCorp'), `${REDACTED} of ${REDACTED}`);
    // The built-in rules run first, so a pattern cannot cut a secret and show its rest.
    const cutting = redactor([API_KEY.slice(0, 5)]);
    assert.equal(cutting.redactLine(`k=${API_KEY}`), `k=${REDACTED}`);
  });

  it('ignores empty pattern matches', () => {
    assert.equal(redactor(['x*']).redactLine('abc'), 'abc');
    assert.equal(redactor(['x*']).redactLine('axxb'), `a${REDACTED}b`);
  });

  it('rejects an invalid pattern', () => {
    assert.throws(() => redactor(['ok', '(unclosed']), /redact\[1\] is not a valid regular/);
  });

  it('hides a private key block', () => {
    const redactLine = redactor().createLineRedactor();
    const lines = [
      'loading key',
      '-----BEGIN RSA PRIVATE KEY-----',
      'MIIEowIBAAKCAQEA7',
      'Zm9vYmFy',
      '-----END RSA PRIVATE KEY-----',
      'key loaded',
    ];
    assert.deepEqual(lines.map(redactLine), [
      'loading key',
      '-----BEGIN RSA PRIVATE KEY-----',
      REDACTED,
      REDACTED,
      '-----END RSA PRIVATE KEY-----',
      'key loaded',
    ]);
  });

  it('redacts each line of a text', () => {
    const text = `Error in render:\r\npassword: hunter2\nwith ${API_KEY}`;
    assert.equal(
      redactor().redactText(text),
      `Error in render:\r\npassword: ${REDACTED}\nwith ${REDACTED}`,
    );
  });

  it('stays fast on long lines', () => {
    const line = `${'a'.repeat(200_000)} ${'b_'.repeat(100_000)}=1`;
    const started = performance.now();
    redactor(['customer \\d+']).redactLine(line);
    const elapsedMs = performance.now() - started;
    assert.ok(elapsedMs < 2000, `redacting a 400 kB line took ${Math.round(elapsedMs)} ms`);
  });
});
