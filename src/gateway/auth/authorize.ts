import type { AccessList, ReportConfig } from '../config.js';
import { GatewayHttpError } from '../errors.js';
import { unauthenticated } from './authenticate.js';
import type { Identity } from './identity.js';

/** Action of a request on a report: start a render, or read its status or progress. */
export type ReportAction = 'refresh' | 'read';

/**
 * Checks that the identity may perform the action on the report. A report without a list for
 * the action admits every identity. Throws a GatewayHttpError: 401 `unauthenticated` for an
 * anonymous request to a report with a list, 403 `forbidden` for an identity not on it.
 * `credentialsHint` describes the accepted credentials, as Authenticator.credentialsHint does.
 */
export function authorize(
  identity: Identity,
  reportName: string,
  report: ReportConfig,
  action: ReportAction,
  credentialsHint: string,
): void {
  const list = action === 'refresh' ? report.refresh : report.read;
  if (list === null || isListed(identity, list)) {
    return;
  }
  if (identity.kind === 'anonymous') {
    throw unauthenticated(`Report ${reportName} needs ${credentialsHint} to ${action} it.`);
  }
  throw new GatewayHttpError(
    403,
    'forbidden',
    `${identity.label} is not allowed to ${action} report ${reportName}; ask the gateway's ` +
      'administrator for access.',
  );
}

/** True when the identity's user, one of its groups, or its token name is on the list. */
export function isListed(identity: Identity, list: AccessList): boolean {
  if (identity.user !== null && list.users.includes(identity.user)) {
    return true;
  }
  if (identity.token !== null && list.tokens.includes(identity.token)) {
    return true;
  }
  return identity.groups.some((group) => list.groups.includes(group));
}
