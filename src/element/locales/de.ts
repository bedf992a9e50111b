import { addMessages } from '../message-registry.js';
import type { Messages } from '../messages.js';

/** German messages of `<connect-refresh-button>`. Importing this module adds them for `de`. */
export const de: Messages = {
  label: 'Daten aktualisieren',
  starting: 'Wird gestartet…',
  rendering: (elapsed) => `Rendern läuft ${elapsed}`,
  renderingReport: (report) => `${report} wird gerendert`,
  usually: (range) => `meist ${range}`,
  longerThanUsual: 'dauert länger als üblich',
  longerThanUsualValue: 'Dauert länger als üblich',
  timeLeft: (duration) => `Noch etwa ${duration}`,
  lessThanMinuteLeft: 'Noch weniger als eine Minute',
  shouldFinishSoon: 'Sollte bald fertig sein',
  chunksStarted: (percent) => `${percent} der Chunks gestartet`,
  runningChunk: (step, total) => `Chunk ${step} von ${total} läuft`,
  cellsRun: (done, total) => `${done} von ${total} Zellen ausgeführt`,
  refreshAgainIn: (remaining) => `Erneut aktualisieren in ${remaining}`,
  notRenderedYet: 'Noch nicht gerendert',
  lastRendered: (age) => `Zuletzt gerendert ${age}`,
  details: 'Details',
  renderLog: 'Render-Protokoll',

  recentRenders: 'Letzte Render-Vorgänge',
  recentRendersLoading: 'Letzte Render-Vorgänge werden geladen…',
  recentRendersEmpty: 'Noch keine Render-Vorgänge.',
  recentRendersFailed: 'Die letzten Render-Vorgänge konnten nicht geladen werden.',
  recentRendersRetry: 'Erneut versuchen',
  renderStateRunning: 'Läuft',
  renderStateSucceeded: 'Erfolgreich',
  renderStateFailed: 'Fehlgeschlagen',
  renderStateUnknown: 'Ergebnis unbekannt',
  renderStateCancelled: 'Abgebrochen',
  renderTook: (duration) => `Dauer ${duration}`,
  renderStartedBy: (name) => `gestartet von ${name}`,
  renderStartedAnonymously: 'ohne Anmeldung gestartet',
  renderStartedElsewhere: 'gestartet von einem Zeitplan oder im Connect-Dashboard',

  confirmQuestion: (age) => `Aktualisiert ${age}. Trotzdem aktualisieren?`,
  confirmRefresh: 'Trotzdem aktualisieren',
  confirmCancel: 'Abbrechen',

  cancelRender: 'Rendern abbrechen',
  cancelQuestion: 'Diesen Render-Vorgang abbrechen? Der Bericht behält seine letzte Ausgabe.',
  cancelConfirm: 'Rendern abbrechen',
  cancelKeep: 'Weiter rendern',
  cancelling: 'Wird abgebrochen…',
  cancelFailed: (reason) => `Der Render-Vorgang konnte nicht abgebrochen werden. ${reason}`,
  cancelForbidden: 'Sie dürfen Render-Vorgänge dieses Berichts nicht abbrechen. Bitten Sie die '
    + 'Administration des Aktualisierungsdienstes um Zugriff.',

  refreshStarted: 'Aktualisierung gestartet.',
  refreshJoined: 'Einer bereits laufenden Aktualisierung angeschlossen.',
  refreshRunning: 'Eine Aktualisierung läuft.',
  refreshFinished: 'Aktualisierung abgeschlossen.',
  refreshReady: 'Der Bericht kann wieder aktualisiert werden.',
  refreshReconnected: 'Wieder verbunden. Die Aktualisierung läuft noch.',
  refreshCancelled: (message) => `Aktualisierung abgebrochen. ${message}`,
  refreshFailed: (message) => `Aktualisierung fehlgeschlagen. ${message}`,
  refreshUnavailable: (message) => `Aktualisierung nicht möglich. ${message}`,
  refreshOutcomeUnknown: (message) => `Ergebnis der Aktualisierung unbekannt. ${message}`,
  cooldownAnnouncement: (message, remaining) => `${message} Erneut aktualisieren in ${remaining}.`,

  renderFailed: 'Beim Rendern des Berichts ist ein Fehler aufgetreten. Versuchen Sie es erneut, '
    + 'oder bitten Sie die für den Bericht verantwortliche Person, das Render-Protokoll zu prüfen.',
  renderUnknown: 'Der Aktualisierungsdienst hat diesen Render-Vorgang verloren, daher ist sein '
    + 'Ergebnis unbekannt. Prüfen Sie, ob der Bericht aktualisiert wurde, oder aktualisieren Sie '
    + 'erneut.',
  renderStuck: 'Dieser Render-Vorgang läuft länger als erlaubt und hängt möglicherweise. Bitten '
    + 'Sie die für den Bericht verantwortliche Person, ihn zu prüfen.',
  renderUnreachable: 'Der Aktualisierungsdienst ist gerade nicht erreichbar. Der Render-Vorgang '
    + 'läuft weiter, und die Schaltfläche verbindet sich von selbst wieder.',
  renderCancelled: 'Eine für den Bericht verantwortliche Person hat den Render-Vorgang '
    + 'abgebrochen. Der Bericht behält seine letzte Ausgabe.',
  unexpectedError: (reason) => `Die Aktualisierung ist unerwartet fehlgeschlagen: ${reason}`,
  requestTimedOut: 'Der Aktualisierungsdienst hat nicht rechtzeitig geantwortet. Versuchen Sie '
    + 'es später erneut.',
  offline: 'Sie sind offline. Stellen Sie eine Netzwerkverbindung her, um diesen Bericht zu aktualisieren.',
  serviceUnreachable: 'Der Aktualisierungsdienst ist nicht erreichbar. Prüfen Sie Ihre '
    + 'Verbindung und versuchen Sie es später erneut.',
  tokenInvalid: 'Das Anmeldetoken der Aktualisierungsschaltfläche ist ungültig. Laden Sie die '
    + 'Seite neu und melden Sie sich erneut an.',
  tokenUnavailable: 'Die Aktualisierungsschaltfläche konnte kein Anmeldetoken abrufen. Laden Sie '
    + 'die Seite neu und melden Sie sich erneut an.',
  tokenTimedOut: 'Die Aktualisierungsschaltfläche hat nicht rechtzeitig ein Anmeldetoken '
    + 'erhalten. Versuchen Sie es erneut, oder laden Sie die Seite neu und melden Sie sich '
    + 'erneut an.',
  signInExpired: 'Ihre Anmeldung ist abgelaufen. Melden Sie sich erneut an, um diesen Bericht zu '
    + 'aktualisieren.',
  signInRequired: 'Melden Sie sich an, um diesen Bericht zu aktualisieren.',
  unknownRender: 'Der Render-Vorgang ist dem Aktualisierungsdienst nicht bekannt, daher ist sein '
    + 'Ergebnis unbekannt. Aktualisieren Sie erneut, um einen neuen Render-Vorgang zu starten.',
  unknownReport: (report) => `Der Aktualisierungsdienst kennt keinen Bericht namens „${report}“. `
    + 'Prüfen Sie das Attribut report der Aktualisierungsschaltfläche.',
  unknownVariant: (variant, report) => 'Der Aktualisierungsdienst kennt keine Variante '
    + `„${variant}“ des Berichts „${report}“. Prüfen Sie das Attribut variant der `
    + 'Aktualisierungsschaltfläche.',
  cooldown: 'Dieser Bericht wurde vor Kurzem gerendert.',
  rateLimited: 'Es wurden zu viele Anfragen an den Aktualisierungsdienst gesendet.',
  rateLimitedWithoutWait: 'Zu viele Aktualisierungsanfragen. Warten Sie eine Minute und '
    + 'versuchen Sie es erneut.',
  connectForbidden: 'Der Aktualisierungsdienst darf diesen Bericht auf Connect nicht rendern. '
    + 'Bitten Sie die Administration des Aktualisierungsdienstes, ihm Zugriff auf den Bericht zu '
    + 'geben.',
  crossOriginHint: (gateway, page) => `Das Gateway unter ${gateway} lässt Anfragen von ${page} `
    + `möglicherweise nicht zu. Dann muss die Administration des Gateways ${page} in dessen `
    + 'Konfiguration unter cors.origins eintragen. Andernfalls ist das Gateway ausgefallen oder '
    + 'nicht erreichbar.',
  originNotAllowed: (origin) => `Der Aktualisierungsdienst lässt keine Anfragen von ${origin} `
    + 'zu. Bitten Sie die Administration, den Ursprung zu den erlaubten Ursprüngen des Gateways '
    + 'hinzuzufügen.',
  opaqueOrigin: 'dieser Seite',
  forbidden: 'Sie dürfen diesen Bericht nicht aktualisieren. Bitten Sie die Administration des '
    + 'Aktualisierungsdienstes um Zugriff.',
  notRenderable: 'Dieser Bericht ist im Aktualisierungsdienst falsch eingerichtet und kann daher '
    + 'nicht gerendert werden. Bitten Sie die Administration des Aktualisierungsdienstes, die '
    + 'Einrichtung zu korrigieren.',
  connectError: 'Connect hat dem Aktualisierungsdienst einen Fehler gemeldet. Versuchen Sie es '
    + 'später erneut.',
  serverUnavailable: 'Der Berichtsserver ist gerade nicht verfügbar. Versuchen Sie es später '
    + 'erneut.',
  unreadableResponse: (status) => 'Der Aktualisierungsdienst hat eine Antwort gesendet, die nicht '
    + `gelesen werden konnte (HTTP ${status}). Versuchen Sie es später erneut.`,
  requestRejected: (reason) => `Der Aktualisierungsdienst hat die Anfrage abgelehnt: ${reason}`,
};

addMessages('de', de);
