import type { GatewayErrorBody, GatewayErrorCode } from '../protocol/index.js';

/** Invalid gateway configuration: a config file, or the environment the gateway reads. */
export class GatewayConfigError extends Error {
  /** Each problem found, prefixed by the path of the value it concerns. */
  readonly problems: readonly string[];

  constructor(summary: string, problems: readonly string[] = []) {
    const details = problems.map((problem) => `\n  - ${problem}`).join('');
    super(`${summary}${details}`);
    this.name = 'GatewayConfigError';
    this.problems = problems;
  }
}

/** An error response of the gateway's HTTP protocol, with its status and error code. */
export class GatewayHttpError extends Error {
  readonly statusCode: number;
  readonly code: GatewayErrorCode;
  /** Extra response headers, such as `Allow` or `Retry-After`. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    statusCode: number,
    code: GatewayErrorCode,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GatewayHttpError';
    this.statusCode = statusCode;
    this.code = code;
    this.headers = headers;
  }

  toBody(): GatewayErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

export function invalidRequest(message: string): GatewayHttpError {
  return new GatewayHttpError(400, 'invalid_request', message);
}
