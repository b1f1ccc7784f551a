// The monitor's migrations view (seed 003): every migration, and one's progress bar, counts, verify report and swap history.
'use strict';
(() => {
  const m = window.batchembedMonitor;
  const colors = { succeeded: 'var(--ok)', pending: 'var(--run)', none: '#c9ced6', failed: 'var(--bad)' };

  async function migrationsView(name) {
    m.view.innerHTML = `<div class="card"><h2>Migrations</h2><div class="table-wrap" id="migrations"><p class="muted">Loading…</p></div></div><div id="migration"></div>`;
    const load = async () => {
      await loadList(name);
      if (name) await loadOne(name);
    };
    await load();
    m.setRefresh(load, 5000);
  }

  async function loadList(current) {
    const el = document.getElementById('migrations'); if (!el) return;
    try {
      const list = (await m.api(`${m.API}/migrations`)).body;
      if (list.length === 0) { el.innerHTML = '<p class="empty">No migrations yet: start one with <code>POST /api/migrations/{name}/start</code> or <code>batchembed migrate start</code>.</p>'; return; }
      el.innerHTML = `<table id="migration-table"><thead><tr><th>Name</th><th>Collection</th><th>Target</th><th>Target index</th><th>Created</th></tr></thead><tbody>${list.map(x => `
        <tr${x.name === current ? ' class="selected"' : ''}><td><a href="#/migrations/${encodeURIComponent(x.name)}">${m.esc(x.name)}</a></td><td>${m.esc(x.collection)}</td>
        <td>${m.esc(x.targetModel)} × ${m.esc(x.targetDimensions ?? 'default')}</td><td>${m.esc(x.targetIndex)}</td><td>${m.fmtTime(x.createdAt)}</td></tr>`).join('')}</tbody></table>`;
    } catch (e) { m.showError(el, e); }
  }

  async function loadOne(name) {
    const el = document.getElementById('migration'); if (!el) return;
    let s;
    try { s = (await m.api(`${m.API}/migrations/${encodeURIComponent(name)}`)).body; } catch (e) { m.showError(el, e); return; }
    const p = s.progress, items = p.items, total = Math.max(1, p.sourceItems), st = s.state;
    el.innerHTML = `
      <div class="card" id="migration-card"><h2>${m.esc(s.name)} ${m.badge(s.phase)} <span class="muted">${m.esc(s.runtimeStatus || '')}</span></h2>
        <p class="stat" id="m-percent">${p.percent.toFixed(1)}% <small>of ${m.num(p.sourceItems)} items of '${m.esc(s.collection)}' embedded under ${m.esc(s.model)} × ${m.esc(s.dimensions)}</small></p>
        <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${p.percent}" aria-label="Migration progress">${['succeeded', 'pending', 'none', 'failed'].map(k => `<span style="width:${100 * items[k] / total}%;background:${colors[k]}" title="${k} ${items[k]}"></span>`).join('')}</div>
        <div class="grid">
          <dl class="kv" id="m-counts">${['succeeded', 'pending', 'none', 'failed'].map(k => `<dt>${k === 'none' ? 'to do' : k}</dt><dd data-count="${k}">${m.num(items[k])}</dd>`).join('')}
            <dt>target vectors</dt><dd id="m-vectors">${m.num(p.targetVectors)}</dd></dl>
          <dl class="kv"><dt>Source</dt><dd>${m.esc(s.sourceIndex)}</dd><dt>Target</dt><dd>${m.esc(s.targetIndex)}</dd><dt>Serving</dt><dd id="m-serving">${m.esc(s.serving)}</dd>
            <dt>Provider</dt><dd>${m.esc(s.provider)}, mode ${m.esc(s.mode)}${s.sync ? ' (synchronous)' : ''}</dd></dl>
          <dl class="kv"><dt>Started</dt><dd>${m.fmtTime(s.started)}</dd><dt>Elapsed</dt><dd>${s.elapsedSeconds == null ? '-' : s.elapsedSeconds.toFixed(1) + ' s'}</dd>
            <dt>Rate</dt><dd>${p.itemsPerSecond == null ? '-' : p.itemsPerSecond + ' items/s'}</dd><dt>ETA</dt><dd>${p.etaSeconds == null ? '-' : Math.round(p.etaSeconds) + ' s'}</dd>
            <dt>Last copy</dt><dd>${m.num(st.items)} read, ${m.num(st.copied)} new or changed</dd><dt>Last batch</dt><dd>${m.esc(p.currentBatch || '-')}</dd><dt>Projected</dt><dd>${m.usd(st.projectedUsd)}</dd></dl>
        </div>
        ${st.lastError ? `<p class="error" role="alert">Last error: ${m.esc(st.lastError)}</p>` : ''}
        ${p.failedIds.length ? `<p class="muted">Failed items: ${p.failedIds.map(m.esc).join(', ')}</p>` : ''}
        <h3>Verify</h3>${verify(st.verify)}
        <h3>Swap history</h3>${swaps(st.swaps)}
        ${st.cleanup ? `<p id="m-cleanup">Cleaned up ${m.fmtTime(st.cleanup.at)}: deleted ${m.esc(st.cleanup.deletedIndex)} (${m.num(st.cleanup.vectors)} vectors).</p>` : ''}
      </div>`;
  }

  function verify(r) {
    if (!r) return '<p class="empty" id="m-verify">Not verified yet: <code>batchembed migrate verify NAME</code>.</p>';
    return `<p id="m-verify">${m.badge(r.passed ? 'Passed' : 'Failed')} ${m.fmtTime(r.at)}: mean overlap@${r.k} ${r.meanOverlap.toFixed(3)} (at least ${r.minOverlap})</p>
      <div class="table-wrap"><table id="verify-table"><thead><tr><th>Check</th><th>Result</th><th>Detail</th></tr></thead><tbody>${r.checks.map(c => `
        <tr><td>${m.esc(c.name)}</td><td>${m.badge(c.passed ? 'Passed' : 'Failed')}</td><td class="wrap">${m.esc(c.detail)}</td></tr>`).join('')}</tbody></table></div>`;
  }

  function swaps(list) {
    if (!list.length) return '<p class="empty" id="m-swaps">No swap yet: searches use the source index.</p>';
    return `<div class="table-wrap"><table id="swap-table"><thead><tr><th>When</th><th>Action</th><th>From</th><th>To</th></tr></thead><tbody>${list.map(x => `
      <tr><td>${m.fmtTime(x.at)}</td><td>${m.esc(x.action)}${x.forced ? ' (forced)' : ''}</td><td>${m.esc(x.from)}</td><td>${m.esc(x.to)}</td></tr>`).join('')}</tbody></table></div>`;
  }

  m.views.migrations = migrationsView;
})();
