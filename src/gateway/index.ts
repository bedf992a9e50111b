/** The refresh gateway: renders the configured Connect reports on behalf of the browser. */
export {
  loadGatewayConfig,
  parseGatewayConfig,
  REPORT_NAME_PATTERN,
  type AccessList,
  type AuthConfig,
  type BearerTokenConfig,
  type CorsConfig,
  type GatewayConfig,
  type JwtConfig,
  type ProxyConfig,
  type RateLimitConfig,
  type ReportConfig,
} from './config.js';
export type { Identity, IdentityKind } from './auth/identity.js';
export { VARIANT_KEY_PATTERN } from './config-schema.js';
export { readConnectEnv, type ConnectEnv } from './env.js';
export { GatewayConfigError, GatewayHttpError } from './errors.js';
export {
  buildGateway,
  checkListenAddress,
  DEFAULT_HOST,
  DEFAULT_PORT,
  startGateway,
  type GatewayOptions,
} from './gateway.js';
