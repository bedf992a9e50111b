/** The two pages of the status latency benchmark. Both push to `window.shownAt` when they show a render's end. */

/**
 * Returns a page with the element. A MutationObserver records the moment the element's reflected
 * `status` attribute becomes `succeeded`, which Lit sets in the same update that renders it.
 */
export function elementPage(gatewayUrl: string, report: string): string {
  return `<!doctype html><html lang="en"><title>Element</title>
<script type="module" src="/connect-refresh-button.js"></script>
<connect-refresh-button gateway="${gatewayUrl}" report="${report}"></connect-refresh-button>
<script type="module">
  window.shownAt = [];
  const element = document.querySelector('connect-refresh-button');
  let shownStatus = element.getAttribute('status');
  new MutationObserver(() => {
    const status = element.getAttribute('status');
    if (status === 'succeeded' && shownStatus !== 'succeeded') {
      window.shownAt.push(performance.timeOrigin + performance.now());
    }
    shownStatus = status;
  }).observe(element, { attributes: true, attributeFilter: ['status'] });
</script>`;
}

/** Returns a page with the fixed-interval poller of bench/pages/interval-poller.js. */
export function pollerPage(): string {
  return `<!doctype html><html lang="en"><title>Interval poller</title>
<script src="/interval-poller.js"></script>
<p id="status">Idle</p>`;
}
