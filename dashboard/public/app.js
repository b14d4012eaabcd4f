// Clove dashboard page: plain DOM code, no framework, nothing fetched from anywhere but this server.
// Data is always put in the page as text (textContent), never as HTML.
'use strict';

const $ = (selector) => document.querySelector(selector);

/** Builds an element: el('td', { class: 'n' }, 'text', child, ...). */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else if (key === 'style') Object.assign(node.style, value); // CSSOM: allowed by the page's CSP, unlike style attributes.
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function fill(tbody, rows, empty, columns) {
  tbody.replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: columns, class: 'note' }, empty))]));
}

/**
 * Updates a live table in place: rows are matched by data-key and only cells whose text changed are
 * replaced, so buttons and selections survive the once-a-second refresh.
 */
function patchRows(tbody, rows, empty, columns) {
  if (!rows.length) return fill(tbody, rows, empty, columns);
  const old = new Map([...tbody.rows].filter((r) => r.dataset.key !== undefined).map((r) => [r.dataset.key, r]));
  const next = rows.map((row) => {
    const prev = old.get(row.dataset.key);
    if (!prev || prev.cells.length !== row.cells.length) return row;
    for (const name of prev.getAttributeNames()) if (!row.hasAttribute(name)) prev.removeAttribute(name);
    for (const name of row.getAttributeNames()) if (prev.getAttribute(name) !== row.getAttribute(name)) prev.setAttribute(name, row.getAttribute(name));
    [...row.cells].forEach((cell, i) => {
      const current = prev.cells[i];
      if (current.textContent !== cell.textContent || current.className !== cell.className) prev.replaceChild(cell, current);
    });
    return prev;
  });
  const same = next.length === tbody.rows.length && next.every((row, i) => tbody.rows[i] === row);
  if (!same) tbody.replaceChildren(...next);
}

async function api(path, options = {}) {
  const init = { ...options, headers: { ...(options.body ? { 'Content-Type': 'application/json' } : {}) } };
  const response = await fetch(path, init);
  if (response.status === 401) {
    location.reload(); // The session is gone (the dashboard restarted): the server shows the sign-in page.
    throw new Error('signed out');
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error ? `[${body.error.code}] ${body.error.message}` : `${response.status} ${response.statusText}`);
  return body;
}

