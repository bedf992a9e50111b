/**
 * Benchmark clients that follow one render, as a page would. Through the gateway a client does
 * what the element does: one status read, then long-polls of the render until it ends.
 * Through the pass-through proxy a client polls Connect's task every 2 s until it finishes.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { REPORT_GUID, REPORT_NAME } from '../servers/server-roles.js';

/** Interval of a proxy client's polls, as in the page script of the latency benchmark. */
export const PROXY_POLL_INTERVAL_MS = 2000;
/** Hold that gateway clients request, as the element does. */
const GATEWAY_WAIT_SECONDS = 20;

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${init?.method ?? 'GET'} ${url} failed with HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
  return JSON.parse(text) as T;
}

/** Starts a render through the gateway, as the first client's click does. */
export async function refreshThroughGateway(gatewayUrl: string): Promise<void> {
  await getJson(`${gatewayUrl}/v1/reports/${REPORT_NAME}/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
}

/**
 * Follows the running render through the gateway until it ends. Calls `onFollowing` once the
 * client has the render's handle.
 */
export async function followThroughGateway(gatewayUrl: string, onFollowing: () => void): Promise<void> {
  const status = await getJson<{ render: { handle: string } | null }>(`${gatewayUrl}/v1/reports/${REPORT_NAME}`);
  if (status.render === null) {
    throw new Error('The status read found no running render to follow.');
  }
  onFollowing();
  let after = 0;
  for (;;) {
    const progress = await getJson<{ state: string; next: number }>(
      `${gatewayUrl}/v1/renders/${status.render.handle}?after=${after}&wait=${GATEWAY_WAIT_SECONDS}`,
    );
    if (progress.state !== 'running') {
      return;
    }
    after = progress.next;
  }
}

/** Starts a render through the proxy and returns Connect's task id. */
export async function renderThroughProxy(proxyUrl: string): Promise<string> {
  const started = await getJson<{ task_id: string }>(`${proxyUrl}/__api__/v1/content/${REPORT_GUID}/render`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  return started.task_id;
}

/**
 * Polls the task through the proxy every 2 s until it finishes, starting after `phaseMs` so that
 * clients spread over the interval. Calls `onFollowing` after the first poll.
 */
export async function followThroughProxy(proxyUrl: string, taskId: string, phaseMs: number, onFollowing: () => void): Promise<void> {
  await delay(phaseMs);
  let first = 0;
  for (let poll = 0; ; poll += 1) {
    const task = await getJson<{ finished: boolean; last: number }>(`${proxyUrl}/__api__/v1/tasks/${taskId}?first=${first}`);
    if (poll === 0) {
      onFollowing();
    }
    if (task.finished) {
      return;
    }
    first = task.last;
    await delay(PROXY_POLL_INTERVAL_MS);
  }
}
