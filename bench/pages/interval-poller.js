// The usual alternative to the element: a page script that starts a render and then reads the
// report's status every 2 s until no render runs, as public examples of polling a render do.
// It talks to the refresh gateway, so it keeps the API key off the page just as the element.
// `window.shownAt` collects the epoch ms at which the page showed each finished render.

const POLL_INTERVAL_MS = 2000;

window.shownAt = [];

/** Starts a refresh of `report` through `gateway` and shows its end in `#status`. */
window.startPolledRefresh = async function startPolledRefresh(gateway, report) {
  const output = document.getElementById('status');
  const statusUrl = `${gateway}/v1/reports/${encodeURIComponent(report)}`;
  const response = await fetch(`${statusUrl}/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (response.status !== 202) {
    output.textContent = `Refresh failed with HTTP ${response.status}`;
    return;
  }
  output.textContent = 'Refreshing…';

  let finished = false;
  const timer = setInterval(async () => {
    const status = await (await fetch(statusUrl)).json();
    // A slow read can overlap the next one, so only the first read that finds the render ended counts.
    if (status.render === null && !finished) {
      finished = true;
      clearInterval(timer);
      output.textContent = `Updated ${status.last_rendered_at}`;
      window.shownAt.push(performance.timeOrigin + performance.now());
    }
  }, POLL_INTERVAL_MS);
};