const fmt = {
  bytes(n) {
    if (n === null || n === undefined) return '-';
    const units = ['B', 'KiB', 'MiB', 'GiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) (n /= 1024), i++;
    return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
  },
  age(since, until) {
    const s = Math.max(0, Math.round(((until ?? Date.now()) - since) / 1000));
    if (s < 60) return `${s}s`;
    if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`;
    return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
  },
  /** A span of (world) time: `250 ms`, `42s`, `1h`, `2h5m30s`. */
  span(ms) {
    if (ms < 1000) return `${ms} ms`;
    const s = Math.round(ms / 1000);
    const parts = [[Math.floor(s / 3600), 'h'], [Math.floor((s % 3600) / 60), 'm'], [s % 60, 's']].filter(([n]) => n > 0);
    return parts.map(([n, unit]) => `${n}${unit}`).join('');
  },
  time: (ms) => new Date(ms).toISOString().replace('T', ' ').replace('Z', ''),
  pct: (x) => `${(x * 100).toFixed(0)}%`,
  num: (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? '-' : Number(x).toFixed(d)),
  json(value, max = 400) {
    const text = JSON.stringify(value);
    return text === undefined ? '' : text.length > max ? `${text.slice(0, max)}…` : text;
  },
};

const state = { snapshot: null, events: [], world: null, worldTimeline: -1, logsOf: null };

// ---------- kernel state, counts, live stream ----------

function showKernel(kernel) {
  const pill = $('#kernel-state');
  pill.textContent = kernel.up ? `kernel ${kernel.version ?? ''} up` : 'kernel down';
  pill.className = `pill ${kernel.up ? 'up' : 'down'}`;
  const banner = $('#banner');
  banner.hidden = kernel.up;
  if (!kernel.up) banner.textContent = `No kernel on ${kernel.socket}: ${kernel.reason ?? 'not connected'}. Reconnecting…`;
}

let stream = null;
function connectStream() {
  stream = new EventSource('/api/stream');
  stream.addEventListener('kernel', (e) => showKernel(JSON.parse(e.data)));
  stream.addEventListener('snapshot', (e) => onSnapshot(JSON.parse(e.data)));
  stream.addEventListener('event', (e) => onEvent(JSON.parse(e.data)));
  stream.addEventListener('open', () => {
    document.body.dataset.live = 'true';
  });
  stream.addEventListener('error', () => {
    document.body.dataset.live = 'false';
    const banner = $('#banner');
    banner.hidden = false;
    banner.textContent = 'Lost the connection to the dashboard; reconnecting…';
    if (stream.readyState === EventSource.CLOSED) {
      // The browser gave up (e.g. the dashboard restarted and answered 401): check, then retry.
      stream = null;
      setTimeout(() => api('/api/snapshot').then(connectStream, () => setTimeout(connectStream, 2000)), 1000);
    }
  });
}

function onSnapshot(snapshot) {
  state.snapshot = snapshot;
  showKernel(snapshot.kernel);
  $('#count-running').textContent = snapshot.counts.running;
  $('#count-stopped').textContent = snapshot.counts.stopped;
  $('#count-failed').textContent = snapshot.counts.failed;
  renderAgents();
  renderWorlds();
  $('#world-names').replaceChildren(...snapshot.worlds.map((w) => el('option', { value: w.name })));
}

// ---------- agents ----------

/** Agents in process-hierarchy order: each child right after its parent, with its depth. */
function hierarchy(agents) {
  const ids = new Set(agents.map((a) => a.id));
  const children = new Map();
  for (const a of agents) {
    const parent = a.parentId !== null && ids.has(a.parentId) ? a.parentId : null;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(a);
  }
  const out = [];
  const walk = (parent, depth) => {
    for (const a of (children.get(parent) || []).sort((x, y) => x.id - y.id)) {
      out.push({ agent: a, depth });
      walk(a.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

const LIVE = new Set(['starting', 'running', 'paused', 'restarting']);

function renderAgents() {
  if (!state.snapshot) return;
  const showEnded = $('#show-ended').checked;
  const agents = state.snapshot.agents.filter((a) => showEnded || LIVE.has(a.state));
  const rows = hierarchy(agents).map(({ agent: a, depth }) =>
    el(
      'tr',
      { 'data-key': a.id, 'data-agent': a.id, 'data-state': a.state },
      el('td', { class: 'n' }, a.id),
      el('td', {}, depth ? el('span', { class: 'tree' }, `${'  '.repeat(depth - 1)}└ `) : null, a.name),
      el('td', { class: `state-${a.state}` }, a.state),
      el('td', { class: 'n' }, a.pid ?? '-'),
      el('td', { class: 'n' }, fmt.age(a.startedAt, a.endedAt)),
      el('td', { class: 'n' }, a.cpuPercent === null ? '-' : `${a.cpuPercent.toFixed(1)}%`),
      el('td', { class: 'n' }, fmt.bytes(a.rssBytes)),
      el('td', { class: 'mono' }, a.isolation),
      el('td', {}, a.world ?? ''),
      el('td', {}, a.endReason ?? (a.restarts ? `${a.restarts} restarts` : '')),
      el(
        'td',
        {},
        el('button', { class: 'plain', type: 'button', onclick: () => showLogs(a) }, 'logs'),
        ' ',
        LIVE.has(a.state) ? el('button', { class: 'danger', type: 'button', 'data-kill': a.id, onclick: () => kill(a) }, 'kill') : null,
      ),
    ),
  );
  patchRows($('#agents-table tbody'), rows, 'no agents', 11);
}

async function kill(agent) {
  const result = $('#spawn-result');
  try {
    const r = await api(`/api/agents/${agent.id}/kill`, { method: 'POST', body: JSON.stringify({ signal: 'SIGTERM' }) });
    result.textContent = `${r.agent.name} (#${r.agent.id}): ${r.agent.state}`;
  } catch (error) {
    result.textContent = error.message;
  }
}

async function showLogs(agent) {
  const box = $('#agent-logs');
  box.hidden = false;
  $('#agent-logs-title').textContent = `Output of ${agent.name} (#${agent.id})`;
  try {
    const { lines } = await api(`/api/agents/${agent.id}/logs`);
    box.querySelector('pre').textContent = lines.map((l) => (l.stream === 'stderr' ? `! ${l.text}` : l.text)).join('\n') || '(no output)';
  } catch (error) {
    box.querySelector('pre').textContent = error.message;
  }
}

$('#show-ended').addEventListener('change', renderAgents);
$('#spawn-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const args = String(form.get('args') || '').trim();
  const body = {
    script: form.get('script'),
    args: args ? args.split(/\s+/) : [],
    name: form.get('name') || undefined,
    world: form.get('world') || undefined,
    sandboxed: form.get('sandboxed') === 'on',
  };
  const result = $('#spawn-result');
  try {
    const a = await api('/api/agents', { method: 'POST', body: JSON.stringify(body) });
    result.textContent = `started ${a.name} (#${a.id}, pid ${a.pid})`;
    result.className = 'note ok';
  } catch (error) {
    result.textContent = error.message;
    result.className = 'note bad';
  }
});

// ---------- worlds ----------

function renderWorlds() {
  if (!state.snapshot) return;
  const rows = state.snapshot.worlds.map((w) =>
    el(
      'tr',
      { class: `clickable${state.world === w.name ? ' selected' : ''}`, 'data-key': w.name, 'data-world': w.name, onclick: () => (location.hash = `#worlds/${encodeURIComponent(w.name)}`) },
      el('td', {}, w.name),
      el('td', {}, w.clockMode),
      el('td', {}, w.time),
      el('td', { class: 'n' }, w.files),
      el('td', { class: 'n' }, w.agents.length),
      el('td', { class: 'n' }, w.timelineLength),
      el('td', { class: 'n' }, w.requests),
      el('td', { class: 'n' }, w.pendingEvents),
    ),
  );
  patchRows($('#worlds-table tbody'), rows, 'no worlds', 8);
  const selected = state.snapshot.worlds.find((w) => w.name === state.world);
  if (selected && selected.timelineLength !== state.worldTimeline) void loadWorld(state.world);
}

async function loadWorld(name) {
  state.world = name;
  const box = $('#world-detail');
  box.hidden = false;
  $('#world-title').textContent = `World ${name}`;
  let detail;
  try {
    detail = await api(`/api/worlds/${encodeURIComponent(name)}`);
  } catch (error) {
    $('#world-info').textContent = error.message;
    return;
  }
  if (state.world !== name) return;
  const w = detail.world;
  state.worldTimeline = w.timelineLength;
  $('#world-info').textContent = `seed ${w.seed}, clock ${w.clockMode} at ${w.time} (+${w.elapsedMs} ms); ${w.files} files; agents ${w.agents.join(', ') || 'none'}; state ${w.stateHash.slice(0, 16)}…`;
  fill(
    $('#timeline-table tbody'),
    detail.timeline.map((t) =>
      el('tr', { 'data-seq': t.seq, 'data-type': t.type }, el('td', { class: 'n' }, t.seq), el('td', {}, fmt.time(t.time)), el('td', { class: 'n' }, t.elapsedMs), el('td', {}, t.type), el('td', {}, t.source), el('td', {}, t.name ?? ''), el('td', { class: 'mono' }, fmt.json(t.params)), el('td', {}, t.note ?? '')),
    ),
    detail.timelineDropped ? `${detail.timelineDropped} older entries dropped` : 'nothing happened yet',
    8,
  );
  fill(
    $('#requests-table tbody'),
    detail.requests.map((r) => el('tr', {}, el('td', {}, fmt.time(Number(r.time))), el('td', {}, r.agent ?? ''), el('td', {}, r.method), el('td', { class: 'mono' }, r.url), el('td', { class: 'n' }, r.status ?? '-'), el('td', {}, r.route ?? r.error ?? ''))),
    'no requests',
    6,
  );
  const diff = [...detail.diff.added.map((p) => ['A', p]), ...detail.diff.modified.map((p) => ['M', p]), ...detail.diff.deleted.map((p) => ['D', p])];
  $('#world-diff').replaceChildren(...(diff.length ? diff.map(([k, p]) => el('li', { class: k }, `${k} ${p}`)) : [el('li', { class: 'note' }, 'no changes')]));
}

$('#event-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const out = $('#event-result');
  let params = {};
  try {
    const raw = String(form.get('params') || '').trim();
    if (raw) params = JSON.parse(raw);
  } catch (error) {
    out.textContent = `parameters are not JSON: ${error.message}`;
    return;
  }
  try {
    const { entry } = await api(`/api/worlds/${encodeURIComponent(state.world)}/events`, { method: 'POST', body: JSON.stringify({ type: form.get('type'), params }) });
    out.textContent = entry ? `#${entry.seq} ${entry.type}${entry.note ? `: ${entry.note}` : ''}` : 'scheduled';
    void loadWorld(state.world);
  } catch (error) {
    out.textContent = error.message;
  }
});

