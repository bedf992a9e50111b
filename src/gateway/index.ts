/** The refresh gateway: renders the configured Connect reports on behalf of the browser. */
export {
  loadGatewayConfig,
  parseGatewayConfig,
  REPORT_NAME_PATTERN,
  type GatewayConfig,
  type ReportConfig,
} from './config.js';
export { readConnectEnv, type ConnectEnv } from './env.js';
export { GatewayConfigError, GatewayHttpError } from './errors.js';
export {
  buildGateway,
  DEFAULT_HOST,
  DEFAULT_PORT,
  startGateway,
  type GatewayOptions,
} from './gateway.js';
