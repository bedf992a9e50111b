import { ConnectClient } from '../connect/index.js';
import {
  GatewayConfigError,
  readConnectEnv,
  REPORT_NAME_PATTERN,
  VARIANT_KEY_PATTERN,
} from '../gateway/index.js';
import { Redactor } from '../gateway/redaction.js';
import { ConnectSource } from './connect-source.js';
import { CommandError, ExitCode } from './exit-codes.js';
import { GatewayRequester, parseGatewayUrl, TOKEN_ENV } from './gateway-requests.js';
import { GatewaySource } from './gateway-source.js';
import type { RenderSource } from './render-source.js';

/** Pause between job list reads while following a render job started elsewhere, in ms. */
const JOB_POLL_MS = 2_000;

const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Visible ASCII without spaces: what an HTTP header value can carry unchanged. */
const HEADER_TOKEN = /^[\x21-\x7e]+$/;

/** The options that `render` and `status` share for choosing Connect or a gateway. */
export const sourceUsage = `  --gateway URL     talk to this refresh gateway instead of Connect; <report> is then
                    one of the gateway's report names
  --variant KEY     with --gateway, the variant of the report to render or read, one of
                    those the gateway allows for it (default: the report's own variant)`;

export const sourceEnvironment = `Environment:
  CONNECT_SERVER         Connect's address, e.g. https://connect.example.com; read
                         without --gateway
  CONNECT_API_KEY        API key of a Connect user with collaborator rights on the
                         content; read without --gateway
  ${TOKEN_ENV}  bearer token sent to the gateway (with --gateway; optional when
                         the gateway admits anonymous requests)`;

/**
 * Builds the source for `target`: a gateway report when `gateway` is set, else a Connect
 * content GUID with the server and key from `env`. Rejects invalid settings with a
 * CommandError of exit status 2, whose message never contains the key or token.
 */
export function createSource(
  target: string,
  gateway: string | undefined,
  env: NodeJS.ProcessEnv,
  variant?: string,
): RenderSource {
  if (variant !== undefined && !VARIANT_KEY_PATTERN.test(variant)) {
    throw new CommandError(
      'Invalid --variant: expected a variant key of 1 to 64 letters, digits, "_" or "-".',
      ExitCode.usage,
    );
  }
  if (gateway !== undefined) {
    const baseUrl = parseGatewayUrl(gateway);
    if (!REPORT_NAME_PATTERN.test(target)) {
      throw new CommandError(`"${target}" is not a gateway report name (letters, digits, "-" and "_", ` +
        'at most 64 characters).', ExitCode.usage);
    }
    const token = env[TOKEN_ENV]?.trim() || undefined;
    if (token !== undefined && !HEADER_TOKEN.test(token)) {
      throw new CommandError(`${TOKEN_ENV} contains whitespace or control characters; copy the token again.`,
        ExitCode.usage);
    }
    const redactor = new Redactor({ secrets: token === undefined ? [] : [token], patterns: [] });
    return new GatewaySource(new GatewayRequester(baseUrl, token), target, redactor, variant ?? null);
  }

  if (variant !== undefined) {
    throw new CommandError("--variant requires --gateway, because the gateway's config lists the variants that a " +
      'report may render. Pass --gateway URL, or leave --variant out to render the default variant.',
      ExitCode.usage);
  }
  if (!GUID_PATTERN.test(target)) {
    throw new CommandError(`"${target}" is not a content GUID. Without --gateway the command takes ` +
      'the GUID of a Connect report; pass --gateway URL to use a gateway report name.', ExitCode.usage);
  }
  let connect;
  try {
    connect = readConnectEnv(env);
  } catch (error) {
    if (error instanceof GatewayConfigError) {
      throw new CommandError(error.message, ExitCode.usage);
    }
    throw error;
  }
  const client = new ConnectClient({ server: connect.server, apiKey: connect.apiKey });
  // The same rules as the gateway's, so that direct mode shows no more of the log than a gateway.
  const redactor = new Redactor({ secrets: [connect.apiKey], patterns: [] });
  return new ConnectSource({ client, guid: target.toLowerCase(), jobPollMs: JOB_POLL_MS, redactor });
}