// ---------- events ----------

function eventRow(ev) {
  return el('tr', { 'data-type': ev.type }, el('td', { class: 'n' }, ev.seq), el('td', {}, fmt.time(ev.time)), el('td', {}, ev.type), el('td', { class: 'n' }, ev.source ?? ''), el('td', { class: 'mono' }, fmt.json(ev.data)));
}

function renderEvents() {
  const type = $('#event-type').value;
  const events = state.events.filter((e) => !type || e.type === type).slice(-500).reverse();
  fill($('#events-table tbody'), events.map(eventRow), 'no events yet', 5);
  const types = [...new Set(state.events.map((e) => e.type))].sort();
  const select = $('#event-type');
  if (select.options.length - 1 !== types.length) {
    select.replaceChildren(el('option', { value: '' }, 'all'), ...types.map((t) => el('option', { value: t, selected: t === type }, t)));
  }
}

const seen = new Set();
function onEvent(ev) {
  const id = `${ev.seq}@${ev.time}`;
  if (seen.has(id)) return;
  seen.add(id);
  state.events.push(ev);
  if (state.events.length > 2000) state.events.splice(0, state.events.length - 2000);
  if (!$('#view-events').hidden) renderEvents();
  if (ev.type === 'WORLD_EVENT' && state.world && ev.data.world === state.world) void loadWorld(state.world);
}
$('#event-type').addEventListener('change', renderEvents);

