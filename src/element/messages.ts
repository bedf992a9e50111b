/**
 * The element's own text, as one catalog per language. Messages with values are functions of
 * them. A message whose value the element wraps in markup, such as the `<time>` of `lastRendered`,
 * must contain the value once; see splitMessage.
 */
export interface Messages {
  /** Text of the button when the `label` attribute is empty and the slot has no content. */
  label: string;
  /** Shown while the refresh request is on its way to the gateway. */
  starting: string;
  /** Shown while a render runs, with its elapsed time as m:ss. */
  rendering: (elapsed: string) => string;
  /** Accessible name of the progress bar, with the report's title or name. */
  renderingReport: (report: string) => string;
  /** Typical duration of a render, with a range such as "2–4 min" that Intl formatted. */
  usually: (range: string) => string;
  /** Shown once a render has run past its typical range. */
  longerThanUsual: string;
  /** Accessible value of the progress bar once a render has run past its typical range. */
  longerThanUsualValue: string;
  /** Accessible value of the progress bar, with a duration such as "2 minutes". */
  timeLeft: (duration: string) => string;
  /** Accessible value of the progress bar when under a minute is left by the estimate. */
  lessThanMinuteLeft: string;
  /** Accessible value of the progress bar once a render has run past the median duration. */
  shouldFinishSoon: string;
  /** Accessible value of the progress bar from knitr's bar, with a percentage such as "40%". */
  chunksStarted: (percent: string) => string;
  /** Accessible value of the progress bar from knitr's chunk counter. */
  runningChunk: (step: number, total: number) => string;
  /** Accessible value of the progress bar from Quarto's Jupyter cells. */
  cellsRun: (done: number, total: number) => string;
  /** Time left of a cooldown, as m:ss or h:mm:ss. */
  refreshAgainIn: (remaining: string) => string;
  /** Shown when Connect has never rendered the report. */
  notRenderedYet: string;
  /** Last render time, with a relative age from Intl.RelativeTimeFormat, such as "5 minutes ago". */
  lastRendered: (age: string) => string;
  /** Summary of the closed block with the gateway's own words about a failure. */
  details: string;
  /** Summary and accessible name of the render log. */
  renderLog: string;

  /** Summary of the disclosure with the report's recent renders, and the name of their list. */
  recentRenders: string;
  /** Shown while the recent renders load. */
  recentRendersLoading: string;
  /** Shown when the gateway lists no render of the report. */
  recentRendersEmpty: string;
  /** Shown when the recent renders could not be loaded. */
  recentRendersFailed: string;
  /** Button that loads the recent renders again after a failure. */
  recentRendersRetry: string;
  /** Outcome of a listed render that is still running. */
  renderStateRunning: string;
  /** Outcome of a listed render that succeeded. */
  renderStateSucceeded: string;
  /** Outcome of a listed render that failed. */
  renderStateFailed: string;
  /** A recent render whose outcome the gateway lost. */
  renderStateUnknown: string;
  /** A recent render that a report owner cancelled. */
  renderStateCancelled: string;
  /** Duration of a listed render, such as "41 sec" or "3 min" that Intl formatted. */
  renderTook: (duration: string) => string;
  /** Starter of a listed render that the refresh service started: a user or token name. */
  renderStartedBy: (name: string) => string;
  /** Starter of a listed render that the refresh service started for a request without sign-in. */
  renderStartedAnonymously: string;
  /** Starter of a listed render that the refresh service did not start. */
  renderStartedElsewhere: string;

  /** Question asked in confirm mode, with the age of the last render. */
  confirmQuestion: (age: string) => string;
  /** Button of the question that starts the refresh. */
  confirmRefresh: string;
  /** Button of the question that closes it without a refresh. */
  confirmCancel: string;

  /** Button shown while a render runs, for a person whom the gateway lets cancel it. */
  cancelRender: string;
  /** Question asked before a render is cancelled. */
  cancelQuestion: string;
  /** Button of that question that cancels the render. */
  cancelConfirm: string;
  /** Button of that question that closes it and lets the render go on. */
  cancelKeep: string;
  /** Shown in place of the cancel button from the cancel request until the render ends. */
  cancelling: string;
  /** Shown when a request to cancel failed, with one of the failure messages below. */
  cancelFailed: (reason: string) => string;
  /** HTTP 403 `forbidden` in response to a request to cancel. */
  cancelForbidden: string;

