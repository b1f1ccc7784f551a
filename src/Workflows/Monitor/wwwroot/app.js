// The monitor: a dependency-free single page over the host's own APIs (the durable management API and /api).
'use strict';
(() => {
  const KEY = 'batchembed.adminKey';
  // The app's route prefix as the host serves it (/api by default), written into the page by the host.
  const API = document.querySelector('meta[name="batchembed-api"]').content;
  const STATUSES = ['Pending', 'Running', 'Completed', 'Failed', 'Terminated', 'Suspended'];
  const view = document.getElementById('view');
  let refreshTimer = null;
  const state = { instancePages: [null], instancePage: 0 };

  const key = () => sessionStorage.getItem(KEY) || localStorage.getItem(KEY);
  const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  const fmtTime = t => t ? new Date(t).toLocaleString() : '';
  // History rows: one form for every time column, local time to the millisecond (the events are ms apart).
  const fmtPrecise = t => {
    if (!t) return '';
    const d = new Date(t), p = (n, w = 2) => String(n).padStart(w, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
  };
  const usd = v => v == null ? '-' : '$' + Number(v).toFixed(6);
  const num = v => v == null ? '-' : Number(v).toLocaleString();
  const badge = s => `<span class="badge ${esc(s)}">${esc(s)}</span>`;
  const json = v => esc(v === undefined || v === null ? 'null' : JSON.stringify(v, null, 2));
  const age = t => { if (!t) return ''; const s = (Date.now() - new Date(t)) / 1000; return s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : s < 172800 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86400)} d`; };

  class ApiError extends Error { constructor(status, message) { super(message); this.status = status; } }

  async function api(path, options = {}) {
    const headers = Object.assign({ 'x-functions-key': key() || '' }, options.body ? { 'content-type': 'application/json' } : {});
    const r = await fetch(path, Object.assign({}, options, { headers }));
    const text = await r.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch { body = text; }
    if (r.status === 401) { signOut('Your key was refused; sign in again.'); throw new ApiError(401, 'unauthorized'); }
    if (!r.ok) throw new ApiError(r.status, (body && (body.detail || body.title)) || `${r.status} ${r.statusText}`);
    return { body, headers: r.headers, status: r.status };
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY); localStorage.removeItem(KEY);
    document.getElementById('nav').hidden = true;
    view.innerHTML = '';
    document.getElementById('login').hidden = false;
    document.getElementById('login-error').textContent = message || '';
    document.getElementById('key').focus();
  }

  document.getElementById('login-form').addEventListener('submit', async e => {
    e.preventDefault();
    const k = document.getElementById('key').value.trim();
    const r = await fetch('/runtime/webhooks/durabletask/instances?top=1', { headers: { 'x-functions-key': k } });
    if (r.status === 401) { document.getElementById('login-error').textContent = 'That key was refused: it must be the admin key.'; return; }
    (document.getElementById('remember').checked ? localStorage : sessionStorage).setItem(KEY, k);
    document.getElementById('key').value = '';
    route();
  });
  document.getElementById('signout').addEventListener('click', () => signOut('Signed out.'));

  function setRefresh(fn, ms) { clearInterval(refreshTimer); refreshTimer = fn ? setInterval(fn, ms) : null; }
  function showError(where, err) { where.innerHTML = `<p class="error" role="alert">${esc(err.message)}</p>`; }

  // ---------- Orchestrations ----------
  function instancesView() {
    view.innerHTML = `
      <div class="card"><h2>Orchestrations</h2>
      <form id="filters" class="filters" aria-label="Filter orchestrations">
        <div><label for="f-status">Status</label><select id="f-status"><option value="">Any</option>${STATUSES.map(s => `<option>${s}</option>`).join('')}</select></div>
        <div><label for="f-name">Name contains</label><input id="f-name" placeholder="SubmitEmbeddings"></div>
        <div><label for="f-prefix">Instance id prefix</label><input id="f-prefix" placeholder="submit-"></div>
        <div><label for="f-from">Created from</label><input id="f-from" type="datetime-local"></div>
        <div><label for="f-to">Created to</label><input id="f-to" type="datetime-local"></div>
        <div><label for="f-sort">Sort by</label><select id="f-sort"><option value="created-desc">Created, newest first</option><option value="created-asc">Created, oldest first</option><option value="updated-desc">Updated, newest first</option><option value="updated-asc">Updated, oldest first</option></select></div>
        <div><label for="f-top">Page size</label><select id="f-top"><option>25</option><option selected>50</option><option>100</option></select></div>
        <div><button type="submit" class="primary">Apply</button></div>
        <div><label class="inline"><input id="f-auto" type="checkbox" checked> Auto-refresh (5 s)</label></div>
      </form></div>
      <form id="goto" class="card filters" aria-label="Go to an instance"><div><label for="goto-id">Go to instance id</label><input id="goto-id" placeholder="ingest-lines" required></div><div><button type="submit">Open</button></div></form>
      <div class="card"><div class="table-wrap" id="instances"></div>
      <div class="actions"><button type="button" id="prev">Previous page</button><button type="button" id="next">Next page</button><span id="page" class="muted"></span></div></div>`;
    const load = () => loadInstances();
    document.getElementById('goto').addEventListener('submit', e => { e.preventDefault(); location.hash = '#/instance/' + encodeURIComponent(document.getElementById('goto-id').value.trim()); });
    document.getElementById('filters').addEventListener('submit', e => { e.preventDefault(); state.instancePages = [null]; state.instancePage = 0; load(); });
    document.getElementById('prev').addEventListener('click', () => { if (state.instancePage > 0) { state.instancePage--; load(); } });
    document.getElementById('next').addEventListener('click', () => { if (state.instancePages[state.instancePage + 1]) { state.instancePage++; load(); } });
    document.getElementById('f-auto').addEventListener('change', e => setRefresh(e.target.checked ? load : null, 5000));
    state.instancePages = [null]; state.instancePage = 0;
    load();
    setRefresh(load, 5000);
  }

  async function loadInstances() {
    const el = document.getElementById('instances'); if (!el) return;
    const q = new URLSearchParams({ top: document.getElementById('f-top').value, showInput: 'false' });
    const st = document.getElementById('f-status').value; if (st) q.set('runtimeStatus', st);
    const prefix = document.getElementById('f-prefix').value.trim(); if (prefix) q.set('instanceIdPrefix', prefix);
    const from = document.getElementById('f-from').value; if (from) q.set('createdTimeFrom', new Date(from).toISOString());
    const to = document.getElementById('f-to').value; if (to) q.set('createdTimeTo', new Date(to).toISOString());
    try {
      const token = state.instancePages[state.instancePage];
      const r = await fetchInstances(q, token);
      state.instancePages[state.instancePage + 1] = r.headers.get('x-ms-continuation-token');
      const name = document.getElementById('f-name').value.trim().toLowerCase();
      let rows = r.body.filter(i => !name || i.name.toLowerCase().includes(name));
      const [field, dir] = document.getElementById('f-sort').value.split('-');
      const k = field === 'created' ? 'createdTime' : 'lastUpdatedTime';
      rows.sort((a, b) => (a[k] < b[k] ? -1 : a[k] > b[k] ? 1 : 0) * (dir === 'asc' ? 1 : -1));
      document.getElementById('page').textContent = `Page ${state.instancePage + 1}${state.instancePages[state.instancePage + 1] ? '' : ' (last)'}`;
      document.getElementById('next').disabled = !state.instancePages[state.instancePage + 1];
      document.getElementById('prev').disabled = state.instancePage === 0;
      if (rows.length === 0) { el.innerHTML = '<p class="empty">No orchestrations match these filters.</p>'; return; }
      el.innerHTML = `<table><thead><tr><th>Instance id</th><th>Name</th><th>Status</th><th>Created</th><th>Updated</th><th>Custom status</th></tr></thead><tbody>${rows.map(i => `
        <tr><td><a href="#/instance/${encodeURIComponent(i.instanceId)}">${esc(i.instanceId)}</a></td><td>${esc(i.name)}</td><td>${badge(i.runtimeStatus)}</td>
        <td>${fmtTime(i.createdTime)}</td><td>${fmtTime(i.lastUpdatedTime)}</td><td class="wrap muted">${esc(i.customStatus ? JSON.stringify(i.customStatus) : '')}</td></tr>`).join('')}</tbody></table>`;
    } catch (e) { showError(el, e); }
  }

  async function fetchInstances(q, token) {
    const headers = { 'x-functions-key': key() || '' };
    if (token) headers['x-ms-continuation-token'] = token;
    const r = await fetch('/runtime/webhooks/durabletask/instances?' + q, { headers });
    if (r.status === 401) { signOut('Your key was refused; sign in again.'); throw new ApiError(401, 'unauthorized'); }
    if (!r.ok) throw new ApiError(r.status, `${r.status} ${r.statusText}`);
    return { body: await r.json(), headers: r.headers };
  }

  // ---------- Instance detail ----------
  async function instanceView(id) {
    view.innerHTML = `<div class="card"><p><a href="#/instances">&larr; Orchestrations</a></p><div id="detail"><p class="muted">Loading…</p></div></div>`;
    const load = async () => {
      const el = document.getElementById('detail'); if (!el) return;
      try {
        const r = await api(`/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}?showHistory=true&showHistoryOutput=true&showInput=true`);
        renderInstance(el, r.body);
        if (!['Running', 'Pending', 'Suspended'].includes(r.body.runtimeStatus)) setRefresh(null);
      } catch (e) { showError(el, e.status === 404 ? new Error(`There is no orchestration '${id}' (it may have been purged).`) : e); setRefresh(null); }
    };
    await load();
    setRefresh(load, 3000);
  }

  function renderInstance(el, i) {
    const history = i.historyEvents || [];
    el.innerHTML = `
      <h2>${esc(i.name)} <span class="muted">${esc(i.instanceId)}</span> ${badge(i.runtimeStatus)}</h2>
      <dl class="kv"><dt>Created</dt><dd>${fmtTime(i.createdTime)}</dd><dt>Updated</dt><dd>${fmtTime(i.lastUpdatedTime)}</dd></dl>
      <div class="actions" role="group" aria-label="Instance actions">
        <button type="button" class="danger" data-act="terminate">Terminate</button>
        <button type="button" data-act="suspend">Suspend</button>
        <button type="button" data-act="resume">Resume</button>
        <button type="button" data-act="raise">Raise event</button>
        <button type="button" data-act="restart">Restart</button>
        <button type="button" class="danger" data-act="purge">Purge</button>
        <span id="act-result" class="muted" role="status"></span>
      </div>
      <div class="grid">
        <div><h3>Input</h3><pre>${json(i.input)}</pre></div>
        <div><h3>Output</h3><pre>${json(i.output)}</pre></div>
        <div><h3>Custom status</h3><pre>${json(i.customStatus)}</pre></div>
      </div>
      <h3>Timeline</h3>${gantt(history)}
      <h3>History (${history.length} events)</h3>
      <div class="table-wrap"><table id="history"><thead><tr><th>#</th><th>Event</th><th>Name</th><th>Scheduled</th><th>Timestamp</th><th>Result or reason</th></tr></thead><tbody>${history.map((h, n) => `
        <tr><td class="num">${n + 1}</td><td>${esc(h.EventType)}</td><td>${esc(h.FunctionName || h.Name || '')}</td><td>${fmtPrecise(h.ScheduledTime)}</td><td>${fmtPrecise(h.Timestamp)}</td>
        <td class="wrap">${esc(h.Reason ? h.Reason : h.Result !== undefined ? JSON.stringify(h.Result).slice(0, 300) : h.OrchestrationStatus || '')}</td></tr>`).join('') || '<tr><td colspan="6" class="empty">No history.</td></tr>'}</tbody></table></div>`;
    el.querySelectorAll('[data-act]').forEach(b => b.addEventListener('click', () => act(i.instanceId, b.dataset.act)));
  }

  function gantt(history) {
    const spans = [];
    const created = new Map();
    for (const h of history) {
      if (h.EventType === 'TimerCreated') created.set(h.FireAt, h.Timestamp);
      if (['TaskCompleted', 'TaskFailed'].includes(h.EventType) && h.ScheduledTime) spans.push({ label: h.FunctionName, from: h.ScheduledTime, to: h.Timestamp, cls: h.EventType === 'TaskFailed' ? 'failed' : '' });
      if (['SubOrchestrationInstanceCompleted', 'SubOrchestrationInstanceFailed'].includes(h.EventType) && h.ScheduledTime) spans.push({ label: 'sub: ' + h.FunctionName, from: h.ScheduledTime, to: h.Timestamp, cls: h.EventType.endsWith('Failed') ? 'failed' : 'sub' });
      if (h.EventType === 'EventRaised' && h.Entity && h.ScheduledTime) spans.push({ label: 'entity: ' + h.Entity + ' ' + h.Operation, from: h.ScheduledTime, to: h.Timestamp, cls: 'entity' });
      if (h.EventType === 'TimerFired') spans.push({ label: 'timer', from: created.get(h.FireAt) || h.FireAt, to: h.Timestamp, cls: 'timer' });
    }
    if (spans.length === 0) return '<p class="empty">No activities, timers or sub-orchestrations have finished yet.</p>';
    const t0 = Math.min(...spans.map(s => Date.parse(s.from))), t1 = Math.max(...spans.map(s => Date.parse(s.to)));
    const total = Math.max(t1 - t0, 1);
    return `<div class="legend"><span><i style="background:#4c8ed9"></i>activity</span><span><i style="background:#b98900"></i>timer</span><span><i style="background:#8250df"></i>sub-orchestration</span><span><i style="background:#c62828"></i>failed</span><span class="muted">span ${(total / 1000).toFixed(2)} s</span></div>
      <div class="gantt" id="gantt" role="img" aria-label="Timeline of ${spans.length} activities, timers and sub-orchestrations">${spans.map(s => {
        const left = (Date.parse(s.from) - t0) / total * 100, width = (Date.parse(s.to) - Date.parse(s.from)) / total * 100;
        return `<div class="row"><div class="label" title="${esc(s.label)}">${esc(s.label)}</div><div class="track"><span class="seg ${s.cls}" style="left:${left}%;width:${width}%" title="${esc(s.label)}: ${((Date.parse(s.to) - Date.parse(s.from)) / 1000).toFixed(3)} s"></span></div></div>`;
      }).join('')}</div>`;
  }

  async function act(id, what) {
    const out = document.getElementById('act-result');
    const base = `/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}`;
    try {
      if (what === 'raise') {
        const name = prompt('Event name to raise:'); if (!name) return;
        const data = prompt('Event data (JSON):', '{}'); if (data === null) return;
        JSON.parse(data);
        if (!confirm(`Raise event '${name}' on ${id}?`)) return;
        await api(`${base}/raiseEvent/${encodeURIComponent(name)}`, { method: 'POST', body: data });
      } else {
        const verbs = { terminate: 'Terminate', suspend: 'Suspend', resume: 'Resume', restart: 'Restart', purge: 'Purge the history of' };
        if (!confirm(`${verbs[what]} ${id}?`)) return;
        if (what === 'purge') { await api(base, { method: 'DELETE' }); location.hash = '#/instances'; return; }
        await api(`${base}/${what}${what === 'restart' ? '' : '?reason=' + encodeURIComponent('from the monitor')}`, { method: 'POST' });
      }
      out.textContent = `${what}: done.`;
      route();
    } catch (e) { out.textContent = ''; out.insertAdjacentHTML('beforeend', `<span class="error">${esc(e.message)}</span>`); }
  }

  // ---------- Batches ----------
  async function batchesView() {
    view.innerHTML = `<div class="card"><h2>Batches</h2>
      <form id="bf" class="filters"><div><label for="b-collection">Collection</label><select id="b-collection"><option value="">All</option></select></div>
      <div><label for="b-status">Status</label><select id="b-status"><option value="">Any</option>${['Planned','Queued','Submitted','Validating','InProgress','Finalizing','Completed','Failed','Expired','Cancelling','Cancelled','Ingested'].map(s => `<option>${s}</option>`).join('')}</select></div></form>
      <div class="table-wrap" id="batches"><p class="muted">Loading…</p></div></div><div id="batch-detail"></div>`;
    fillCollections(document.getElementById('b-collection'), true);
    document.getElementById('bf').addEventListener('change', loadBatches);
    await loadBatches();
    setRefresh(loadBatches, 5000);
  }

  async function loadBatches() {
    const el = document.getElementById('batches'); if (!el) return;
    const q = new URLSearchParams();
    const c = document.getElementById('b-collection').value; if (c) q.set('collection', c);
    const s = document.getElementById('b-status').value; if (s) q.set('status', s);
    try {
      const list = (await api(API + '/batches?' + q)).body;
      if (list.length === 0) { el.innerHTML = '<p class="empty">No batches yet: submit a collection from the dashboard.</p>'; return; }
      el.innerHTML = `<table id="batch-table"><thead><tr><th>Batch id</th><th>Collection</th><th>Kind</th><th>Status</th><th class="num">Requests</th><th class="num">Completed</th><th class="num">Failed</th><th class="num">Tokens</th><th class="num">Projected</th><th class="num">Actual</th><th>Age</th></tr></thead><tbody>${list.map(b => `
        <tr class="clickable" tabindex="0" data-id="${esc(b.batchId)}"><td>${esc(b.batchId)}</td><td>${esc(b.collection)}</td><td>${esc(b.kind)}</td><td>${badge(b.status)}</td>
        <td class="num">${num(b.requests)}</td><td class="num">${num(b.counts?.completed)}</td><td class="num">${num(b.counts?.failed)}</td><td class="num">${num(b.actualInputTokens ?? b.tokens)}</td>
        <td class="num">${usd(b.estimatedUsd)}</td><td class="num">${usd(b.actualUsd)}</td><td title="${esc(b.createdAt)}">${age(b.createdAt)}</td></tr>`).join('')}</tbody></table>`;
      el.querySelectorAll('tr[data-id]').forEach(tr => {
        const open = () => batchDetail(tr.dataset.id);
        tr.addEventListener('click', open);
        tr.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); } });
      });
    } catch (e) { showError(el, e); }
  }

  async function batchDetail(id) {
    setRefresh(null);
    const el = document.getElementById('batch-detail');
    el.innerHTML = `<div class="card"><h2>Batch ${esc(id)}</h2><p class="muted">Loading…</p></div>`;
    const [summary, provider, errors] = await Promise.allSettled([api(`${API}/batches/${encodeURIComponent(id)}`), api(`${API}/batches/${encodeURIComponent(id)}/provider`), api(`${API}/batches/${encodeURIComponent(id)}/errors?limit=100`)]);
    const part = (r, f) => r.status === 'fulfilled' ? f(r.value.body) : `<p class="muted">${esc(r.reason.message)}</p>`;
    el.innerHTML = `<div class="card" id="batch-detail-card"><h2>Batch ${esc(id)}</h2>
      <div class="grid"><div><h3>Summary</h3>${part(summary, b => `<pre>${json(b)}</pre>`)}</div>
      <div><h3>At the provider</h3>${part(provider, p => `<pre>${json(p)}</pre>`)}</div></div>
      <h3>Errors</h3>${part(errors, e => (e.batchLevel.length ? `<ul>${e.batchLevel.map(x => `<li>${esc(x)}</li>`).join('')}</ul>` : '') +
        (e.lines.length ? `<div class="table-wrap"><table><thead><tr><th>Custom id</th><th>Status</th><th>Code</th><th>Message</th></tr></thead><tbody>${e.lines.map(l => `<tr><td>${esc(l.customId)}</td><td>${esc(l.statusCode)}</td><td>${esc(l.code)}</td><td class="wrap">${esc(l.message)}</td></tr>`).join('')}</tbody></table></div>` : `<p class="empty">${e.errorFileId ? 'The error file is empty.' : 'No error file: every request succeeded (or the batch has not finished).'}</p>`))}
      <p><button type="button" id="back-to-list">Back to the list</button></p></div>`;
    document.getElementById('back-to-list').addEventListener('click', () => { el.innerHTML = ''; setRefresh(loadBatches, 5000); document.getElementById('batch-table')?.focus(); });
    document.getElementById('batch-detail-card').scrollIntoView();
  }

  // ---------- Checkpoints ----------
  async function checkpointsView() {
    view.innerHTML = `<div class="card"><h2>Checkpoints</h2><div class="table-wrap" id="checkpoints"><p class="muted">Loading…</p></div></div>`;
    const load = async () => {
      const el = document.getElementById('checkpoints'); if (!el) return;
      try {
        const list = (await api('/runtime/webhooks/durabletask/entities/checkpoint?fetchState=true')).body;
        if (list.length === 0) { el.innerHTML = '<p class="empty">No checkpoints yet: they appear when a submission runs.</p>'; return; }
        el.innerHTML = `<table><thead><tr><th>Pipeline</th><th>Phase</th><th>Progress</th><th class="num">Processed</th><th class="num">Succeeded</th><th class="num">Failed</th><th>Cursor</th><th>Last batch</th><th>Updated</th><th>Message</th></tr></thead><tbody>${list.map(c => { const s = c.state || {}; const pct = s.processed ? Math.round(100 * (s.succeeded || 0) / s.processed) : 0; return `
          <tr><td>${esc(c.entityId.key)}</td><td>${badge(s.phase)}</td><td style="min-width:8rem"><div class="bar" title="${pct}% of processed items submitted"><span style="width:${pct}%;background:var(--ok)"></span></div></td>
          <td class="num">${num(s.processed)}</td><td class="num">${num(s.succeeded)}</td><td class="num">${num(s.failed)}</td><td>${esc(s.cursor)}</td><td>${esc(s.lastBatchId)}</td><td>${fmtTime(s.updatedAt)}</td><td class="wrap">${esc(s.message)}</td></tr>`; }).join('')}</tbody></table>`;
      } catch (e) { showError(el, e); }
    };
    await load();
    setRefresh(load, 5000);
  }

  // ---------- Dashboard ----------
  async function fillCollections(select, keep) {
    try {
      const list = (await api(API + '/collections')).body;
      for (const c of list) select.insertAdjacentHTML('beforeend', `<option value="${esc(c.name)}">${esc(c.name)} (${num(c.items)})</option>`);
      return list;
    } catch (e) { if (!keep) throw e; return []; }
  }

  async function dashboardView(collection) {
    view.innerHTML = `<div class="card"><h2>Pipeline dashboard</h2><div class="filters"><div><label for="d-collection">Collection</label><select id="d-collection"></select></div></div></div><div id="dash"></div>`;
    const select = document.getElementById('d-collection');
    let list;
    try { list = await fillCollections(select, false); } catch (e) { showError(document.getElementById('dash'), e); return; }
    if (list.length === 0) { document.getElementById('dash').innerHTML = '<div class="card"><p class="empty">No collections yet: import items with <code>POST /api/collections/{name}/items</code> or <code>batchembed import</code>.</p></div>'; return; }
    const current = collection && list.some(c => c.name === collection) ? collection : list[0].name;
    select.value = current;
    select.addEventListener('change', () => { location.hash = '#/dashboard/' + encodeURIComponent(select.value); });
    const load = () => loadDashboard(current);
    await load();
    setRefresh(load, 5000);
  }

  const eta = secs => secs == null ? 'no recent completions to measure by' : secs < 90 ? `about ${Math.round(secs)} s` : secs < 5400 ? `about ${Math.round(secs / 60)} min` : `about ${(secs / 3600).toFixed(1)} h`;

  // The provider's enqueued-token limit: tokens we have enqueued against the limit in force, and what waits for room.
  function queueCard(q) {
    if (!q) return '';
    const limit = q.limit == null ? 'not known yet (learned from the first refusal)' : `${num(q.limit)} tokens`;
    const source = q.limit == null ? '' : q.learnedLimit != null && q.limit === q.learnedLimit ? ` (learned: ${esc(q.learnedFrom)})` : ' (configured)';
    return `<div class="card" id="d-queue"><h3>Enqueued-token limit</h3><p class="stat" id="d-enqueued">${num(q.enqueuedTokens)} <small>tokens enqueued for ${esc(q.model)}</small></p>
      ${q.limit ? `<div class="bar" title="enqueued against the limit"><span style="width:${Math.min(100, 100 * q.enqueuedTokens / q.limit)}%;background:var(--run)"></span></div>` : ''}
      <dl class="kv"><dt>Limit</dt><dd id="d-limit">${limit}${source}</dd><dt>Open batches</dt><dd>${num(q.openBatches)}${q.maxOpenBatches ? ` of at most ${num(q.maxOpenBatches)}` : ''}</dd>
      <dt>Queued</dt><dd id="d-queued">${num(q.queuedBatches)} batches, ${num(q.queuedTokens)} tokens</dd><dt>ETA</dt><dd id="d-eta">${q.queuedTokens + q.openTokens > 0 ? eta(q.etaSeconds) : 'nothing of this collection waiting'}</dd></dl></div>`;
  }

  async function loadDashboard(c) {
    const el = document.getElementById('dash'); if (!el) return;
    let s, progress;
    try { [s, progress] = await Promise.all([api(`${API}/collections/${encodeURIComponent(c)}/stats`).then(r => r.body), api(`${API}/collections/${encodeURIComponent(c)}/progress`).then(r => r.body)]); }
    catch (e) { showError(el, e); return; }
    const items = s.items, total = s.itemsTotal || 1;
    const colors = { Succeeded: 'var(--ok)', Pending: 'var(--run)', None: '#c9ced6', Failed: 'var(--bad)' };
    const busy = document.activeElement && el.contains(document.activeElement) ? document.activeElement.id : null;
    const keepForm = el.querySelector('#run-form') ? { budget: el.querySelector('#d-budget').value, dry: el.querySelector('#d-dry').checked, out: el.querySelector('#run-result').innerHTML } : null;
    const batchRows = Object.entries(s.batches).filter(([, n]) => n > 0);
    el.innerHTML = `
      <div class="grid">
        <div class="card"><h3>Items</h3><p class="stat" id="d-succeeded">${num(items.Succeeded)} <small>of ${num(s.itemsTotal)} embedded</small></p>
          <div class="bar" aria-hidden="true">${Object.entries(items).map(([k, v]) => `<span style="width:${100 * v / total}%;background:${colors[k]}" title="${k} ${v}"></span>`).join('')}</div>
          <dl class="kv" id="d-items">${Object.entries(items).map(([k, v]) => `<dt>${k}</dt><dd data-status="${k}">${num(v)}</dd>`).join('')}</dl></div>
        <div class="card"><h3>Batches</h3>${batchRows.length ? `<dl class="kv" id="d-batches">${batchRows.map(([k, v]) => `<dt>${badge(k)}</dt><dd data-status="${k}">${num(v)}</dd>`).join('')}</dl>` : '<p class="empty">No batches yet.</p>'}</div>
        <div class="card"><h3>Spend</h3><p class="stat" id="d-actual">${usd(s.actualUsd)} <small>actual</small></p>
          <dl class="kv"><dt>Projected</dt><dd id="d-projected">${usd(s.estimatedUsd)}</dd><dt>Budget per submission</dt><dd id="d-budget-setting">${s.budgetUsd == null ? 'none set' : usd(s.budgetUsd)}</dd><dt>Tokens</dt><dd id="d-tokens">${num(s.tokens)}</dd></dl>
          ${s.budgetUsd ? `<div class="bar" title="actual against budget"><span style="width:${Math.min(100, 100 * s.actualUsd / s.budgetUsd)}%;background:${s.actualUsd > s.budgetUsd ? 'var(--bad)' : 'var(--accent)'}"></span></div>` : ''}</div>
        ${queueCard(s.queue)}
        <div class="card"><h3>Index</h3><dl class="kv"><dt>Name</dt><dd>${esc(s.index.name)}</dd><dt>Model</dt><dd>${esc(s.index.model)} × ${esc(s.index.dimensions)}</dd><dt>Vectors</dt><dd id="d-vectors">${num(s.index.vectors)}</dd><dt>Snapshot</dt><dd>v${esc(s.index.snapshotVersion)}, ${num(s.index.pendingDeltas)} pending deltas</dd></dl></div>
      </div>
      <div class="card"><h3>Items embedded over time</h3>${chart(progress)}</div>
      <div class="card"><h3>Run</h3><form id="run-form" class="filters" aria-label="Start work">
        <div><label for="d-budget">Budget (USD, optional)</label><input id="d-budget" inputmode="decimal" placeholder="1.00"></div>
        <div><label class="inline"><input id="d-dry" type="checkbox" checked> Dry run</label></div>
        <div class="actions"><button type="button" class="primary" id="do-submit">Submit</button><button type="button" id="do-ingest">Ingest</button><button type="button" class="danger" id="do-reset">Reset and resubmit</button></div>
      </form><p id="run-result" role="status"></p></div>`;
    if (keepForm) { el.querySelector('#d-budget').value = keepForm.budget; el.querySelector('#d-dry').checked = keepForm.dry; el.querySelector('#run-result').innerHTML = keepForm.out; }
    if (busy) document.getElementById(busy)?.focus();
    const start = async (label, path, body) => {
      const out = document.getElementById('run-result');
      try {
        const r = await api(path, { method: 'POST', body: JSON.stringify(body) });
        out.innerHTML = `${esc(label)} started: <a href="#/instance/${encodeURIComponent(r.body.id)}">${esc(r.body.id)}</a>`;
      } catch (e) { out.innerHTML = `<span class="error">${esc(label)}: ${esc(e.message)}</span>`; }
    };
    const budget = () => { const v = document.getElementById('d-budget').value.trim(); return v ? Number(v) : undefined; };
    const dry = () => document.getElementById('d-dry').checked;
    document.getElementById('do-submit').addEventListener('click', () => start('Submit', `${API}/embeddings/${encodeURIComponent(c)}/submit`, { budgetUsd: budget(), dryRun: dry() }));
    document.getElementById('do-ingest').addEventListener('click', () => start('Ingest', `${API}/embeddings/${encodeURIComponent(c)}/ingest`, { wait: true }));
    document.getElementById('do-reset').addEventListener('click', () => {
      if (!dry() && !confirm(`Reset every item of '${c}' to None, delete its batch summaries (after exporting them) and resubmit?`)) return;
      start('Reset', API + '/embeddings/reset', { collections: [c], dryRun: dry(), budgetUsd: budget() });
    });
  }

  function chart(points) {
    if (!points.length) return '<p class="empty">Nothing ingested yet.</p>';
    points = [{ at: points[0].at, batchId: 'start', itemsSucceeded: 0, cumulativeItems: 0, cumulativeUsd: 0 }, ...points];
    const W = 600, H = 200, P = 30;
    const t0 = Date.parse(points[0].at), t1 = Date.parse(points[points.length - 1].at);
    const max = points[points.length - 1].cumulativeItems || 1;
    const x = t => P + (t1 === t0 ? W - 2 * P : (Date.parse(t) - t0) / (t1 - t0) * (W - 2 * P));
    const y = v => H - P - v / max * (H - 2 * P);
    const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.at).toFixed(1)},${y(p.cumulativeItems).toFixed(1)}`).join(' ');
    return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="Cumulative items embedded: ${max} after ${points.length} batches">
      <line x1="${P}" y1="${H - P}" x2="${W - P}" y2="${H - P}" stroke="#999"/><line x1="${P}" y1="${P}" x2="${P}" y2="${H - P}" stroke="#999"/>
      <text x="${P}" y="${P - 8}" font-size="11">${num(max)} items</text><text x="${P}" y="${H - 8}" font-size="11">${esc(fmtTime(points[0].at))}</text><text x="${W - P}" y="${H - 8}" font-size="11" text-anchor="end">${esc(fmtTime(points[points.length - 1].at))}</text>
      <path d="${path}" fill="none" stroke="#0b5cad" stroke-width="2"/>${points.map(p => `<circle cx="${x(p.at)}" cy="${y(p.cumulativeItems)}" r="3" fill="#0b5cad"><title>${esc(p.batchId)}: +${p.itemsSucceeded} (${p.cumulativeItems} total, ${usd(p.cumulativeUsd)})</title></circle>`).join('')}</svg>`;
  }

  // ---------- Routing ----------
  function route() {
    setRefresh(null);
    if (!key()) { signOut(); return; }
    document.getElementById('login').hidden = true;
    document.getElementById('nav').hidden = false;
    const [, section, arg] = (location.hash || '#/instances').split('/');
    document.querySelectorAll('#nav a').forEach(a => a.toggleAttribute('aria-current', a.dataset.section === section || (section === 'instance' && a.dataset.section === 'instances')));
    document.querySelectorAll('#nav a[aria-current]').forEach(a => a.setAttribute('aria-current', 'page'));
    const id = arg ? decodeURIComponent(arg) : undefined;
    const views = Object.assign({ instances: instancesView, instance: () => instanceView(id), batches: batchesView, checkpoints: checkpointsView, dashboard: () => dashboardView(id) }, monitor.views);
    (views[section] || instancesView)(id);
  }

  // The views in their own files (labels.js, …) register here; the first route waits until every script has run.
  const monitor = window.batchembedMonitor = { API, view, api, esc, badge, num, usd, fmtTime, setRefresh, showError, views: {} };
  window.addEventListener('hashchange', route);
  document.addEventListener('DOMContentLoaded', route);
})();