// ---------- audit ----------

async function loadAudit() {
  const query = new URLSearchParams();
  for (const [key, value] of new FormData($('#audit-form'))) if (value) query.set(key, String(value));
  try {
    const page = await api(`/api/audit?${query}`);
    $('#audit-info').textContent = `${page.matched} matching records${page.run ? ` of run ${page.run}` : ' of every run'} in ${page.path}${page.matched > page.records.length ? `; the newest ${page.records.length} shown` : ''}`;
    fill(
      $('#audit-table tbody'),
      page.records.map((r) =>
        el(
          'tr',
          { class: r.decision === 'denied' ? 'bad' : '' },
          el('td', {}, fmt.time(r.time)),
          el('td', {}, r.caller.role === 'agent' ? `${r.caller.agent_name ?? '?'}#${r.caller.agent_id ?? '?'}` : r.caller.role),
          el('td', {}, r.opcode),
          el('td', {}, r.decision),
          el('td', {}, r.rule ?? ''),
          el('td', { class: 'n' }, r.duration_ms.toFixed(2)),
          el('td', {}, r.error ?? ''),
          el('td', { class: 'mono' }, r.args.length > 200 ? `${r.args.slice(0, 200)}…` : r.args),
        ),
      ),
      'no records match',
      8,
    );
  } catch (error) {
    $('#audit-info').textContent = error.message;
  }
}
$('#audit-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void loadAudit();
});