  /** Announced when the element started a render. */
  refreshStarted: string;
  /** Announced when the gateway joined the request to a render that was already running. */
  refreshJoined: string;
  /** Announced when the element found a render running and follows it. */
  refreshRunning: string;
  /** Announced when the followed render succeeded. */
  refreshFinished: string;
  /** Announced when a cooldown or an outage is over. */
  refreshReady: string;
  /** Announced when the gateway responds again about a render that is still running. */
  refreshReconnected: string;
  /** Announced in the cancelled status, with its message. */
  refreshCancelled: (message: string) => string;
  /** Announced in the failed status, with one of the failure messages below. */
  refreshFailed: (message: string) => string;
  /** Announced in the unavailable status, with one of the failure messages below. */
  refreshUnavailable: (message: string) => string;
  /** Announced in the unknown status, with the `renderUnknown` message. */
  refreshOutcomeUnknown: (message: string) => string;
  /** Announced when a cooldown begins, with its message and the wait as m:ss. */
  cooldownAnnouncement: (message: string, remaining: string) => string;

  /** The followed render failed on Connect. */
  renderFailed: string;
  /** The gateway lost the followed render, so its outcome is unknown (the unknown status). */
  renderUnknown: string;
  /** Shown and announced while the followed render runs past the report's maximum duration. */
  renderStuck: string;
  /** The gateway cannot be reached, or responds with a 5xx, while a render is followed. */
  renderUnreachable: string;
  /** A report owner cancelled the followed render. */
  renderCancelled: string;
  /** An error that points at a bug in the element, with the error's own message. */
  unexpectedError: (reason: string) => string;
  /** A request to the gateway timed out. */
  requestTimedOut: string;
  /** The browser reports that it has no network connection. */
  offline: string;
  /** A request to the gateway got no HTTP response. */
  serviceUnreachable: string;
  /** The `token` or the token from `tokenProvider` cannot be sent in a header. */
  tokenInvalid: string;
  /** The `tokenProvider` is missing or failed. */
  tokenUnavailable: string;
  /** The `tokenProvider` did not settle in time. */
  tokenTimedOut: string;
  /** HTTP 401 `token_expired`. */
  signInExpired: string;
  /** HTTP 401 other than `token_expired`. */
  signInRequired: string;
  /** HTTP 404 `unknown_render`. */
  unknownRender: string;
  /** HTTP 404 `unknown_report`, with the `report` attribute. */
  unknownReport: (report: string) => string;
  /** HTTP 404 `unknown_variant`, with the `variant` and `report` attributes. */
  unknownVariant: (variant: string, report: string) => string;
  /** HTTP 429 `cooldown`. */
  cooldown: string;
  /** HTTP 429 other than `cooldown`, with `Retry-After`. */
  rateLimited: string;
  /** HTTP 429 other than `cooldown`, without `Retry-After` and without a gateway message. */
  rateLimitedWithoutWait: string;
  /** HTTP 403 `connect_forbidden`. */
  connectForbidden: string;
  /**
   * Detail of a network error on a request to another origin, with the gateway's origin and the
   * page's. It explains that the gateway may not allow the page's origin, or may be down.
   */
  crossOriginHint: (gateway: string, page: string) => string;
  /** HTTP 403 `origin_not_allowed`, with the page's origin or the `opaqueOrigin` message. */
  originNotAllowed: (origin: string) => string;
  /** Name of a page whose origin is opaque, such as a sandboxed frame. */
  opaqueOrigin: string;
  /** HTTP 403 `forbidden`, and any other 403. */
  forbidden: string;
  /** HTTP 502 `not_renderable`. */
  notRenderable: string;
  /** HTTP 502 `connect_error`. */
  connectError: string;
  /** Any other HTTP 5xx. */
  serverUnavailable: string;
  /** A response that is not the JSON the protocol defines, with its HTTP status. */
  unreadableResponse: (status: number) => string;
  /** Any other HTTP error, with the gateway's message or "HTTP <status>". */
  requestRejected: (reason: string) => string;
}

/** A message not yet put into words: the element calls it with its language's catalog. */
export type Text = (messages: Messages) => string;

/** Keys of the messages without values. */
export type PlainMessageKey = {
  [K in keyof Messages]: Messages[K] extends string ? K : never;
}[keyof Messages];

/** Returns the Text of a message without values. */
export function plain(key: PlainMessageKey): Text {
  return (messages) => messages[key];
}

/** Returns the Text of words shown as they are in every language, such as the gateway's, or null. */
export function verbatim(text: string | null): Text | null {
  return text ? () => text : null;
}

/** A character from Unicode's private use area, which no message contains by itself. */
const VALUE_MARKER = '\uE000';

/**
 * Splits a message with one value into the text before and after the value, so that the element
 * can wrap the value in markup. A message that leaves the value out gets it at its end.
 */
export function splitMessage(format: (value: string) => string): [string, string] {
  const text = format(VALUE_MARKER);
  const at = text.indexOf(VALUE_MARKER);

  if (at < 0) {
    return [`${text} `, ''];
  }

  return [text.slice(0, at), text.slice(at + VALUE_MARKER.length).replaceAll(VALUE_MARKER, '')];
}
