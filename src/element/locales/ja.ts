import { addMessages } from '../message-registry.js';
import type { Messages } from '../messages.js';

/** Japanese messages of `<connect-refresh-button>`. Importing this module adds them for `ja`. */
export const ja: Messages = {
  label: 'データを更新',
  starting: '開始しています…',
  rendering: (elapsed) => `レンダリング中 ${elapsed}`,
  renderingReport: (report) => `${report} をレンダリング中`,
  usually: (range) => `通常 ${range}`,
  longerThanUsual: 'いつもより時間がかかっています',
  longerThanUsualValue: 'いつもより時間がかかっています',
  timeLeft: (duration) => `残り約 ${duration}`,
  lessThanMinuteLeft: '残り 1 分未満',
  shouldFinishSoon: 'まもなく完了します',
  chunksStarted: (percent) => `チャンクの ${percent} を開始済み`,
  runningChunk: (step, total) => `チャンク ${step}/${total} を実行中`,
  cellsRun: (done, total) => `${total} セル中 ${done} セルを実行済み`,
  refreshAgainIn: (remaining) => `${remaining} 後に再度更新できます`,
  notRenderedYet: 'まだレンダリングされていません',
  lastRendered: (age) => `最終レンダリング: ${age}`,
  details: '詳細',
  renderLog: 'レンダリングログ',

  recentRenders: '最近のレンダリング',
  recentRendersLoading: '最近のレンダリングを読み込んでいます…',
  recentRendersEmpty: 'まだレンダリングはありません。',
  recentRendersFailed: '最近のレンダリングを読み込めませんでした。',
  recentRendersRetry: '再試行',
  renderStateRunning: '実行中',
  renderStateSucceeded: '成功',
  renderStateFailed: '失敗',
  renderStateUnknown: '結果不明',
  renderStateCancelled: '中止',
  renderTook: (duration) => `所要時間 ${duration}`,
  renderStartedBy: (name) => `${name} が開始`,
  renderStartedAnonymously: 'サインインなしで開始',
  renderStartedElsewhere: 'スケジュールまたは Connect ダッシュボードから開始',

  confirmQuestion: (age) => `最終更新: ${age}。それでも更新しますか？`,
  confirmRefresh: 'それでも更新する',
  confirmCancel: 'キャンセル',

  cancelRender: 'レンダリングを中止',
  cancelQuestion: 'このレンダリングを中止しますか？'
    + 'レポートは前回の出力のままです。',
  cancelConfirm: 'レンダリングを中止',
  cancelKeep: 'レンダリングを続ける',
  cancelling: '中止しています…',
  cancelFailed: (reason) => `レンダリングを中止できませんでした。${reason}`,
  cancelForbidden: 'このレポートのレンダリングを中止する権限がありません。'
    + '更新サービスの管理者にアクセス権を依頼してください。',

  refreshStarted: '更新を開始しました。',
  refreshJoined: '実行中の更新に合流しました。',
  refreshRunning: '更新を実行中です。',
  refreshFinished: '更新が完了しました。',
  refreshReady: 'レポートを再び更新できます。',
  refreshReconnected: '再接続しました。更新はまだ実行中です。',
  refreshCancelled: (message) => `更新が中止されました。${message}`,
  refreshFailed: (message) => `更新に失敗しました。${message}`,
  refreshUnavailable: (message) => `更新できません。${message}`,
  refreshOutcomeUnknown: (message) => `更新の結果は不明です。${message}`,
  cooldownAnnouncement: (message, remaining) => `${message}${remaining} 後に再度更新できます。`,

  renderFailed: 'レポートのレンダリング中にエラーが発生しました。もう一度お試しいただくか、レポートの所有者に'
    + 'レンダリングログの確認を依頼してください。',
  renderUnknown: '更新サービスがこのレンダリングを見失ったため、結果は不明です。レポートが更新されたか'
    + '確認するか、もう一度更新してください。',
  renderStuck: 'このレンダリングは制限時間を超えて実行されており、停止している可能性があります。'
    + 'レポートの所有者に確認を依頼してください。',
  renderUnreachable: '現在、更新サービスに接続できません。レンダリングは続行中で、このボタンは自動的に'
    + '再接続します。',
  renderCancelled: 'レポートの所有者がレンダリングを中止しました。'
    + 'レポートは前回の出力のままです。',
  unexpectedError: (reason) => `更新が予期せず失敗しました: ${reason}`,
  requestTimedOut: '更新サービスが時間内に応答しませんでした。しばらくしてからもう一度お試しください。',
  offline: 'オフラインです。このレポートを更新するにはネットワークに接続してください。',
  serviceUnreachable: '更新サービスに接続できませんでした。接続を確認し、しばらくしてからもう一度お試し'
    + 'ください。',
  tokenInvalid: '更新ボタンのサインイントークンが無効です。ページを再読み込みして、もう一度サインイン'
    + 'してください。',
  tokenUnavailable: '更新ボタンがサインイントークンを取得できませんでした。ページを再読み込みして、'
    + 'もう一度サインインしてください。',
  tokenTimedOut: '更新ボタンが時間内にサインイントークンを取得できませんでした。もう一度お試しいただくか、'
    + 'ページを再読み込みして、もう一度サインインしてください。',
  signInExpired: 'サインインの有効期限が切れました。このレポートを更新するには、もう一度サインイン'
    + 'してください。',
  signInRequired: 'このレポートを更新するにはサインインしてください。',
  unknownRender: '更新サービスでレンダリングが見つからないため、結果は不明です。新しいレンダリングを'
    + '開始するには、もう一度更新してください。',
  unknownReport: (report) => `更新サービスに「${report}」という名前のレポートはありません。`
    + '更新ボタンの report 属性を確認してください。',
  unknownVariant: (variant, report) => `更新サービスにはレポート「${report}」のバリアント`
    + `「${variant}」がありません。更新ボタンの variant 属性を確認してください。`,
  cooldown: 'このレポートは最近レンダリングされました。',
  rateLimited: '更新サービスへのリクエストが多すぎます。',
  rateLimitedWithoutWait: '更新リクエストが多すぎます。1 分待ってからもう一度お試しください。',
  connectForbidden: '更新サービスには Connect でこのレポートをレンダリングする権限がありません。'
    + '更新サービスの管理者に、レポートへのアクセス権を付与するよう依頼してください。',
  crossOriginHint: (gateway, page) => `${gateway} のゲートウェイが ${page} からのリクエストを`
    + `許可していない可能性があります。その場合は、ゲートウェイの管理者が設定の cors.origins に ${page} `
    + 'を追加する必要があります。そうでない場合は、ゲートウェイが停止しているか、接続できない状態です。',
  originNotAllowed: (origin) => `更新サービスは ${origin} からのリクエストを許可していません。`
    + '管理者に、このオリジンをゲートウェイの許可オリジンに追加するよう依頼してください。',
  opaqueOrigin: 'このページ',
  forbidden: 'このレポートを更新する権限がありません。更新サービスの管理者にアクセス権を依頼して'
    + 'ください。',
  notRenderable: 'このレポートは更新サービスでの設定に誤りがあるため、レンダリングできません。'
    + '更新サービスの管理者に修正を依頼してください。',
  connectError: 'Connect が更新サービスにエラーを返しました。しばらくしてからもう一度お試しください。',
  serverUnavailable: 'レポートサーバーは現在利用できません。しばらくしてからもう一度お試しください。',
  unreadableResponse: (status) => `更新サービスから読み取れない応答が返されました (HTTP ${status})。`
    + 'しばらくしてからもう一度お試しください。',
  requestRejected: (reason) => `更新サービスがリクエストを拒否しました: ${reason}`,
};

addMessages('ja', ja);