// ---------- results ----------

function rateCell(rate, low, high, label) {
  return el(
    'div',
    { class: 'rate' },
    el('div', { class: 'bar', title: `${fmt.pct(rate)} (95% interval ${fmt.pct(low)}–${fmt.pct(high)})` }, el('div', { class: 'fill', style: { width: `${rate * 100}%` } }), el('div', { class: 'ci', style: { left: `${low * 100}%`, width: `${Math.max(0.5, (high - low) * 100)}%` } })),
    el('span', {}, `${label} ${fmt.pct(rate)} [${fmt.pct(low)}–${fmt.pct(high)}]`),
  );
}

const resultsLink = (kind, params, text) => el('a', { href: `#results/${kind}?${new URLSearchParams(params)}` }, text);

async function resultsIndex(body) {
  const list = await api('/api/results');
  const runs = list.runs.map((r, i) =>
    el(
      'tr',
      {},
      el('td', {}, el('input', { type: 'radio', name: 'base', value: r.path, checked: i === 1 })),
      el('td', {}, el('input', { type: 'radio', name: 'next', value: r.path, checked: i === 0 })),
      el('td', {}, resultsLink('run', { path: r.path }, r.path)),
      el('td', {}, r.suite),
      el('td', { class: 'n' }, `${r.successes}/${r.episodes}`),
      el('td', {}, r.startedAt),
      el('td', {}, r.complete ? 'complete' : 'partial'),
    ),
  );
  const compare = el('button', {
    type: 'button',
    onclick: () => {
      const base = body.querySelector('input[name=base]:checked');
      const next = body.querySelector('input[name=next]:checked');
      if (base && next) location.hash = `#results/compare?${new URLSearchParams({ base: base.value, next: next.value })}`;
    },
  }, 'Compare base → new');
  const runTable = el('table', { id: 'runs-table' }, el('thead', {}, el('tr', {}, el('th', {}, 'base'), el('th', {}, 'new'), el('th', {}, 'Run'), el('th', {}, 'Suite'), el('th', { class: 'n' }, 'Succeeded'), el('th', {}, 'Started'), el('th', {}, ''))), el('tbody'));
  fill(runTable.tBodies[0], runs, 'no bench runs here', 7);
  body.replaceChildren(
    el('h2', {}, `Results in ${list.root}`),
    el('h3', {}, 'Bench runs'),
    runTable,
    list.runs.length > 1 ? el('p', {}, compare) : null,
    el('h3', {}, 'Gym recordings'),
    list.recordings.length ? el('ul', {}, list.recordings.map((r) => el('li', {}, resultsLink('trajectory', { path: r.path }, r.path), ` (${fmt.bytes(r.bytes)})`))) : el('p', { class: 'note' }, 'no .jsonl recordings outside bench runs'),
    list.problems.length ? el('div', {}, el('h3', {}, 'Could not read'), el('ul', {}, list.problems.map((p) => el('li', { class: 'bad' }, `${p.path}: ${p.message}`)))) : null,
  );
}

