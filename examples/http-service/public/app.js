// The customer page: one merged timeline with its scores, from the example service's JSON API.
// Plain browser JavaScript, no build step. Every value is put in the page with textContent.

const $ = (selector) => document.querySelector(selector);
const params = new URLSearchParams(location.search);
const pageSize = Number(params.get('limit')) || 50;

const state = { customer: undefined, cursor: undefined };

async function api(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error?.message ?? `request failed (${response.status})`);
  return body;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function setStatus(text) {
  const status = $('#status');
  status.textContent = text ?? '';
  status.hidden = !text;
}

const formatDay = (iso) => iso.slice(0, 10);
const formatTime = (iso) => iso.slice(11, 16);
const kindLabel = (kind) => kind.replace(/_/g, ' ');

function renderEntry(entry) {
  const item = element('li', `entry ${entry.model} ${entry.kind}`);
  item.dataset.kind = entry.kind;
  const when = element('time', 'when');
  when.dateTime = entry.at;
  when.textContent = `${formatDay(entry.at)} ${formatTime(entry.at)}`;
  const body = element('div', 'body');
  body.append(element('span', 'kind', kindLabel(entry.kind)), element('span', 'title', entry.summary.title));
  if (entry.summary.detail) body.append(element('span', 'detail', entry.summary.detail));
  const side = element('div', 'side');
  if (entry.summary.amount) side.append(element('span', 'amount', entry.summary.amount));
  if (entry.summary.status) side.append(element('span', 'status', entry.summary.status));
  item.append(when, body, side);
  return item;
}

async function loadTimeline() {
  const query = new URLSearchParams({ limit: String(pageSize) });
  if (state.cursor) query.set('cursor', state.cursor);
  const page = await api(`/api/customers/${encodeURIComponent(state.customer.id)}/timeline?${query}`);
  $('#timeline').append(...page.items.map(renderEntry));
  state.cursor = page.nextCursor;
  $('#more').hidden = !state.cursor;
  if ($('#timeline').children.length === 0) $('#timeline').append(element('li', 'empty', 'Nothing recorded yet.'));
}

function money(amounts) {
  const parts = Object.entries(amounts).filter(([, minor]) => minor !== 0);
  if (parts.length === 0) return 'nothing';
  return parts
    .map(([currency, minor]) => {
      const digits = new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
      return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(minor / 10 ** digits);
    })
    .join(' + ');
}

async function loadScores() {
  const asOf = $('#as-of').value;
  const score = await api(`/api/customers/${encodeURIComponent(state.customer.id)}/scores${asOf ? `?asOf=${asOf}` : ''}`);
  if (!asOf) $('#as-of').value = score.asOf;
  const risk = score.risk;
  $('#risk-score').textContent = risk.available ? `${Math.round(risk.score)}/100` : 'n/a';
  $('#risk-grade').textContent = risk.available ? `Grade ${risk.grade}` : '';
  $('#risk-grade').dataset.grade = risk.available ? risk.grade : '';
  $('#risk-note').textContent = risk.available ? `As of ${score.asOf}; higher is riskier.` : risk.message;
  const overall = score.payment.overall;
  $('#paydex').textContent = overall.available && overall.paydex !== null ? String(overall.paydex) : 'n/a';
  $('#dbt').textContent = overall.available && overall.averageDaysBeyondTerms !== null ? overall.averageDaysBeyondTerms.toFixed(1) : 'n/a';
  const pastDue = {};
  for (const [currency, figures] of Object.entries(score.payment.byCurrency)) pastDue[currency] = figures.ageing.pastDue;
  $('#past-due').textContent = money(pastDue);
  const rows = risk.factors.map((factor) => {
    const row = element('tr');
    row.append(element('td', '', factor.factor.replace(/_/g, ' ')), element('td', 'num', factor.points.toFixed(1)), element('td', '', factor.explanation));
    return row;
  });
  $('#factors tbody').replaceChildren(...rows);
}

// Expected payment dates of the open invoices (GET /api/customers/:ref/forecast), with the reasons.
async function loadForecast() {
  const asOf = $('#as-of').value;
  const forecast = await api(`/api/customers/${encodeURIComponent(state.customer.id)}/forecast${asOf ? `?asOf=${asOf}` : ''}`);
  const rows = forecast.invoices.map((invoice) => {
    const row = element('tr');
    row.dataset.ref = invoice.ref;
    const why = element('td', 'why');
    why.append(...invoice.reasons.map((reason) => element('div', '', reason.message)));
    row.append(
      element('td', '', invoice.ref),
      element('td', 'num', money({ [invoice.currency]: invoice.openMinor })),
      element('td', '', invoice.dueOn),
      element('td', 'expected', invoice.expectedOn),
      element('td', 'range', `${invoice.p10On} – ${invoice.p90On}`),
      why,
    );
    return row;
  });
  $('#expected tbody').replaceChildren(...rows);
  $('#forecast-note').textContent = rows.length === 0 ? 'Nothing is open.' : `As of ${forecast.asOf}; the expected date is the median, with a one-in-ten chance either side of the range.`;
}

async function showCustomer(ref) {
  setStatus('Loading…');
  $('#results').hidden = true;
  try {
    const customer = await api(`/api/customers/resolve?ref=${encodeURIComponent(ref)}`);
    state.customer = customer;
    state.cursor = undefined;
    document.title = `${customer.displayName} — touchlog`;
    $('#customer-name').textContent = customer.displayName;
    $('#customer-identifiers').textContent = customer.identifiers
      .map((identifier) => (identifier.type === 'external' ? `${identifier.system}:${identifier.value}` : identifier.value))
      .join(' · ');
    $('#timeline').replaceChildren();
    $('#customer').hidden = false;
    await Promise.all([loadScores(), loadTimeline(), loadForecast()]);
    setStatus('');
    const url = new URL(location.href);
    url.searchParams.set('customer', ref);
    history.replaceState(null, '', url);
  } catch (error) {
    $('#customer').hidden = true;
    setStatus(error.message);
  }
}

async function search(q) {
  const { items } = await api(`/api/customers?q=${encodeURIComponent(q)}&limit=20`);
  const list = $('#results');
  list.replaceChildren(
    ...items.map((customer) => {
      const item = element('li');
      const button = element('button', 'result', customer.displayName);
      button.type = 'button';
      button.addEventListener('click', () => showCustomer(customer.id));
      item.append(button);
      return item;
    }),
  );
  if (items.length === 0) list.append(element('li', 'empty', `No customer matches “${q}”.`));
  list.hidden = false;
}

$('#search').addEventListener('submit', (event) => {
  event.preventDefault();
  search($('#q').value.trim()).catch((error) => setStatus(error.message));
});
$('#more').addEventListener('click', () => loadTimeline().catch((error) => setStatus(error.message)));
$('#as-of').addEventListener('change', () => state.customer && loadScores().catch((error) => setStatus(error.message)));
$('#as-of').addEventListener('change', () => state.customer && loadForecast().catch((error) => setStatus(error.message)));

if (params.get('asOf')) $('#as-of').value = params.get('asOf');
if (params.get('customer')) showCustomer(params.get('customer'));
