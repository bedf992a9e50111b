import { addMessages } from '../message-registry.js';
import type { Messages } from '../messages.js';

// French typography puts a narrow no-break space (U+202F) before "?" and a no-break space
// (U+00A0) before ":" and inside guillemets.

/** French messages of `<connect-refresh-button>`. Importing this module adds them for `fr`. */
export const fr: Messages = {
  label: 'Actualiser les données',
  starting: 'Démarrage…',
  rendering: (elapsed) => `Génération en cours ${elapsed}`,
  renderingReport: (report) => `Génération de ${report}`,
  usually: (range) => `habituellement ${range}`,
  longerThanUsual: 'plus long que d’habitude',
  longerThanUsualValue: 'Plus long que d’habitude',
  timeLeft: (duration) => `Il reste environ ${duration}`,
  lessThanMinuteLeft: 'Moins d’une minute restante',
  shouldFinishSoon: 'Devrait bientôt se terminer',
  chunksStarted: (percent) => `${percent} des blocs lancés`,
  runningChunk: (step, total) => `Bloc ${step} sur ${total} en cours`,
  cellsRun: (done, total) => `${done} cellules exécutées sur ${total}`,
  refreshAgainIn: (remaining) => `Nouvelle actualisation possible dans ${remaining}`,
  notRenderedYet: 'Pas encore généré',
  lastRendered: (age) => `Dernière génération ${age}`,
  details: 'Détails',
  renderLog: 'Journal de génération',

  recentRenders: 'Générations récentes',
  recentRendersLoading: 'Chargement des générations récentes…',
  recentRendersEmpty: 'Aucune génération pour l’instant.',
  recentRendersFailed: 'Les générations récentes n’ont pas pu être chargées.',
  recentRendersRetry: 'Réessayer',
  renderStateRunning: 'En cours',
  renderStateSucceeded: 'Réussie',
  renderStateFailed: 'Échouée',
  renderStateUnknown: 'Résultat inconnu',
  renderStateCancelled: 'Annulée',
  renderTook: (duration) => `durée\u00A0: ${duration}`,
  renderStartedBy: (name) => `lancée par ${name}`,
  renderStartedAnonymously: 'lancée sans connexion',
  renderStartedElsewhere: 'lancée par une planification ou le tableau de bord Connect',

  confirmQuestion: (age) => `Mis à jour ${age}. Actualiser quand même\u202F?`,
  confirmRefresh: 'Actualiser quand même',
  confirmCancel: 'Annuler',

  cancelRender: 'Annuler la génération',
  cancelQuestion: 'Annuler cette génération\u202F? Le rapport garde sa dernière version.',
  cancelConfirm: 'Annuler la génération',
  cancelKeep: 'Poursuivre la génération',
  cancelling: 'Annulation…',
  cancelFailed: (reason) => `La génération n’a pas pu être annulée. ${reason}`,
  cancelForbidden: 'Vous n’êtes pas autorisé à annuler les générations de ce rapport. '
    + 'Demandez l’accès à l’administrateur du service d’actualisation.',

  refreshStarted: 'Actualisation lancée.',
  refreshJoined: 'Une actualisation était déjà en cours et le bouton la suit.',
  refreshRunning: 'Une actualisation est en cours.',
  refreshFinished: 'Actualisation terminée.',
  refreshReady: 'Le rapport peut de nouveau être actualisé.',
  refreshReconnected: 'Connexion rétablie. L’actualisation est toujours en cours.',
  refreshCancelled: (message) => `Actualisation annulée. ${message}`,
  refreshFailed: (message) => `Échec de l’actualisation. ${message}`,
  refreshUnavailable: (message) => `Actualisation indisponible. ${message}`,
  refreshOutcomeUnknown: (message) => `Résultat de l’actualisation inconnu. ${message}`,
  cooldownAnnouncement: (message, remaining) =>
    `${message} Nouvelle actualisation possible dans ${remaining}.`,

  renderFailed: 'La génération du rapport a échoué. Réessayez ou demandez au propriétaire du '
    + 'rapport de consulter le journal de génération.',
  renderUnknown: 'Le service d’actualisation a perdu cette génération, son résultat est donc '
    + 'inconnu. Vérifiez si le rapport a été mis à jour, ou actualisez de nouveau.',
  renderStuck: 'Cette génération dépasse sa durée maximale et est peut-être bloquée. Demandez au '
    + 'propriétaire du rapport de la vérifier.',
  renderUnreachable: 'Le service d’actualisation est injoignable pour le moment. La génération '
    + 'continue, et ce bouton se reconnecte de lui-même.',
  renderCancelled: 'Un propriétaire du rapport a annulé la génération. Le rapport garde sa '
    + 'dernière version.',
  unexpectedError: (reason) => `L’actualisation a échoué de façon inattendue\u00A0: ${reason}`,
  requestTimedOut: 'Le service d’actualisation n’a pas répondu à temps. Réessayez plus tard.',
  offline: 'Vous êtes hors ligne. Connectez-vous au réseau pour actualiser ce rapport.',
  serviceUnreachable: 'Le service d’actualisation est injoignable. Vérifiez votre connexion et '
    + 'réessayez plus tard.',
  tokenInvalid: 'Le jeton de connexion du bouton d’actualisation n’est pas valide. Rechargez la '
    + 'page et reconnectez-vous.',
  tokenUnavailable: 'Le bouton d’actualisation n’a pas pu obtenir de jeton de connexion. '
    + 'Rechargez la page et reconnectez-vous.',
  tokenTimedOut: 'Le bouton d’actualisation n’a pas obtenu de jeton de connexion à temps. '
    + 'Réessayez, ou rechargez la page et reconnectez-vous.',
  signInExpired: 'Votre session a expiré. Reconnectez-vous pour actualiser ce rapport.',
  signInRequired: 'Connectez-vous pour actualiser ce rapport.',
  unknownRender: 'Le service d’actualisation ne trouve pas cette génération, son résultat est '
    + 'donc inconnu. Actualisez de nouveau pour lancer une nouvelle génération.',
  unknownReport: (report) => 'Le service d’actualisation ne connaît aucun rapport nommé '
    + `«\u00A0${report}\u00A0». Vérifiez l’attribut report du bouton d’actualisation.`,
  unknownVariant: (variant, report) => 'Le service d’actualisation ne connaît aucune variante '
    + `«\u00A0${variant}\u00A0» du rapport «\u00A0${report}\u00A0». Vérifiez l’attribut variant `
    + 'du bouton d’actualisation.',
  cooldown: 'Ce rapport a été généré récemment.',
  rateLimited: 'Trop de requêtes ont été envoyées au service d’actualisation.',
  rateLimitedWithoutWait: 'Trop de demandes d’actualisation. Patientez une minute et réessayez.',
  connectForbidden: 'Le service d’actualisation n’est pas autorisé à générer ce rapport sur '
    + 'Connect. Demandez à l’administrateur du service d’actualisation de lui donner accès au '
    + 'rapport.',
  crossOriginHint: (gateway, page) => `Il se peut que la passerelle à l’adresse ${gateway} `
    + `n’accepte pas les requêtes provenant de ${page}. Dans ce cas, son administrateur doit `
    + `ajouter ${page} à cors.origins dans la configuration de la passerelle. Sinon, la `
    + 'passerelle est hors service ou injoignable.',
  originNotAllowed: (origin) => 'Le service d’actualisation n’accepte pas les requêtes provenant '
    + `de ${origin}. Demandez à son administrateur d’ajouter cette origine aux origines `
    + 'autorisées de la passerelle.',
  opaqueOrigin: 'cette page',
  forbidden: 'Vous n’êtes pas autorisé à actualiser ce rapport. Demandez l’accès à '
    + 'l’administrateur du service d’actualisation.',
  notRenderable: 'Ce rapport est mal configuré sur le service d’actualisation et ne peut donc pas '
    + 'être généré. Demandez à l’administrateur du service d’actualisation de corriger sa '
    + 'configuration.',
  connectError: 'Connect a renvoyé une erreur au service d’actualisation. Réessayez plus tard.',
  serverUnavailable: 'Le serveur de rapports est indisponible pour le moment. Réessayez plus tard.',
  unreadableResponse: (status) => 'Le service d’actualisation a envoyé une réponse illisible '
    + `(HTTP ${status}). Réessayez plus tard.`,
  requestRejected: (reason) => `Le service d’actualisation a refusé la requête\u00A0: ${reason}`,
};

addMessages('fr', fr);