function groupsTable(run) {
  return el(
    'table',
    { class: 'groups' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Scenario'), el('th', {}, 'Agent'), el('th', {}, 'Success (95% Wilson interval)'), el('th', { class: 'n' }, 'Reward'), el('th', { class: 'n' }, 'Steps'), el('th', { class: 'n' }, 'Wall ms'), el('th', { class: 'n' }, 'World ms'))),
    el(
      'tbody',
      {},
      run.groups.map((g) =>
        el(
          'tr',
          { 'data-group': `${g.scenario}|${g.agentId}` },
          el('td', {}, g.scenario),
          el('td', {}, g.agentId),
          el('td', {}, rateCell(g.successRate, g.successInterval.low, g.successInterval.high, `${g.successes}/${g.episodes}`)),
          el('td', { class: 'n' }, `${fmt.num(g.rewardMean)} [${fmt.num(g.rewardInterval.low)}–${fmt.num(g.rewardInterval.high)}]`),
          el('td', { class: 'n' }, fmt.num(g.steps.median, 0)),
          el('td', { class: 'n' }, fmt.num(g.wallMs.median, 0)),
          el('td', { class: 'n' }, fmt.num(g.virtualMs.median, 0)),
        ),
      ),
    ),
  );
}

async function resultsRun(body, path) {
  const run = await api(`/api/results/run?${new URLSearchParams({ path })}`);
  const failures = run.episodes.filter((e) => !e.success);
  body.replaceChildren(
    el('p', {}, resultsLink('', {}, '← all results')),
    el('h2', {}, `${run.suite.name}: ${run.total.successes}/${run.total.episodes} succeeded (${fmt.pct(run.total.successRate)} [${fmt.pct(run.total.successInterval.low)}–${fmt.pct(run.total.successInterval.high)}])`),
    el('p', { class: 'note' }, `${run.path} · started ${run.run.startedAt} · ${run.run.complete ? 'complete' : 'partial'} · ${run.environment.sandbox} · clove ${run.environment.clove}`),
    el('h3', {}, 'Success per scenario × agent'),
    groupsTable(run),
    el('h3', {}, `Episodes that did not succeed (${failures.length})`),
    failures.length
      ? el(
          'table',
          { id: 'failures-table' },
          el('thead', {}, el('tr', {}, el('th', {}, 'Episode'), el('th', {}, 'Outcome'), el('th', {}, 'Failed checks'), el('th', {}, 'Trajectory'))),
          el(
            'tbody',
            {},
            failures.map((e) =>
              el(
                'tr',
                { 'data-key': e.key },
                el('td', {}, `${e.scenario} · ${e.agentId} · seed ${e.seed}${e.repeat ? ` · repeat ${e.repeat}` : ''}`),
                el('td', { class: 'bad' }, `${e.outcome} (${e.reason}), reward ${fmt.num(e.reward)}`),
                el('td', {}, el('ul', { class: 'checks' }, [...e.failedChecks.map((c) => el('li', {}, el('b', {}, c.id), `: ${c.message}`)), e.error ? el('li', { class: 'bad' }, `[${e.error.code}] ${e.error.message}`) : null])),
                el('td', {}, e.trajectory ? resultsLink('trajectory', { path: e.trajectory }, `${e.steps} step${e.steps === 1 ? '' : 's'}`) : el('span', { class: 'note' }, 'not recorded')),
              ),
            ),
          ),
        )
      : el('p', { class: 'ok' }, 'every episode succeeded'),
    el('h3', {}, 'All episodes'),
    el(
      'table',
      {},
      el('thead', {}, el('tr', {}, el('th', {}, 'Scenario'), el('th', {}, 'Agent'), el('th', { class: 'n' }, 'Seed'), el('th', {}, 'Outcome'), el('th', { class: 'n' }, 'Reward'), el('th', { class: 'n' }, 'Steps'), el('th', { class: 'n' }, 'Wall ms'), el('th', { class: 'n' }, 'World ms'), el('th', {}, ''))),
      el(
        'tbody',
        {},
        run.episodes.map((e) =>
          el(
            'tr',
            {},
            el('td', {}, e.scenario),
            el('td', {}, e.agentId),
            el('td', { class: 'n' }, e.seed),
            el('td', { class: e.success ? 'ok' : 'bad' }, e.outcome),
            el('td', { class: 'n' }, fmt.num(e.reward)),
            el('td', { class: 'n' }, e.steps),
            el('td', { class: 'n' }, fmt.num(e.wallMs, 0)),
            el('td', { class: 'n' }, e.virtualMs),
            el('td', {}, e.trajectory ? resultsLink('trajectory', { path: e.trajectory }, 'trajectory') : ''),
          ),
        ),
      ),
    ),
  );
}

async function resultsTrajectory(body, path) {
  const t = await api(`/api/results/trajectory?${new URLSearchParams({ path })}`);
  body.replaceChildren(
    el('p', {}, resultsLink('', {}, '← all results')),
    el('h2', {}, `Trajectory ${t.path}`),
    ...t.episodes.map((ep, i) => {
      const start = ep.steps.length ? (ep.steps[0].worldTime ?? 0) : 0;
      const r = ep.record;
      const failed = r ? r.checks.filter((c) => !c.passed) : [];
      return el(
        'div',
        { class: 'episode', 'data-episode': i + 1 },
        el('h3', {}, `Episode ${i + 1}: ${ep.scenario}, seed ${ep.seed}`, r ? el('span', { class: r.success ? 'ok' : 'bad' }, ` — ${r.outcome} (${r.reason}), reward ${fmt.num(r.reward)}`) : el('span', { class: 'warn' }, ' — did not end in this file')),
        el(
          'table',
          { class: 'steps' },
          el('thead', {}, el('tr', {}, el('th', { class: 'n' }, 'Step'), el('th', {}, 'Action'), el('th', {}, 'Observation'), el('th', { class: 'n' }, 'Reward'), el('th', {}, 'World time'), el('th', {}, ''))),
          el(
            'tbody',
            {},
            ep.steps.map((s) =>
              el(
                'tr',
                { 'data-step': s.step },
                el('td', { class: 'n' }, s.step),
                el('td', {}, el('b', {}, s.action.tool ?? '?'), el('pre', {}, JSON.stringify(s.action.args ?? s.action, null, 1))),
                el('td', {}, el('pre', { class: s.observation.type === 'failure' ? 'bad' : '' }, JSON.stringify(s.observation.type === 'result' ? s.observation.result : s.observation.type === 'failure' ? s.observation.error : s.observation, null, 1))),
                el('td', { class: 'n' }, fmt.num(s.reward, 3)),
                el('td', {}, s.worldTime === null ? '-' : `${fmt.time(s.worldTime)} (+${fmt.span(s.worldTime - start)})`),
                el('td', {}, s.terminated ? 'terminated' : s.truncated ? 'truncated' : ''),
              ),
            ),
          ),
        ),
        r
          ? el('div', {}, el('h3', {}, 'Checks'), el('ul', { class: 'checks' }, r.checks.map((c) => el('li', { class: c.passed ? 'ok' : 'bad' }, `${c.passed ? '✓' : '✗'} ${c.id}: ${c.message}`))), failed.length === 0 && !r.success && r.error ? el('p', { class: 'bad' }, `[${r.error.code}] ${r.error.message}`) : null)
          : null,
      );
    }),
  );
}

async function resultsCompare(body, base, next) {
  const v = await api(`/api/results/compare?${new URLSearchParams({ base, next })}`);
  const c = v.comparison;
  const change = (x) => el('td', { class: x === 'regression' ? 'bad' : x === 'improvement' ? 'ok' : 'note' }, x);
  const rows = c.success.map((s) => {
    const b = v.base.groups.find((g) => g.scenario === s.scenario && g.agentId === s.agentId);
    const n = v.next.groups.find((g) => g.scenario === s.scenario && g.agentId === s.agentId);
    return el(
      'tr',
      { 'data-group': `${s.scenario}|${s.agentId}` },
      el('td', {}, s.scenario),
      el('td', {}, s.agentId),
      el('td', {}, b ? rateCell(b.successRate, b.successInterval.low, b.successInterval.high, `${b.successes}/${b.episodes}`) : '-'),
      el('td', {}, n ? rateCell(n.successRate, n.successInterval.low, n.successInterval.high, `${n.successes}/${n.episodes}`) : '-'),
      el('td', { class: 'n' }, `−${s.lost} / +${s.gained}`),
      el('td', { class: 'n' }, fmt.num(s.pAdjusted, 3)),
      change(s.change),
    );
  });
  body.replaceChildren(
    el('p', {}, resultsLink('', {}, '← all results')),
    el('h2', { class: c.verdict === 'pass' ? 'ok' : 'bad' }, `Compare: ${c.verdict} (${c.regressions} regressions, ${c.improvements} improvements, ${c.pairs} paired episodes)`),
    el('div', { class: 'grid2' }, el('p', {}, el('b', {}, 'base '), v.base.path, ` · ${v.base.run.startedAt}`), el('p', {}, el('b', {}, 'new '), v.next.path, ` · ${v.next.run.startedAt}`)),
    el('h3', {}, 'Success, side by side (McNemar on seed-paired episodes, Holm-adjusted p)'),
    el('table', { id: 'compare-table' }, el('thead', {}, el('tr', {}, el('th', {}, 'Scenario'), el('th', {}, 'Agent'), el('th', {}, 'Base'), el('th', {}, 'New'), el('th', { class: 'n' }, 'lost / gained'), el('th', { class: 'n' }, 'p'), el('th', {}, 'Change'))), el('tbody', {}, rows)),
    el('h3', {}, 'Figures (median ratio new/base with bootstrap 95% interval)'),
    el(
      'table',
      {},
      el('thead', {}, el('tr', {}, el('th', {}, 'Scenario'), el('th', {}, 'Agent'), el('th', {}, 'Metric'), el('th', { class: 'n' }, 'Base median'), el('th', { class: 'n' }, 'New median'), el('th', { class: 'n' }, 'Ratio [95%]'), el('th', {}, 'Change'))),
      el('tbody', {}, c.figures.map((f) => el('tr', {}, el('td', {}, f.scenario), el('td', {}, f.agentId), el('td', {}, f.metric), el('td', { class: 'n' }, fmt.num(f.baseMedian, 1)), el('td', { class: 'n' }, fmt.num(f.newMedian, 1)), el('td', { class: 'n' }, `${fmt.num(f.ratio)} [${fmt.num(f.low)}–${fmt.num(f.high)}]`), change(f.change)))),
    ),
    c.onlyInBase.length || c.onlyInNew.length ? el('p', { class: 'warn' }, `${c.onlyInBase.length} episodes only in base, ${c.onlyInNew.length} only in new`) : null,
  );
}

async function showResults(route, params) {
  const body = $('#results-body');
  try {
    if (route === 'run') await resultsRun(body, params.get('path') || '');
    else if (route === 'trajectory') await resultsTrajectory(body, params.get('path') || '');
    else if (route === 'compare') await resultsCompare(body, params.get('base') || '', params.get('next') || '');
    else await resultsIndex(body);
  } catch (error) {
    body.replaceChildren(el('p', {}, resultsLink('', {}, '← all results')), el('p', { class: 'bad' }, error.message));
  }
  document.body.dataset.results = route || 'index';
}

// ---------- navigation ----------

function route() {
  const hash = decodeURIComponent(location.hash.slice(1)) || 'agents';
  const [view, rest = ''] = hash.split(/\/(.*)/s);
  const name = ['agents', 'worlds', 'events', 'audit', 'results'].includes(view) ? view : 'agents';
  for (const section of document.querySelectorAll('.view')) section.hidden = section.id !== `view-${name}`;
  for (const link of document.querySelectorAll('header nav a')) link.classList.toggle('active', link.dataset.view === name);
  if (name === 'worlds' && rest) void loadWorld(rest);
  if (name === 'events') renderEvents();
  if (name === 'audit') void loadAudit();
  if (name === 'results') {
    const [kind, query = ''] = location.hash.slice('#results/'.length).split('?');
    void showResults(location.hash.startsWith('#results/') ? kind : '', new URLSearchParams(query));
  }
}

window.addEventListener('hashchange', route);
api('/api/events')
  .then(({ events }) => {
    for (const ev of events) onEvent(ev);
    state.events.sort((a, b) => a.time - b.time || a.seq - b.seq);
    if (!$('#view-events').hidden) renderEvents();
  })
  .catch(() => undefined);
route();
connectStream();
