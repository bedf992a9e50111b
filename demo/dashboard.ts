import '../src/element/define.js';

/** Path of the report's published data file, served by the demo's Connect stand-in. */
const DATA_URL = '/content/6a3b4c5d-0000-4000-8000-00000000beef/data.csv';

interface Row {
  region: string;
  orders: string;
  revenue: string;
  rendered_at: string;
}

function parseCsv(text: string): Row[] {
  const [header, ...lines] = text.trim().split('\n');
  const names = header.split(',').map((name) => name.replaceAll('"', ''));
  return lines.map((line) => {
    const values = line.split(',').map((value) => value.replaceAll('"', ''));
    return Object.fromEntries(names.map((name, i) => [name, values[i] ?? ''])) as unknown as Row;
  });
}

function showRows(rows: Row[]): void {
  const body = document.querySelector('#orders tbody')!;
  body.replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement('tr');
      for (const value of [row.region, row.orders, row.revenue]) {
        const td = document.createElement('td');
        td.textContent = value;
        tr.append(td);
      }
      return tr;
    }),
  );
  document.querySelector<HTMLTableElement>('#orders')!.hidden = false;
  document.querySelector('#rendered-at')!.textContent = rows[0]?.rendered_at ?? 'unknown';
}

/** Reads the report's data file again; the cache is bypassed so a new render shows at once. */
async function loadData(): Promise<void> {
  const state = document.querySelector('#data-state')!;
  const response = await fetch(DATA_URL, { cache: 'no-store' });
  if (response.status === 404) {
    state.textContent = 'The report has not rendered yet. Press "Refresh data" to render it.';
    return;
  }
  if (!response.ok) {
    state.textContent = `Could not load the report's data (HTTP ${response.status}).`;
    return;
  }
  showRows(parseCsv(await response.text()));
  state.textContent = 'Showing the data of the last successful render.';
}

document.addEventListener('connect-refresh-success', () => void loadData());
void loadData();
