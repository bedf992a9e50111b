import { addMessages } from '../message-registry.js';
import type { Messages } from '../messages.js';

/** Spanish messages of `<connect-refresh-button>`. Importing this module adds them for `es`. */
export const es: Messages = {
  label: 'Actualizar datos',
  starting: 'Iniciando…',
  rendering: (elapsed) => `Generando ${elapsed}`,
  renderingReport: (report) => `Generando ${report}`,
  usually: (range) => `normalmente ${range}`,
  longerThanUsual: 'tarda más de lo habitual',
  longerThanUsualValue: 'Tarda más de lo habitual',
  timeLeft: (duration) => `Quedan aprox. ${duration}`,
  lessThanMinuteLeft: 'Queda menos de un minuto',
  shouldFinishSoon: 'Debería terminar pronto',
  chunksStarted: (percent) => `${percent} de los bloques iniciados`,
  runningChunk: (step, total) => `Ejecutando el bloque ${step} de ${total}`,
  cellsRun: (done, total) => `${done} de ${total} celdas ejecutadas`,
  refreshAgainIn: (remaining) => `Podrá actualizar de nuevo en ${remaining}`,
  notRenderedYet: 'Aún no se ha generado',
  lastRendered: (age) => `Última generación ${age}`,
  details: 'Detalles',
  renderLog: 'Registro de generación',

  recentRenders: 'Generaciones recientes',
  recentRendersLoading: 'Cargando las generaciones recientes…',
  recentRendersEmpty: 'Todavía no hay generaciones.',
  recentRendersFailed: 'No se pudieron cargar las generaciones recientes.',
  recentRendersRetry: 'Reintentar',
  renderStateRunning: 'En curso',
  renderStateSucceeded: 'Correcta',
  renderStateFailed: 'Fallida',
  renderStateUnknown: 'Resultado desconocido',
  renderStateCancelled: 'Cancelada',
  renderTook: (duration) => `duró ${duration}`,
  renderStartedBy: (name) => `iniciada por ${name}`,
  renderStartedAnonymously: 'iniciada sin iniciar sesión',
  renderStartedElsewhere: 'iniciada por una programación o el panel de Connect',

  confirmQuestion: (age) => `Actualizado ${age}. ¿Actualizar de todos modos?`,
  confirmRefresh: 'Actualizar de todos modos',
  confirmCancel: 'Cancelar',

  cancelRender: 'Cancelar la generación',
  cancelQuestion: '¿Cancelar esta generación? El informe conserva su última versión.',
  cancelConfirm: 'Cancelar la generación',
  cancelKeep: 'Seguir generando',
  cancelling: 'Cancelando…',
  cancelFailed: (reason) => `No se pudo cancelar la generación. ${reason}`,
  cancelForbidden: 'No tiene permiso para cancelar generaciones de este informe. Pida acceso al '
    + 'administrador del servicio de actualización.',

  refreshStarted: 'Actualización iniciada.',
  refreshJoined: 'Ya había una actualización en curso y el botón la sigue.',
  refreshRunning: 'Hay una actualización en curso.',
  refreshFinished: 'Actualización terminada.',
  refreshReady: 'El informe ya se puede actualizar de nuevo.',
  refreshReconnected: 'Conexión restablecida. La actualización sigue en curso.',
  refreshCancelled: (message) => `Actualización cancelada. ${message}`,
  refreshFailed: (message) => `La actualización falló. ${message}`,
  refreshUnavailable: (message) => `Actualización no disponible. ${message}`,
  refreshOutcomeUnknown: (message) => `Resultado de la actualización desconocido. ${message}`,
  cooldownAnnouncement: (message, remaining) =>
    `${message} Podrá actualizar de nuevo en ${remaining}.`,

  renderFailed: 'El informe falló durante la generación. Inténtelo de nuevo o pida al '
    + 'propietario del informe que revise el registro de generación.',
  renderUnknown: 'El servicio de actualización perdió esta generación, así que se desconoce su '
    + 'resultado. Compruebe si el informe se actualizó, o actualice de nuevo.',
  renderStuck: 'Esta generación ha superado su tiempo máximo y puede estar bloqueada. Pida al '
    + 'propietario del informe que la revise.',
  renderUnreachable: 'No se puede conectar con el servicio de actualización en este momento. La '
    + 'generación continúa, y este botón se reconectará por sí solo.',
  renderCancelled: 'Un propietario del informe canceló la generación. El informe conserva su '
    + 'última versión.',
  unexpectedError: (reason) => `La actualización falló de forma inesperada: ${reason}`,
  requestTimedOut: 'El servicio de actualización no respondió a tiempo. Inténtelo de nuevo más '
    + 'tarde.',
  offline: 'No tiene conexión. Conéctese a la red para actualizar este informe.',
  serviceUnreachable: 'No se pudo conectar con el servicio de actualización. Compruebe su conexión '
    + 'e inténtelo de nuevo más tarde.',
  tokenInvalid: 'El token de inicio de sesión del botón de actualización no es válido. Vuelva a '
    + 'cargar la página e inicie sesión de nuevo.',
  tokenUnavailable: 'El botón de actualización no pudo obtener un token de inicio de sesión. '
    + 'Vuelva a cargar la página e inicie sesión de nuevo.',
  tokenTimedOut: 'El botón de actualización no obtuvo a tiempo un token de inicio de sesión. '
    + 'Inténtelo de nuevo, o vuelva a cargar la página e inicie sesión de nuevo.',
  signInExpired: 'Su sesión ha caducado. Inicie sesión de nuevo para actualizar este informe.',
  signInRequired: 'Inicie sesión para actualizar este informe.',
  unknownRender: 'El servicio de actualización no encuentra la generación, así que se desconoce '
    + 'su resultado. Actualice de nuevo para iniciar una generación nueva.',
  unknownReport: (report) => 'El servicio de actualización no tiene ningún informe llamado '
    + `«${report}». Compruebe el atributo report del botón de actualización.`,
  unknownVariant: (variant, report) => 'El servicio de actualización no tiene ninguna variante '
    + `«${variant}» del informe «${report}». Compruebe el atributo variant del botón de `
    + 'actualización.',
  cooldown: 'Este informe se generó hace poco.',
  rateLimited: 'Se enviaron demasiadas solicitudes al servicio de actualización.',
  rateLimitedWithoutWait: 'Demasiadas solicitudes de actualización. Espere un minuto e inténtelo '
    + 'de nuevo.',
  connectForbidden: 'El servicio de actualización no tiene permiso para generar este informe en '
    + 'Connect. Pida al administrador del servicio de actualización que le dé acceso al informe.',
  crossOriginHint: (gateway, page) => `Es posible que la pasarela en ${gateway} no admita `
    + `solicitudes desde ${page}. En ese caso, su administrador debe añadir ${page} a cors.origins `
    + 'en la configuración de la pasarela. De lo contrario, la pasarela está caída o no es '
    + 'accesible.',
  originNotAllowed: (origin) => `El servicio de actualización no admite solicitudes desde ${origin}. `
    + 'Pida a su administrador que añada el origen a los orígenes permitidos de la pasarela.',
  opaqueOrigin: 'esta página',
  forbidden: 'No tiene permiso para actualizar este informe. Pida acceso al administrador del '
    + 'servicio de actualización.',
  notRenderable: 'Este informe está mal configurado en el servicio de actualización, por lo que no '
    + 'se puede generar. Pida al administrador del servicio de actualización que lo corrija.',
  connectError: 'Connect devolvió un error al servicio de actualización. Inténtelo de nuevo '
    + 'más tarde.',
  serverUnavailable: 'El servidor de informes no está disponible en este momento. Inténtelo de '
    + 'nuevo más tarde.',
  unreadableResponse: (status) => 'El servicio de actualización envió una respuesta que no se pudo '
    + `leer (HTTP ${status}). Inténtelo de nuevo más tarde.`,
  requestRejected: (reason) => `El servicio de actualización rechazó la solicitud: ${reason}`,
};

addMessages('es', es);
