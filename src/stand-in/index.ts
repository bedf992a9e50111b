/**
 * A local stand-in for the part of the Posit Connect API that this package uses, with real
 * renders run as child processes.
 */
export { startStandIn, type StandIn, type StandInOptions } from './server.js';
export { loadStandInConfig } from './config-file.js';
export { parseStandInConfig } from './config.js';
export { StandInFaults } from './faults.js';
export { parseFaultSettings } from './fault-settings.js';
export { loadFaultSettings } from './faults-file.js';
export type {
  FaultErrorStatus,
  FaultScope,
  FaultSettings,
  FaultTiming,
  RequestFault,
  RequestFaultKind,
} from './fault-types.js';
export {
  StandInConfigError,
  type AccessType,
  type AppMode,
  type ContentRole,
  type StandInConfig,
  type StandInContent,
  type StandInUser,
  type UserRole,
} from './config-types.js';
