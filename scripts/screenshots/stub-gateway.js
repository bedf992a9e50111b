/* global window, location -- this file runs in the screenshot page, not in Node. */
// A refresh gateway inside the page for the screenshots. It replaces window.fetch and, for each
// report name, sends the responses that bring an element to the status of the same name.
// Requests that should stay in flight get a promise that never settles.

const GATEWAY_PATH = '/gw/v1/';
const MINUTE_MS = 60_000;
const never = new Promise(() => {});

function iso(msAgo) {
  return new Date(Date.now() - msAgo).toISOString();
}

function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

function reportStatus(name, render = null, canCancel = false) {
  return {
    name,
    title: 'Sales overview',
    last_rendered_at: iso(120 * MINUTE_MS),
    render,
    recent_durations: [95, 110, 102],
    can_cancel: canCancel,
    server_time: iso(0),
  };
}

function runningRender(name) {
  return { handle: `render-${name}`, state: 'running', started_at: iso(75_000) };
}

const LOG = [
  'processing file: report.Rmd',
  '  |..................                     |  45% [load-data]',
  'output file: report.knit.md',
];

function progress(name, overrides) {
  return {
    handle: `render-${name}`,
    state: 'running',
    output: LOG,
    next: LOG.length,
    started_at: iso(75_000),
    finished_at: null,
    error: null,
    last_rendered_at: iso(120 * MINUTE_MS),
    server_time: iso(0),
    ...overrides,
  };
}

/** Responses to GET /v1/reports/{name}, by report name. */
const statusResponses = {
  idle: () => json(200, reportStatus('idle')),
  starting: () => json(200, reportStatus('starting')),
  running: () => json(200, reportStatus('running', runningRender('running'), true)),
  succeeded: () => json(200, reportStatus('succeeded', runningRender('succeeded'))),
  failed: () => json(200, reportStatus('failed', runningRender('failed'))),
  unknown: () => json(200, reportStatus('unknown', runningRender('unknown'))),
  cancelled: () => json(200, reportStatus('cancelled', runningRender('cancelled'), true)),
  unavailable: () => json(403, {
    error: { code: 'connect_forbidden', message: 'Connect rejected the API key for this report.' },
  }),
  cooldown: () => json(200, reportStatus('cooldown')),
};

/** Responses to POST /v1/reports/{name}/refresh, by report name. */
const refreshResponses = {
  starting: () => never,
  cooldown: () => json(
    429,
    { error: { code: 'cooldown', message: 'The report rendered less than 5 minutes ago.' } },
    { 'Retry-After': '240' },
  ),
};

/** Responses to the first GET /v1/renders/{handle}, by report name. Later polls stay open. */
const renderResponses = {
  running: () => json(200, progress('running', {})),
  succeeded: () => json(200, progress('succeeded', {
    state: 'succeeded',
    finished_at: iso(0),
    last_rendered_at: iso(0),
  })),
  failed: () => json(200, progress('failed', {
    state: 'failed',
    output: [...LOG, "Error in eval(expr, envir, enclos): object 'sales' not found"],
    next: LOG.length + 1,
    finished_at: iso(0),
    error: 'The R session exited with status 1.',
  })),
  unknown: () => json(200, progress('unknown', {
    state: 'unknown',
    error: 'Connect restarted and no longer knows the render task.',
  })),
  cancelled: () => json(200, progress('cancelled', {
    state: 'cancelled',
    finished_at: iso(0),
    error: 'A report owner cancelled the render.',
  })),
};

function respond(url, method) {
  const path = url.pathname.slice(GATEWAY_PATH.length);
  const [kind, name, action] = path.split('/');

  if (kind === 'reports' && method === 'GET' && !action) {
    return statusResponses[name]?.() ?? json(404, { error: { code: 'unknown_report', message: name } });
  }

  if (kind === 'reports' && method === 'POST' && action === 'refresh') {
    return refreshResponses[name]?.() ?? never;
  }

  if (kind === 'renders' && method === 'GET') {
    const report = name.replace(/^render-/, '');
    const first = (url.searchParams.get('after') ?? '0') === '0';
    return first ? renderResponses[report]?.() ?? never : never;
  }

  return json(404, { error: { code: 'not_found', message: url.pathname } });
}

const pageFetch = window.fetch.bind(window);

window.fetch = async (input, init = {}) => {
  const url = new URL(String(input), location.href);

  if (url.origin !== location.origin || !url.pathname.startsWith(GATEWAY_PATH)) {
    return pageFetch(input, init);
  }

  return respond(url, (init.method ?? 'GET').toUpperCase());
};
