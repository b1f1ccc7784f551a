// The monitor's labels view (seed 004): the labels' validation counts, then the labels grouped by receipt, each
// with its outcome, the suggested label and the model's reason, its attempts and the last error that sent it back.
'use strict';
(() => {
  const m = window.batchembedMonitor;
  const STATUSES = ['None', 'Pending', 'Valid', 'Invalid', 'NeedsReview'];
  const paging = { cursors: [null], page: 0 };

  function labelsView(receipt) {
    m.view.innerHTML = `
      <div class="card"><h2>Labels</h2><div id="l-stats"><p class="muted">Loading…</p></div></div>
      <div class="card"><form id="lf" class="filters" aria-label="Filter labels">
        <div><label for="l-status">Validation status</label><select id="l-status"><option value="">Any</option>${STATUSES.map(s => `<option>${s}</option>`).join('')}</select></div>
        <div><label for="l-receipt">Receipt (imageId/receiptId)</label><input id="l-receipt" placeholder="img-0001/1" value="${m.esc(receipt || '')}"></div>
        <div><label for="l-limit">Page size</label><select id="l-limit"><option>50</option><option selected>200</option><option>1000</option></select></div>
        <div><button type="submit" class="primary">Apply</button></div>
      </form>
      <div class="table-wrap" id="labels"><p class="muted">Loading…</p></div>
      <div class="actions"><button type="button" id="l-prev">Previous page</button><button type="button" id="l-next">Next page</button><span id="l-page" class="muted"></span></div></div>`;
    const reload = () => { paging.cursors = [null]; paging.page = 0; load(); };
    document.getElementById('lf').addEventListener('submit', e => { e.preventDefault(); reload(); });
    document.getElementById('l-status').addEventListener('change', reload);
    document.getElementById('l-prev').addEventListener('click', () => { if (paging.page > 0) { paging.page--; load(); } });
    document.getElementById('l-next').addEventListener('click', () => { if (paging.cursors[paging.page + 1]) { paging.page++; load(); } });
    reload();
    m.setRefresh(load, 5000);
  }

  async function load() {
    await Promise.all([loadStats(), loadLabels()]);
  }

  async function loadStats() {
    const el = document.getElementById('l-stats'); if (!el) return;
    try {
      const s = (await m.api(`${m.API}/labels/stats`)).body;
      const total = s.total || 1;
      const colors = { Valid: 'var(--ok)', Invalid: 'var(--bad)', NeedsReview: 'var(--warn)', Pending: 'var(--run)', None: '#c9ced6' };
      el.innerHTML = `<p class="stat">${m.num(s.total)} <small>labels in '${m.esc(s.collection)}', judged by ${m.esc(s.model)}, prompt v${m.esc(s.promptVersion)}</small></p>
        <div class="bar" aria-hidden="true">${STATUSES.map(k => `<span style="width:${100 * (s.byStatus[k] || 0) / total}%;background:${colors[k]}" title="${k} ${s.byStatus[k] || 0}"></span>`).join('')}</div>
        <dl class="kv" id="l-counts">${STATUSES.map(k => `<dt>${m.badge(k)}</dt><dd data-status="${k}">${m.num(s.byStatus[k] || 0)}</dd>`).join('')}</dl>`;
    } catch (e) { m.showError(el, e); }
  }

  async function loadLabels() {
    const el = document.getElementById('labels'); if (!el) return;
    const q = new URLSearchParams({ limit: document.getElementById('l-limit').value });
    const status = document.getElementById('l-status').value; if (status) q.set('status', status);
    const receipt = document.getElementById('l-receipt').value.trim(); if (receipt) q.set('receipt', receipt);
    const after = paging.cursors[paging.page]; if (after) q.set('after', after);
    try {
      const r = (await m.api(`${m.API}/labels?${q}`)).body;
      paging.cursors[paging.page + 1] = r.nextCursor;
      document.getElementById('l-page').textContent = `Page ${paging.page + 1}${r.nextCursor ? '' : ' (last)'}`;
      document.getElementById('l-next').disabled = !r.nextCursor;
      document.getElementById('l-prev').disabled = paging.page === 0;
      if (r.labels.length === 0) {
        el.innerHTML = `<p class="empty">${status || receipt ? 'No labels match these filters.' : 'No labels yet: import them with <code>POST /api/labels</code> or <code>batchembed labels import</code>.'}</p>`;
        return;
      }
      el.innerHTML = `<table id="label-table"><thead><tr><th>Line / word</th><th>Word</th><th>Label</th><th>Outcome</th><th>Suggested</th><th>Reason</th><th class="num">Attempts</th><th>Last error</th><th>Batch</th></tr></thead>
        <tbody>${groups(r.labels).map(([key, rows]) => `
        <tr class="receipt"><th colspan="9" scope="rowgroup" data-receipt="${m.esc(key)}">Receipt ${m.esc(key)} <span class="muted">${summary(rows)}</span></th></tr>${rows.map(l => `
        <tr data-id="${m.esc(l.id)}"><td>${l.lineId} / ${l.wordId}</td><td>${m.esc(l.word)}</td><td>${m.esc(l.label)}</td><td>${m.badge(l.validationStatus)}</td>
        <td>${m.esc(l.suggestedLabel || '')}</td><td class="wrap">${m.esc(l.reasoning || '')}</td><td class="num">${m.num(l.attempts)}</td>
        <td class="wrap muted">${m.esc(l.lastError || '')}</td><td>${m.esc(l.batchId || '')}</td></tr>`).join('')}`).join('')}</tbody></table>`;
    } catch (e) { m.showError(el, e); }
  }

  // The labels come in id order (imageId/receiptId/lineId/wordId/label), so a receipt's labels are adjacent; within
  // a receipt they are shown in reading order (line, then word).
  function groups(labels) {
    const out = [];
    for (const l of labels) {
      const key = `${l.imageId}/${l.receiptId}`;
      if (!out.length || out[out.length - 1][0] !== key) out.push([key, []]);
      out[out.length - 1][1].push(l);
    }
    for (const [, rows] of out) rows.sort((a, b) => a.lineId - b.lineId || a.wordId - b.wordId || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    return out;
  }

  function summary(rows) {
    const counts = {};
    for (const l of rows) counts[l.validationStatus] = (counts[l.validationStatus] || 0) + 1;
    return STATUSES.filter(s => counts[s]).map(s => `${counts[s]} ${s}`).join(', ');
  }

  m.views.labels = labelsView;
})();
