/**
 * Finds secrets in text the gateway sent out: whole, URL-encoded, in base64, base64url or
 * hex, and for long secrets also their first or last 20 characters, because a clipped secret
 * in a message still gives most of it away.
 */

/** Characters of a long secret's start or end that count as a leak on their own. */
const PART_LENGTH = 20;

export interface SecretFound {
  name: string;
  /** The text around the secret, with the secret masked. */
  excerpt: string;
}

export class SecretScanner {
  private readonly forms: Array<{ name: string; form: string }> = [];

  /** `secrets` maps a name for messages to each secret value, at least 16 characters long. */
  constructor(secrets: Record<string, string>) {
    for (const [name, secret] of Object.entries(secrets)) {
      if (secret.length < 16) {
        throw new Error(`The ${name} is too short to scan for: ${secret.length} characters.`);
      }
      const bytes = Buffer.from(secret, 'utf8');
      const forms = new Set([
        secret,
        encodeURIComponent(secret),
        bytes.toString('base64').replace(/=+$/, ''),
        bytes.toString('base64url'),
        bytes.toString('hex'),
      ]);
      if (secret.length >= 2 * PART_LENGTH) {
        forms.add(secret.slice(0, PART_LENGTH));
        forms.add(secret.slice(-PART_LENGTH));
      }
      for (const form of forms) {
        this.forms.push({ name, form });
      }
    }
  }

  /** Returns the first secret found in `text`, or undefined. */
  find(text: string): SecretFound | undefined {
    for (const { name, form } of this.forms) {
      const at = text.indexOf(form);
      if (at !== -1) {
        const before = text.slice(Math.max(0, at - 80), at);
        const after = text.slice(at + form.length, at + form.length + 80);
        return { name, excerpt: JSON.stringify(`${before}<${name}>${after}`) };
      }
    }
    return undefined;
  }

  /** Replaces every form of every secret in `text` with its name in angle brackets. */
  mask(text: string): string {
    let masked = text;
    for (const { name, form } of this.forms) {
      masked = masked.replaceAll(form, `<${name}>`);
    }
    return masked;
  }
}
