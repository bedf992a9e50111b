import type { Messages } from './messages.js';

/** The built-in English catalog, which fills in every message that no other catalog has. */
export const en: Messages = {
  label: 'Refresh data',
  starting: 'Starting…',
  rendering: (elapsed) => `Rendering ${elapsed}`,
  renderingReport: (report) => `Rendering ${report}`,
  usually: (range) => `usually ${range}`,
  longerThanUsual: 'taking longer than usual',
  longerThanUsualValue: 'Taking longer than usual',
  timeLeft: (duration) => `About ${duration} left`,
  lessThanMinuteLeft: 'Less than a minute left',
  shouldFinishSoon: 'Should finish soon',
  chunksStarted: (percent) => `${percent} of chunks started`,
  runningChunk: (step, total) => `Running chunk ${step} of ${total}`,
  cellsRun: (done, total) => `${done} of ${total} cells run`,
  refreshAgainIn: (remaining) => `Refresh again in ${remaining}`,
  notRenderedYet: 'Not rendered yet',
  lastRendered: (age) => `Last rendered ${age}`,
  details: 'Details',
  renderLog: 'Render log',

  recentRenders: 'Recent renders',
  recentRendersLoading: 'Loading recent renders…',
  recentRendersEmpty: 'No renders yet.',
  recentRendersFailed: 'The recent renders could not be loaded.',
  recentRendersRetry: 'Try again',
  renderStateRunning: 'Running',
  renderStateSucceeded: 'Succeeded',
  renderStateFailed: 'Failed',
  renderStateUnknown: 'Outcome unknown',
  renderStateCancelled: 'Cancelled',
  renderTook: (duration) => `took ${duration}`,
  renderStartedBy: (name) => `started by ${name}`,
  renderStartedAnonymously: 'started without sign-in',
  renderStartedElsewhere: 'started by a schedule or the Connect dashboard',

  confirmQuestion: (age) => `Updated ${age}. Refresh anyway?`,
  confirmRefresh: 'Refresh anyway',
  confirmCancel: 'Cancel',

  cancelRender: 'Cancel render',
  cancelQuestion: 'Cancel this render? The report keeps its last output.',
  cancelConfirm: 'Cancel render',
  cancelKeep: 'Keep rendering',
  cancelling: 'Cancelling…',
  cancelFailed: (reason) => `The render could not be cancelled. ${reason}`,
  cancelForbidden: 'You are not allowed to cancel renders of this report. Ask the administrator '
    + 'of the refresh service for access.',

  refreshStarted: 'Refresh started.',
  refreshJoined: 'Joined a refresh that was already running.',
  refreshRunning: 'A refresh is running.',
  refreshFinished: 'Refresh finished.',
  refreshReady: 'The report can be refreshed again.',
  refreshReconnected: 'Reconnected. The refresh is still running.',
  refreshCancelled: (message) => `Refresh cancelled. ${message}`,
  refreshFailed: (message) => `Refresh failed. ${message}`,
  refreshUnavailable: (message) => `Refresh unavailable. ${message}`,
  refreshOutcomeUnknown: (message) => `Refresh outcome unknown. ${message}`,
  cooldownAnnouncement: (message, remaining) => `${message} Refresh again in ${remaining}.`,

  renderFailed: 'The report failed while rendering. Try again, or ask the owner of the report to '
    + 'check its render log.',
  renderUnknown: 'The refresh service lost this render, so its outcome is unknown. Check whether '
    + 'the report was updated, or refresh again.',
  renderStuck: 'This render has run past its time limit and may be stuck. Ask the owner of the '
    + 'report to check it.',
  renderUnreachable: 'The refresh service cannot be reached right now. The render goes on, and '
    + 'this button reconnects by itself.',
  renderCancelled: 'A report owner cancelled the render. The report keeps its last output.',
  unexpectedError: (reason) => `The refresh failed unexpectedly: ${reason}`,
  requestTimedOut: 'The refresh service did not respond in time. Try again later.',
  offline: 'You are offline. Connect to the network to refresh this report.',
  serviceUnreachable:
    'The refresh service could not be reached. Check your connection and try again later.',
  tokenInvalid:
    'The sign-in token of the refresh button is not valid. Reload the page and sign in again.',
  tokenUnavailable:
    'The refresh button could not get a sign-in token. Reload the page and sign in again.',
  tokenTimedOut: 'The refresh button did not get a sign-in token in time. Try again, or reload '
    + 'the page and sign in again.',
  signInExpired: 'Your sign-in has expired. Sign in again to refresh this report.',
  signInRequired: 'Sign in to refresh this report.',
  unknownRender: 'The render could not be found on the refresh service, so its outcome is '
    + 'unknown. Refresh again to start a new render.',
  unknownReport: (report) => `The refresh service has no report named "${report}". Check the `
    + 'report attribute of the refresh button.',
  unknownVariant: (variant, report) => `The refresh service has no variant "${variant}" of the `
    + `report "${report}". Check the variant attribute of the refresh button.`,
  cooldown: 'This report was rendered recently.',
  rateLimited: 'Too many requests were sent to the refresh service.',
  rateLimitedWithoutWait: 'Too many refresh requests. Wait a minute and try again.',
  connectForbidden: 'The refresh service is not permitted to render this report on Connect. '
    + 'Ask the administrator of the refresh service to give it access to the report.',
  crossOriginHint: (gateway, page) => `The refresh gateway at ${gateway} may not allow requests `
    + `from ${page}. In that case, its administrator must add ${page} to cors.origins in the `
    + "gateway's config. Otherwise the gateway is down or cannot be reached.",
  originNotAllowed: (origin) => `The refresh service does not allow requests from ${origin}. `
    + 'Ask its administrator to add the origin to the allowed origins of the gateway.',
  opaqueOrigin: 'this page',
  forbidden: 'You are not allowed to refresh this report. Ask the administrator of the refresh '
    + 'service for access.',
  notRenderable: 'This report is set up wrong on the refresh service, so it cannot be rendered. '
    + 'Ask the administrator of the refresh service to correct it.',
  connectError: 'Connect returned an error to the refresh service. Try again later.',
  serverUnavailable: 'The report server is unavailable right now. Try again later.',
  unreadableResponse: (status) => 'The refresh service sent a response that could not be read '
    + `(HTTP ${status}). Try again later.`,
  requestRejected: (reason) => `The refresh service rejected the request: ${reason}`,
};
