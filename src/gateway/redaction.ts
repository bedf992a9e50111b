/**
 * Redaction of render log lines and failure reasons before the gateway exposes them. It is a
 * best effort: it removes the gateway's own secrets wherever they appear, and credentials in
 * the usual notations, but it cannot recognize every secret a report prints.
 */

/** Text that replaces each redacted part. */
export const REDACTED = '[redacted]';

export interface RedactionOptions {
  /** Exact values to remove wherever they appear, such as the Connect API key. */
  secrets: readonly string[];
  /**
   * Regular expression sources from the report's `redact` setting, compiled with the `g`
   * flag and applied to each line after the built-in rules.
   */
  patterns: readonly string[];
}

/** Minimum length of a token that the entropy rule considers. */
const MIN_TOKEN_LENGTH = 20;
/** Shannon entropy, in bits per character, from which a token counts as random. */
const MIN_TOKEN_ENTROPY = 3.5;

/** Key names whose values are secrets: `password=…`, `"api_key": "…"`, `--token …`. */
const SECRET_KEY =
  /passw(?:or)?d|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|authorization|cookie|session[_-]?id/i;

/** Built-in rules, applied in order. `replace` gets the match and its groups. */
const RULES: ReadonlyArray<{ pattern: RegExp; replace: (match: string, ...groups: string[]) => string }> = [
  // URL user info, as in https://user:password@host or https://token@host.
  { pattern: /\/\/[^\s/?#@]+@/g, replace: () => `//${REDACTED}@` },
  // HTTP credentials: Authorization header values with their scheme.
  {
    pattern: /\b(Bearer|Basic)(\s+)[A-Za-z0-9._~+/-]{8,}=*/gi,
    replace: (_match, scheme, space) => `${scheme}${space}${REDACTED}`,
  },
  // Connect's `Key <api key>` scheme; the word "key" is common, so only random tokens count.
  {
    pattern: /\b(Key)(\s+)([A-Za-z0-9._~+/-]{20,}=*)/g,
    replace: (match, scheme, space, token) =>
      isRandomToken(token) ? `${scheme}${space}${REDACTED}` : match,
  },
  // key=value, key: value and JSON pairs whose key names a secret. The lookbehind makes each
  // key start at a word boundary, which keeps the scan linear on long identifiers.
  {
    pattern: /(?<![\w.-])([\w.-]+)(["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s"'&,;]+)/g,
    replace: (match, key, separator, value) =>
      SECRET_KEY.test(key) ? `${key}${separator}${quoted(value)}` : match,
  },
  // Command line options: --password value.
  {
    pattern: /(?<![\w-])(--?[\w-]+)(\s+)([^\s-][^\s]*)/g,
    replace: (match, option, space) =>
      SECRET_KEY.test(option) ? `${option}${space}${REDACTED}` : match,
  },
  // AWS access key ids.
  {
    pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}\b/g,
    replace: () => REDACTED,
  },
  // Tokens with a well-known prefix: GitHub, Slack, and JSON Web Tokens.
  {
    pattern:
      /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|eyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]*)/g,
    replace: () => REDACTED,
  },
  // A long random-looking token shortly after a word that names a secret: "token is 8f…".
  {
    pattern:
      /\b(passw(?:or)?d|passphrase|secret|token|key|credential)(s?[^A-Za-z0-9\r\n]{1,3}(?:(?:is|was|of|for)[^A-Za-z0-9\r\n]{1,3})?)([A-Za-z0-9+/_~-]{20,}=*)/gi,
    replace: (match, word, gap, token) =>
      isRandomToken(token) ? `${word}${gap}${REDACTED}` : match,
  },
];

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const PEM_END = /-----END [A-Z0-9 ]*PRIVATE KEY-----/;

/**
 * Redacts text for one report. Construct it once per report; it throws a SyntaxError that
 * names the pattern when a `redact` source is not a valid regular expression.
 */
export class Redactor {
  private readonly secrets: RegExp | null;
  private readonly patterns: RegExp[];

  constructor(options: RedactionOptions) {
    this.secrets = secretsPattern(options.secrets);
    this.patterns = options.patterns.map((source, index) => {
      try {
        return new RegExp(source, 'g');
      } catch (error) {
        throw new SyntaxError(
          `redact[${index}] is not a valid regular expression: ${(error as Error).message}`,
          { cause: error },
        );
      }
    });
  }

  /** Redacts one line. A private key block spanning lines needs `createLineRedactor`. */
  redactLine(line: string): string {
    let text = this.secrets === null ? line : line.replace(this.secrets, REDACTED);
    for (const rule of RULES) {
      text = text.replace(rule.pattern, rule.replace as (match: string) => string);
    }
    for (const pattern of this.patterns) {
      // An empty match stays empty, so a pattern such as `x*` does not fill the line.
      text = text.replace(pattern, (match) => (match === '' ? '' : REDACTED));
    }
    return text;
  }

  /**
   * Returns a function that redacts the lines of one log in order. Besides `redactLine`, it
   * replaces the body of a PEM private key block, which spans several lines.
   */
  createLineRedactor(): (line: string) => string {
    let inPrivateKey = false;
    return (line) => {
      if (inPrivateKey) {
        if (PEM_END.test(line)) {
          inPrivateKey = false;
          return this.redactLine(line);
        }
        return REDACTED;
      }
      if (PEM_BEGIN.test(line) && !PEM_END.test(line)) {
        inPrivateKey = true;
      }
      return this.redactLine(line);
    };
  }

  /** Redacts a text of several lines, such as Connect's error text of a failed render. */
  redactText(text: string): string {
    const redactLine = this.createLineRedactor();
    return text.split(/(\r?\n)/).map((part, index) => (index % 2 === 0 ? redactLine(part) : part))
      .join('');
  }
}

/** Builds one pattern that matches any of the secrets, longest first, plain or URL-encoded. */
function secretsPattern(secrets: readonly string[]): RegExp | null {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret !== '') {
      forms.add(secret);
      forms.add(encodeURIComponent(secret));
    }
  }
  if (forms.size === 0) {
    return null;
  }
  const sources = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return new RegExp(sources.join('|'), 'g');
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** Keeps the quotes of a quoted value, so redacted JSON stays JSON. */
function quoted(value: string): string {
  const quote = value[0];
  return quote === '"' || quote === "'" ? `${quote}${REDACTED}${quote}` : REDACTED;
}

/** True for a token of at least 20 characters whose characters look random. */
function isRandomToken(token: string): boolean {
  return token.length >= MIN_TOKEN_LENGTH && shannonEntropy(token) >= MIN_TOKEN_ENTROPY;
}

function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const character of text) {
    counts.set(character, (counts.get(character) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of counts.values()) {
    const share = count / text.length;
    bits -= share * Math.log2(share);
  }
  return bits;
}
