// CloudFront Local dashboard: reads the /_emulator control plane, nothing else. Plain DOM, no
// framework; every value is set as text, never as HTML. Kinds and accounts come from the
// emulator (GET /accounts), so new resource families show up without a change here.
'use strict';

const API = '/_emulator';
const PAGE_SIZE = 50;
const JOURNAL_KEPT = 500;
const REFRESH_MS = 2000;
const JOURNAL_POLL_MS = 1000;

const state = {
  account: '',            // '' = every account
  kind: '',               // '' = every kind
  search: '',
  status: '',
  markers: [''],          // the marker of each page seen so far; the last one is shown
  page: null,             // the last GET /resources answer
  clock: null,            // { now_ms, offset_seconds, fetched_at (performance.now()) }
  selected: null,         // { account, kind, id }
  detail: null,           // the last GET /resources/{id} answer
  format: 'json',
  journal: { after: 0, calls: [], paused: false, failedOnly: false },
};

const $ = (selector) => document.querySelector(selector);

// el('td', { className: 'id' }, 'text', childNode, …): children are text or nodes.
function el(tag, properties = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(properties)) {
    if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name.startsWith('aria-') || name === 'role') node.setAttribute(name, value);
    else node[name] = value;
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// With --control-token, the page's own files load without the token (they hold no secret) and
// every API call carries it: given in the address's fragment (/_emulator/ui#token=…, which the
// browser never sends) or typed into the form the page shows when the emulator answers 401. The
// tab keeps it (sessionStorage) and the fragment is cleared, so it does not stay on screen.
const TOKEN_KEY = 'cloudfront-local-control-token';
function takeTokenFromAddress() {
  const match = /(?:^#|&)token=([^&]*)/.exec(window.location.hash);
  if (!match) return;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
  history.replaceState(null, '', window.location.pathname + window.location.search);
}

async function api(method, path, body) {
  const headers = body === undefined ? {} : { 'Content-Type': 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  const answer = await fetch(API + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await answer.json().catch(() => ({}));
  if (answer.status === 401) {
    $('#token-form').hidden = false;
    throw new Error(token ? 'The control token was refused: enter the one given to --control-token.'
      : 'The control plane needs the token given to --control-token: enter it above.');
  }
  if (!answer.ok) throw new Error(data.error || `${method} ${path}: HTTP ${answer.status}`);
  return data;
}

function notify(message, isError = false) {
  const notice = $('#notice');
  notice.textContent = message;
  notice.classList.toggle('error', isError);
}

// Runs an action from a button; its outcome goes to the notice line.
async function act(action) {
  try {
    const message = await action();
    if (message) notify(message);
    await refresh();
  } catch (error) {
    notify(error.message, true);
  }
}

// ----- time -----------------------------------------------------------------------------------

// The emulator's "now", moving with real time since it was last read.
function emulatorNow() {
  if (!state.clock) return Date.now();
  return state.clock.now_ms + (performance.now() - state.clock.fetched_at);
}

function isoTime(ms) {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function duration(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

function ago(ms) {
  const elapsed = emulatorNow() - ms;
  return elapsed < 1000 ? 'just now' : `${duration(elapsed)} ago`;
}

// "Deployed" / "Completed" once settled, else "InProgress · 42 s" counting down on the emulator's clock.
function statusText(resource) {
  const left = resource.settles_at_ms - emulatorNow();
  if (left <= 0) return { text: resource.settled_status, settled: true };
  return { text: `InProgress · ${duration(left)}`, settled: false };
}

function statusCell(resource) {
  const { text, settled } = statusText(resource);
  const cell = el('td', { className: `status ${settled ? 'settled' : 'in-progress'}` }, text);
  cell.dataset.settlesAt = resource.settles_at_ms;
  cell.dataset.settledStatus = resource.settled_status;
  return cell;
}

// Every second or so: the clock and each countdown move on without asking the emulator.
function tick() {
  if (state.clock) $('#clock-now').textContent = isoTime(emulatorNow());
  for (const cell of document.querySelectorAll('[data-settles-at]')) {
    const { text, settled } = statusText({
      settles_at_ms: Number(cell.dataset.settlesAt), settled_status: cell.dataset.settledStatus });
    if (cell.textContent !== text) cell.textContent = text;
    cell.classList.toggle('settled', settled);
    cell.classList.toggle('in-progress', !settled);
  }
}

// ----- the emulator's state -------------------------------------------------------------------

async function loadClock() {
  const clock = await api('GET', '/clock');
  state.clock = { ...clock, fetched_at: performance.now() };
  $('#clock-offset').textContent = clock.offset_seconds
    ? `(advanced by ${duration(clock.offset_seconds * 1000)})` : '(real time)';
}

async function loadSettings() {
  const [config, health] = await Promise.all([api('GET', '/config'), api('GET', '/health')]);
  $('#version').textContent = `v${health.version}`;
  const settings = $('#settings');
  settings.replaceChildren(
    el('dt', {}, 'Propagation'), el('dd', {}, `${config.propagation_delay_seconds} s`),
    el('dt', {}, 'Invalidation'), el('dd', {}, `${config.invalidation_delay_seconds} s`),
    el('dt', {}, 'Distributions'), el('dd', {}, `at most ${config.max_distributions} per account`));
}

function choice(label, count, pressed, onClick) {
  const button = el('button', { type: 'button', 'aria-pressed': String(pressed) },
    el('span', {}, label), el('span', { className: 'muted' }, count.toLocaleString('en-US')));
  button.addEventListener('click', onClick);
  return el('li', {}, button);
}

async function loadAccounts() {
  const data = await api('GET', '/accounts');
  const total = data.accounts.reduce((sum, account) => sum + account.total, 0);
  const accounts = [choice('All accounts', total, state.account === '', () => chooseAccount(''))];
  const listed = [...data.accounts];
  if (state.account && !listed.some((account) => account.account === state.account)) {
    listed.push({ account: state.account, total: 0, resources: {} });  // chosen, now empty
  }
  for (const account of listed) {
    const label = account.default ? `${account.account} (default)` : account.account;
    accounts.push(choice(label, account.total, state.account === account.account,
      () => chooseAccount(account.account)));
  }
  $('#accounts').replaceChildren(...accounts);

  // The kinds the emulator reports, counted within the chosen account.
  const inAccount = data.accounts.find((account) => account.account === state.account);
  const counts = state.account
    ? Object.entries(inAccount ? inAccount.resources : {})
    : data.kinds.map((kind) => [kind.kind, kind.count]);
  if (state.kind && !counts.some(([kind]) => kind === state.kind)) counts.push([state.kind, 0]);
  const kindsTotal = counts.reduce((sum, [, count]) => sum + count, 0);
  const kinds = [choice('All kinds', kindsTotal, state.kind === '', () => chooseKind(''))];
  for (const [kind, count] of counts) kinds.push(choice(kind, count, state.kind === kind, () => chooseKind(kind)));
  $('#kinds').replaceChildren(...kinds);
}

function chooseAccount(account) {
  state.account = account;
  state.kind = '';
  restartPaging();
}

function chooseKind(kind) {
  state.kind = kind;
  restartPaging();
}

function restartPaging() {
  state.markers = [''];
  refresh();
}

function resourcesQuery(marker) {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (state.account) query.set('account', state.account);
  if (state.kind) query.set('kind', state.kind);
  if (state.search) query.set('search', state.search);
  if (state.status) query.set('status', state.status);
  if (marker) query.set('marker', marker);
  return query;
}

// The page remembers which one it is: a click on Next while this request is out moves
// state.markers on, and the answer must still be shown as the page it was asked for.
async function loadResources() {
  const index = state.markers.length - 1;
  const page = await api('GET', `/resources?${resourcesQuery(state.markers[index])}`);
  state.page = { ...page, index };
  renderResources();
}

function tagsCell(tags) {
  return el('td', {}, ...tags.map((tag) => el('span', { className: 'tag' }, `${tag.Key}=${tag.Value}`)));
}

function renderResources() {
  const { resources, total, next_marker: next } = state.page;
  const rows = resources.map((resource) => {
    const row = el('tr', { dataset: { id: resource.id, account: resource.account, kind: resource.kind } },
      el('td', {}, resource.kind),
      el('td', { className: 'id' }, resource.id),
      el('td', {}, resource.label || (resource.parent ? `of ${resource.parent}` : '')),
      statusCell(resource),
      el('td', { className: 'etag' }, resource.etag),
      el('td', { title: isoTime(resource.modified_ms) }, ago(resource.modified_ms)),
      tagsCell(resource.tags),
      el('td', { className: 'mono' }, resource.account));
    const selected = state.selected;
    if (selected && selected.id === resource.id && selected.account === resource.account &&
        selected.kind === resource.kind) {
      row.classList.add('selected');
    }
    row.addEventListener('click', () => select(resource));
    return row;
  });
  $('#resources tbody').replaceChildren(...rows);
  $('#resources-empty').hidden = resources.length > 0;
  const first = state.page.index * PAGE_SIZE;
  const range = resources.length ? `${(first + 1).toLocaleString('en-US')}–${(first + resources.length).toLocaleString('en-US')}` : '0';
  const of = total === null ? '' : ` of ${total.toLocaleString('en-US')}`;
  $('#page-info').textContent = `${range}${of}`;
  $('#resources-count').textContent = total === null ? '(filtered)' : `(${total.toLocaleString('en-US')})`;
  $('#prev-page').disabled = state.page.index === 0;
  $('#next-page').disabled = !next;
}

// ----- one resource ---------------------------------------------------------------------------

function select(resource) {
  state.selected = { account: resource.account, kind: resource.kind, id: resource.id };
  for (const row of document.querySelectorAll('#resources tbody tr')) {
    row.classList.toggle('selected', row.dataset.id === resource.id && row.dataset.account === resource.account &&
      row.dataset.kind === resource.kind);
  }
  loadDetail().catch((error) => notify(error.message, true));
}

async function loadDetail() {
  if (!state.selected) return;
  const { account, kind, id } = state.selected;
  try {
    state.detail = await api('GET', `/resources/${encodeURIComponent(id)}?${new URLSearchParams({ account, kind })}`);
  } catch (error) {
    closeDetail();  // deleted, or the emulator was reset
    notify(`${kind} ${id} is gone: ${error.message}`, true);
    return;
  }
  renderDetail();
}

function renderDetail() {
  const detail = state.detail;
  $('#detail').hidden = false;
  $('#detail-title').textContent = `${detail.kind} ${detail.id}`;
  const facts = [
    ['Account', detail.account],
    ['Status', null],
    ['ETag', detail.etag],
    ['Created', isoTime(detail.created_ms)],
    ['Last change', `${isoTime(detail.modified_ms)} (${ago(detail.modified_ms)})`],
    ['Settles at', isoTime(detail.settles_at_ms)],
  ];
  if (detail.parent) facts.push(['Parent', detail.parent]);
  if (detail.label) facts.push(['Name', detail.label]);
  for (const [name, value] of Object.entries(detail.metadata || {})) {
    if (name !== 'Tags' && (typeof value === 'string' || typeof value === 'number')) facts.push([name, value]);
  }
  facts.push(['Tags', detail.tags.length ? detail.tags.map((tag) => `${tag.Key}=${tag.Value}`).join(', ') : 'none']);
  const nodes = [];
  for (const [name, value] of facts) {
    nodes.push(el('dt', {}, name));
    if (name === 'Status') {
      const status = statusCell(detail);
      nodes.push(el('dd', { className: status.className, dataset: status.dataset }, status.textContent));
    } else {
      nodes.push(el('dd', { className: name === 'ETag' ? 'mono' : '' }, value));
    }
  }
  $('#detail-facts').replaceChildren(...nodes);
  renderConfig();
}

function renderConfig() {
  const detail = state.detail;
  for (const tab of document.querySelectorAll('.tabs button')) {
    tab.setAttribute('aria-selected', String(tab.dataset.format === state.format));
  }
  $('#detail-config').textContent = state.format === 'xml'
    ? (detail.config_xml ? prettyXml(detail.config_xml) : `(no XML shape for ${detail.kind})`)
    : JSON.stringify(detail.config, null, 2);
}

// Indents XML for reading (the emulator writes it on one line, as CloudFront does).
function prettyXml(xml) {
  let depth = 0;
  return xml.replace(/>\s*</g, '>\n<').split('\n').map((part) => {
    if (part.startsWith('</')) depth = Math.max(0, depth - 1);
    const line = '  '.repeat(depth) + part;
    if (/^<[^/?!]/.test(part) && !part.endsWith('/>') && !part.includes('</')) depth += 1;
    return line;
  }).join('\n');
}

function closeDetail() {
  state.selected = null;
  state.detail = null;
  $('#detail').hidden = true;
  for (const row of document.querySelectorAll('#resources tbody tr.selected')) row.classList.remove('selected');
}

// ----- faults and the journal -----------------------------------------------------------------

async function loadFaults() {
  const { faults } = await api('GET', '/faults');
  const rows = faults.map((rule) => {
    const remove = el('button', { type: 'button', className: 'remove', 'aria-label': 'Remove', title: 'Remove this rule' },
      '×');
    remove.addEventListener('click', () => act(async () => {
      await api('DELETE', `/faults/${encodeURIComponent(rule.id)}`);
      return `Removed fault rule ${rule.id}.`;
    }));
    const answers = rule.error ? `${rule.error}${rule.delay_ms ? ` after ${rule.delay_ms} ms` : ''}`
      : `delay ${rule.delay_ms} ms`;
    const scope = [rule.account, rule.resource_id].filter(Boolean).join(', ') || 'any';
    return el('tr', { dataset: { rule: rule.id } },
      el('td', { className: 'mono' }, rule.id), el('td', {}, rule.operation), el('td', {}, answers),
      el('td', {}, scope), el('td', {}, rule.remaining), el('td', {}, rule.fired), el('td', {}, remove));
  });
  $('#faults tbody').replaceChildren(...rows);
  $('#faults-empty').hidden = faults.length > 0;
  $('#faults-clear').disabled = faults.length === 0;
}

function journalRow(call) {
  const classes = [];
  if (call.status >= 400) classes.push('failed');
  if (call.status === 412) classes.push('precondition');
  if (call.status === 409) classes.push('conflict');
  if (call.fault) classes.push('fault');
  const time = new Date(call.time_ms).toISOString().slice(11, 23);
  return el('tr', { className: classes.join(' '), dataset: { sequence: call.sequence } },
    el('td', { className: 'mono' }, time),
    el('td', { className: 'code' }, call.status),
    el('td', {}, call.operation || '(no operation)'),
    el('td', {}, call.error_code || '', call.fault ? el('span', { className: 'badge fault', title: call.fault_rule },
      'injected') : null),
    el('td', { className: 'mono' }, call.account),
    el('td', { className: 'path mono', title: `${call.method} ${call.path}` },
      `${call.method} ${call.path.replace(/^\/\d{4}-\d{2}-\d{2}(?=\/)/, '')}`),
    el('td', { className: 'mono' }, call.if_match || ''),
    el('td', { className: 'mono' }, call.etag || ''),
    el('td', {}, call.duration_ms.toFixed(1)));
}

function renderJournal() {
  const calls = state.journal.failedOnly ? state.journal.calls.filter((call) => call.status >= 400)
    : state.journal.calls;
  $('#journal tbody').replaceChildren(...calls.map(journalRow));
}

async function pollJournal() {
  if (state.journal.paused) return;
  const data = await api('GET', `/requests?after=${state.journal.after}&limit=${JOURNAL_KEPT}`);
  if (data.requests.length) {
    state.journal.calls = data.requests.concat(state.journal.calls).slice(0, JOURNAL_KEPT);
    renderJournal();
  }
  state.journal.after = Math.max(state.journal.after, data.last_sequence);
}

// ----- wiring ---------------------------------------------------------------------------------

// One refresh at a time; one asked for meanwhile (a button, a filter) runs right after it, so
// what a click changed shows at once rather than at the next period.
let refreshing = null;
let again = false;
async function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      try {
        await Promise.all([loadClock(), loadSettings(), loadAccounts(), loadResources(), loadFaults()]);
        if (state.selected) await loadDetail();
        tick();
      } catch (error) {
        notify(`Cannot reach the emulator: ${error.message}`, true);
      }
    } while (again);
  })();
  try {
    await refreshing;
  } finally {
    refreshing = null;
  }
}

function wire() {
  $('#token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('#token').value);
    $('#token').value = '';
    $('#token-form').hidden = true;
    notify('');
    refresh().then(() => pollJournal()).catch((error) => notify(error.message, true));
  });
  $('#settle-all').addEventListener('click', () => act(async () => {
    const { settled } = await api('POST', '/settle', {});
    return `Settled ${settled} resource${settled === 1 ? '' : 's'}.`;
  }));
  $('#advance').addEventListener('click', () => act(async () => {
    const seconds = Number($('#advance-seconds').value);
    if (!(seconds > 0)) throw new Error('Advance by a number of seconds greater than 0.');
    await api('POST', '/clock', { advance_seconds: seconds });
    return `Advanced the clock by ${duration(seconds * 1000)}.`;
  }));
  $('#reset').addEventListener('click', () => {
    if (!window.confirm('Reset the emulator? Every account\'s resources, the fault rules, the journal and the clock offset are forgotten.')) return;
    act(async () => {
      await api('POST', '/reset', {});
      closeDetail();
      state.account = '';
      state.kind = '';
      state.markers = [''];
      state.journal.calls = [];
      renderJournal();
      return 'The emulator was reset.';
    });
  });
  // Both buttons move from the page shown, which a request still out may not have replaced yet.
  $('#prev-page').addEventListener('click', () => {
    if (!state.page || state.page.index === 0) return;
    state.markers = state.markers.slice(0, state.page.index);
    refresh();
  });
  $('#next-page').addEventListener('click', () => {
    if (!state.page || !state.page.next_marker) return;
    state.markers = [...state.markers.slice(0, state.page.index + 1), state.page.next_marker];
    refresh();
  });
  let typing;
  $('#search').addEventListener('input', (event) => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      state.search = event.target.value.trim();
      restartPaging();
    }, 250);
  });
  $('#status-filter').addEventListener('change', (event) => {
    state.status = event.target.value;
    restartPaging();
  });
  $('#detail-close').addEventListener('click', closeDetail);
  $('#detail-settle').addEventListener('click', () => act(async () => {
    const { id, account } = state.selected;
    const { settled } = await api('POST', '/settle', { id, account });
    return settled ? `Settled ${id}.` : `${id} had nothing in progress.`;
  }));
  for (const tab of document.querySelectorAll('.tabs button')) {
    tab.addEventListener('click', () => {
      state.format = tab.dataset.format;
      renderConfig();
    });
  }
  $('#failed-only').addEventListener('change', (event) => {
    state.journal.failedOnly = event.target.checked;
    renderJournal();
  });
  $('#journal-pause').addEventListener('click', () => {
    state.journal.paused = !state.journal.paused;
    $('#journal-pause').textContent = state.journal.paused ? 'Resume' : 'Pause';
    $('#journal-state').textContent = state.journal.paused ? 'paused' : 'live';
    $('#journal-state').classList.toggle('paused', state.journal.paused);
  });
  $('#journal-clear').addEventListener('click', () => act(async () => {
    await api('DELETE', '/requests');
    state.journal.calls = [];
    renderJournal();
    return 'The journal was cleared.';
  }));
  $('#faults-clear').addEventListener('click', () => act(async () => {
    const { removed } = await api('DELETE', '/faults');
    return `Removed ${removed} fault rule${removed === 1 ? '' : 's'}.`;
  }));
}

// Polls only while the page is visible: a dashboard left open in a tab costs nothing.
function every(ms, job) {
  const run = () => {
    if (!document.hidden) job().catch((error) => notify(error.message, true));
  };
  setInterval(run, ms);
}

takeTokenFromAddress();
wire();
refresh().then(() => pollJournal()).catch((error) => notify(error.message, true));
every(REFRESH_MS, refresh);
every(JOURNAL_POLL_MS, pollJournal);
setInterval(tick, 250);
