/**
 * Records every text a gateway under test sends out (response bodies, response headers, log
 * lines) and checks that no secret appears in any of them, also in encoded form.
 */
import assert from 'node:assert/strict';

/** Where a recorded text came from, for the failure message. */
export type LeakSource = 'response body' | 'response header' | 'log line';

export class LeakScan {
  private readonly texts: Array<{ source: LeakSource; text: string }> = [];

  record(source: LeakSource, text: string): void {
    this.texts.push({ source, text });
  }

  /** Records the body and every header of a response. */
  recordResponse(body: string, headers: Headers): void {
    this.record('response body', body);
    for (const [name, value] of headers) {
      this.record('response header', `${name}: ${value}`);
    }
  }

  /** Number of texts recorded so far. */
  get size(): number {
    return this.texts.length;
  }

  /**
   * Asserts that no recorded text contains any of the secrets, as is, URL-encoded, or in
   * base64, base64url or hex. `secrets` maps a name for the message to the value; `logLines`
   * are checked along with the recorded texts.
   */
  assertAbsent(secrets: Record<string, string>, logLines: readonly string[] = []): void {
    const texts = [
      ...this.texts,
      ...logLines.map((text) => ({ source: 'log line' as const, text })),
    ];
    for (const [name, secret] of Object.entries(secrets)) {
      assert.ok(secret.length >= 8, `the ${name} is too short to scan for`);
      for (const form of encodedForms(secret)) {
        for (const { source, text } of texts) {
          assert.ok(
            !text.includes(form),
            `a gateway ${source} contains the ${name}: ${excerpt(text, form)}`,
          );
        }
      }
    }
  }
}

function encodedForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = [
    secret,
    encodeURIComponent(secret),
    bytes.toString('base64').replace(/=+$/, ''),
    bytes.toString('base64url'),
    bytes.toString('hex'),
  ];
  return [...new Set(forms)];
}

/** Shows the text around the secret with the secret itself masked. */
function excerpt(text: string, secret: string): string {
  const at = text.indexOf(secret);
  const before = text.slice(Math.max(0, at - 60), at);
  const after = text.slice(at + secret.length, at + secret.length + 60);
  return `…${before}<secret>${after}…`;
}
