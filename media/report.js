// @ts-check
/* Completion quality report webview: draws the figures the extension sends (tables and SVG
 * charts, built with DOM APIs: no inline HTML from data, no inline styles) and reports back
 * what it rendered. Plain JS, no framework. */
(function () {
  'use strict';
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  const SVG = 'http://www.w3.org/2000/svg';
  const root = /** @type {HTMLElement} */ (document.getElementById('root'));
  const span = /** @type {HTMLElement} */ (document.getElementById('span'));
  /** @type {Record<string, string>} */
  let figures = {};

  const pct = (x) => (x === undefined || x === null ? '–' : (x * 100).toFixed(1) + '%');
  const ms = (x) => (x === undefined || x === null ? '–' : Math.round(x) + ' ms');
  const num = (x, d = 2) => (x === undefined || x === null ? '–' : Number(x).toFixed(d));

  /** @param {string} tag @param {Record<string, any>} [attrs] @param {(Node|string)[]} [children] */
  function el(tag, attrs = {}, children = []) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'text') e.textContent = String(v);
      else if (v !== undefined) e.setAttribute(k, String(v));
    }
    for (const c of children) e.append(c);
    return e;
  }
  /** @param {string} tag @param {Record<string, any>} [attrs] @param {(Node|string)[]} [children] */
  function svg(tag, attrs = {}, children = []) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'text') e.textContent = String(v);
      else if (v !== undefined) e.setAttribute(k, String(v));
    }
    for (const c of children) e.append(c);
    return e;
  }
  function figure(name, text) {
    figures[name] = text;
    return text;
  }
  function card(name, label, value, sub) {
    return el('div', { class: 'card' }, [
      el('div', { class: 'label', text: label }),
      el('div', { class: 'value', 'data-figure': name, text: figure(name, value) }),
      ...(sub ? [el('div', { class: 'sub', text: sub })] : []),
    ]);
  }
  function table(head, rows) {
    return el('table', {}, [
      el('thead', {}, [el('tr', {}, head.map((h) => el('th', { text: h })))]),
      el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => el('td', { text: c }))))),
    ]);
  }
  function legend(items) {
    return el('div', { class: 'legend' }, items.map(([k, t]) => el('span', { class: 'k' + k, text: t })));
  }

  // Chart text is measured in the font it is drawn in, so a label gets the room it needs: labels
  // wrap onto more lines (a word wider than a line is broken anywhere), never cut with an ellipsis.
  const CHART_FONT_PX = 11;
  const LINE_H = 13;
  const measureCtx = /** @type {CanvasRenderingContext2D} */ (document.createElement('canvas').getContext('2d'));
  function textWidth(text) {
    measureCtx.font = `${CHART_FONT_PX}px ${getComputedStyle(document.body).fontFamily || 'sans-serif'}`;
    return measureCtx.measureText(text).width;
  }
  /** Greedy word wrap to `max` px (the same rule as wrapText in src/core/stats/render.ts). */
  function wrap(text, max) {
    const lines = [];
    let cur = '';
    for (const word of String(text).split(/(?<=[\s/\\.,:_-])/)) {
      if (textWidth(cur + word) <= max || cur === '') cur += word;
      else {
        lines.push(cur.trimEnd());
        cur = word.trimStart();
      }
      while (textWidth(cur) > max && cur.length > 1) {
        let n = cur.length - 1;
        while (n > 1 && textWidth(cur.slice(0, n)) > max) n--;
        lines.push(cur.slice(0, n));
        cur = cur.slice(n);
      }
    }
    if (cur !== '' || lines.length === 0) lines.push(cur.trimEnd());
    return lines;
  }
  /** A text of one or more lines (tspans) whose lines must each fit `maxWidth` (checked after drawing). */
  function label(lines, x, y, maxWidth, attrs = {}) {
    const t = svg('text', { x, y, 'data-max-width': maxWidth.toFixed(1), ...attrs });
    lines.forEach((l, i) => t.append(svg('tspan', { x, y: y + i * LINE_H, text: l })));
    return t;
  }

  /** Horizontal bars; rows: {label, value (0..max), text, cls}. Labels take up to `maxLabelW` px, then wrap. */
  function hbars(title, rows, max = 1, barW = 220, maxLabelW = 190) {
    const gap = 8;
    const labelW = Math.min(maxLabelW, Math.max(40, ...rows.map((r) => textWidth(r.label)))) + 1;
    const valueW = Math.max(20, ...rows.map((r) => textWidth(r.text))) + 1;
    const laid = rows.map((r) => {
      const lines = wrap(r.label, labelW);
      return { r, lines, h: Math.max(22, lines.length * LINE_H + 9) };
    });
    const width = Math.ceil(labelW + gap + barW + gap + valueW);
    const h = laid.reduce((a, l) => a + l.h, 0) + 6;
    const s = svg('svg', { class: 'chart', width, height: h, viewBox: `0 0 ${width} ${h}`, role: 'img', 'aria-label': title });
    s.append(svg('title', { text: title }));
    let y = 3;
    for (const { r, lines, h: rowH } of laid) {
      const mid = y + rowH / 2;
      const v = r.value === undefined || r.value === null ? 0 : Math.max(0, Math.min(max, r.value));
      const x0 = labelW + gap;
      s.append(
        label(lines, 0, mid - ((lines.length - 1) * LINE_H) / 2 + 4, labelW, { class: 'lbl' }),
        svg('rect', { class: 'track', x: x0, y: mid - 7, width: barW, height: 14 }),
        svg('rect', { class: r.cls || 's1', x: x0, y: mid - 7, width: max > 0 ? ((v / max) * barW).toFixed(1) : 0, height: 14 }),
        label([r.text], x0 + barW + gap, mid + 4, valueW),
      );
      y += rowH;
    }
    return s;
  }

  /**
   * Vertical bars with labels under them; optional line (0..1) over them. Labels are laid flat when
   * each fits its bar's slot, else slanted; when even slanted ones would overlap, every k-th bar is
   * labelled (each bar's tooltip names it).
   */
  function vbars(title, bars, opts = {}) {
    const width = opts.width || 460;
    const top = 14;
    const plotH = 122;
    const max = Math.max(1, ...bars.map((b) => b.value));
    const left = Math.ceil(Math.max(textWidth(String(max)), textWidth('0')) + 8);
    const right = opts.line ? Math.ceil(textWidth('100%')) + 6 : 0;
    const n = Math.max(1, bars.length);
    const slot = (width - left - right) / n;
    const labelMax = Math.max(0, ...bars.map((b) => textWidth(b.label)));
    const flat = labelMax <= slot - 4;
    const every = flat ? 1 : Math.max(1, Math.ceil(LINE_H / slot));
    const bottom = flat ? 24 : Math.ceil(labelMax * Math.SQRT1_2) + 20;
    const h = top + plotH + bottom;
    const s = svg('svg', { class: 'chart', width, height: h, viewBox: `0 0 ${width} ${h}`, role: 'img', 'aria-label': title });
    s.append(svg('title', { text: title }));
    s.append(svg('line', { class: 'axis', x1: left, y1: top + plotH, x2: width - right, y2: top + plotH }));
    s.append(svg('text', { class: 'muted', x: left - 6, y: top + 8, 'text-anchor': 'end', text: String(max) }));
    s.append(svg('text', { class: 'muted', x: left - 6, y: top + plotH, 'text-anchor': 'end', text: '0' }));
    bars.forEach((b, i) => {
      const bh = (b.value / max) * plotH;
      const x = left + i * slot + slot * 0.15;
      const cx = left + i * slot + slot / 2;
      s.append(svg('rect', { class: b.cls || 's1', x: x.toFixed(1), y: (top + plotH - bh).toFixed(1), width: (slot * 0.7).toFixed(1), height: bh.toFixed(1) }, [svg('title', { text: `${b.label}: ${b.value}` })]));
      if (i % every !== 0) return;
      const y = top + plotH + 14;
      if (flat) s.append(svg('text', { class: 'muted', x: cx.toFixed(1), y, 'text-anchor': 'middle', text: b.label }));
      else s.append(svg('text', { class: 'muted', x: cx.toFixed(1), y, 'text-anchor': 'end', transform: `rotate(-45 ${cx.toFixed(1)} ${y})`, text: b.label }));
    });
    if (opts.line) {
      const pts = [];
      opts.line.forEach((v, i) => {
        if (v === undefined || v === null) return;
        const x = left + i * slot + slot / 2;
        const y = top + plotH - v * plotH;
        pts.push(`${x.toFixed(1)},${y.toFixed(1)}`);
        s.append(svg('circle', { class: 'dot', cx: x.toFixed(1), cy: y.toFixed(1), r: 3 }, [svg('title', { text: pct(v) })]));
      });
      if (pts.length > 1) s.append(svg('polyline', { class: 'line', points: pts.join(' ') }));
      s.append(svg('text', { class: 'muted', x: width, y: top + 8, 'text-anchor': 'end', text: '100%' }));
    }
    return s;
  }

  function section(title, ...children) {
    return el('section', {}, [el('h2', { text: title }), ...children]);
  }

  function liveSection(report) {
    const o = report.overall;
    const r30 = o.retention.find((r) => r.afterMs === 30000);
    const r120 = o.retention.find((r) => r.afterMs === 120000);
    const errs = Object.entries(o.errors).filter(([k]) => k !== 'timeout');
    const cards = el('div', { class: 'cards' }, [
      card('acceptanceRate', 'Acceptance rate', pct(o.acceptanceRate), `${o.accepted} accepted of ${o.shown} shown`),
      card('shown', 'Shown', String(o.shown), `${o.requests} requests (cache included) · ${o.dismissed} dismissed`),
      card('retained30s', 'Retained after 30 s', r30 ? `${r30.retainedChars} ch` : '–', r30 ? `${pct(r30.rate)} of ${r30.acceptedChars} accepted` : `${o.acceptedChars} chars accepted`),
      card('retained120s', 'Retained after 2 min', r120 ? `${r120.retainedChars} ch` : '–', r120 ? `${pct(r120.rate)} of ${r120.acceptedChars} accepted` : 'not measured yet'),
      card('latencyP50', 'Request latency p50', ms(o.latency.p50), `p95 ${ms(o.latency.p95)} · p99 ${ms(o.latency.p99)} · ${o.latency.count} requests to the model`),
      card('cacheLatencyP50', 'Cache-served p50', o.cacheLatency ? ms(o.cacheLatency.p50) : '–', o.cacheLatency ? `${o.cacheLatency.count} suggestions from the cache, no request` : ''),
      card('cacheHitRate', 'Cache hit rate', pct(o.cacheHitRate), `${o.cacheHits} from cache`),
      card('requestsPerShown', 'Sent per shown', num(o.requestsPerShown), `${o.networkRequests} sent to the model (cancelled included) · ${o.cancelled} cancelled`),
      card('timeouts', 'Timeouts', String(o.timeouts), errs.length ? errs.map(([k, v]) => `${k} ${v}`).join(' · ') : 'no other errors'),
    ]);
    figure('latencyP95', ms(o.latency.p95));
    figure('latencyP99', ms(o.latency.p99));
    figure('accepted', String(o.accepted));
    figure('dismissed', String(o.dismissed));
    figure('requests', String(o.requests));

    const hist = o.latency.histogram.map((b) => ({ label: b.to === null || b.to === undefined || b.to > 1e12 ? `≥${b.from}` : `<${b.to}`, value: b.count }));
    const stages = ['debounce', 'context', 'model', 'filter'];
    const stageMax = Math.max(1, ...stages.map((k) => o.latency.stages[k].p50 || 0));
    const latency = el('div', { class: 'grid2' }, [
      el('div', {}, [el('h3', { text: 'Request latency histogram (ms, debounce + pipeline, requests to the model)' }), vbars('Latency histogram', hist)]),
      el('div', {}, [
        el('h3', { text: 'Where a request\'s time goes (p50 per stage, requests to the model)' }),
        hbars('Latency per stage', stages.map((k, i) => ({ label: k, value: o.latency.stages[k].p50 || 0, text: ms(o.latency.stages[k].p50), cls: 's' + (i + 1) })), stageMax),
      ]),
    ]);

    const f = o.filter;
    figure('filterDrops', String(f.drop));
    figure('filterTruncations', String(f.truncate));
    figure('topUnknown', f.topUnknown.map((n) => `${n.name} ${n.count}`).join(', '));
    const verdictTotal = Math.max(1, f.keep + f.truncate + f.drop + (f.empty || 0) + (f.cleanup || 0) + (f.errors || 0));
    const filter = el('div', { class: 'grid2' }, [
      el('div', {}, [
        el('h3', { text: 'Consistency filter verdicts' }),
        hbars('Filter verdicts', [
          { label: 'shown as checked', value: f.keep, text: String(f.keep), cls: 's2' },
          { label: 'truncated: unknown', value: f.truncate, text: String(f.truncate), cls: 's3' },
          { label: 'dropped: unknown', value: f.drop, text: String(f.drop), cls: 's4' },
          { label: 'empty answers', value: f.empty || 0, text: String(f.empty || 0), cls: 's1' },
          { label: 'clean-up removed', value: f.cleanup || 0, text: String(f.cleanup || 0), cls: 's1' },
          { label: 'model errors', value: f.errors || 0, text: String(f.errors || 0), cls: 's1' },
        ], verdictTotal),
        el('p', { class: 'note', text: 'Truncated and dropped count only suggestions the consistency check changed because they named something nothing declares.' }),
      ]),
      el('div', {}, [
        el('h3', { text: 'Most frequent unknown names' }),
        f.topUnknown.length ? table(['Name', 'Suggestions'], f.topUnknown.map((n) => [n.name, String(n.count)])) : el('p', { class: 'empty', text: 'No suggestion named an unknown entity.' }),
      ]),
    ]);

    const trend = report.trend.length
      ? el('div', {}, [
          el('h3', { text: 'Trend by day' }),
          legend([['1', 'shown'], ['3', 'acceptance rate']]),
          vbars('Shown suggestions and acceptance rate per day', report.trend.map((d) => ({ label: d.day.slice(5), value: d.shown })), { line: report.trend.map((d) => d.acceptanceRate), width: 700 }),
        ])
      : el('p', { class: 'empty', text: 'No days recorded yet.' });

    const breakdown = (title, m, key) => {
      const keys = Object.keys(m).sort();
      if (!keys.length) return el('div', {});
      keys.forEach((k) => figure(`${key}:${k}:acceptanceRate`, pct(m[k].acceptanceRate)));
      return el('div', {}, [
        el('h3', { text: title }),
        hbars(title + ' acceptance', keys.map((k) => ({ label: k, value: m[k].acceptanceRate, text: `${pct(m[k].acceptanceRate)} of ${m[k].shown}` }))),
        table(['', 'Shown', 'Accepted', 'p50', 'p95', 'Cache', 'Dropped'], keys.map((k) => {
          const s = m[k];
          return [k, String(s.shown), String(s.accepted), ms(s.latency.p50), ms(s.latency.p95), pct(s.cacheHitRate), String(s.filter.drop)];
        })),
      ]);
    };
    const retention = o.retention.length
      ? hbars('Accepted characters retained', o.retention.map((r) => ({ label: `after ${r.afterMs >= 60000 ? r.afterMs / 60000 + ' min' : r.afterMs / 1000 + ' s'}`, value: r.rate, text: `${r.retainedChars}/${r.acceptedChars} (${pct(r.rate)})`, cls: 's2' })))
      : el('p', { class: 'empty', text: 'Nothing accepted and measured yet.' });
    return section(
      'Live figures',
      cards,
      el('h3', { text: 'Accepted and retained characters' }),
      retention,
      latency,
      filter,
      trend,
      el('div', { class: 'grid2' }, [breakdown('Per language', report.byLanguage, 'language'), breakdown('Per model', report.byModel, 'model')]),
    );
  }

  function editSection(e) {
    figure('edits', String(e.total));
    if (!e.total) return section('Edit Selection (Ctrl+I)', el('p', { class: 'empty', text: 'No edits recorded.' }));
    return section(
      'Edit Selection (Ctrl+I)',
      el('div', { class: 'cards' }, [
        // Edits the person cancelled before a proposal are not in the rate (nor the latency).
        card('editAcceptance', 'Edits accepted', pct(e.acceptanceRate), `${e.byOutcome.accepted} of ${e.total - (e.byOutcome.cancelled || 0)}`),
        card('editLatency', 'Edit latency p50', ms(e.latency.p50), `p95 ${ms(e.latency.p95)}`),
      ]),
      hbars('Edit outcomes', [
        { label: 'accepted', value: e.byOutcome.accepted, text: String(e.byOutcome.accepted), cls: 's2' },
        { label: 'refined', value: e.byOutcome.refined, text: String(e.byOutcome.refined), cls: 's1' },
        { label: 'rejected', value: e.byOutcome.rejected, text: String(e.byOutcome.rejected), cls: 's3' },
        { label: 'failed', value: e.byOutcome.failed, text: String(e.byOutcome.failed), cls: 's4' },
        { label: 'cancelled', value: e.byOutcome.cancelled || 0, text: String(e.byOutcome.cancelled || 0), cls: 's5' },
      ], Math.max(1, e.total)),
    );
  }

  const EVAL_METRICS = [
    ['exactMatch', 'Exact match'],
    ['editSimilarity', 'Edit similarity'],
    ['idExactMatch', 'Identifier EM'],
    ['idF1', 'Identifier F1'],
    ['unknownNameRateBefore', 'Unknown names, before filter'],
    ['unknownNameRateAfter', 'Unknown names, after filter'],
    ['correctKeptRate', 'Correct kept by filter'],
  ];

  function evalSection(evals) {
    if (!evals.length) {
      return section('Replay evaluation on this workspace', el('p', { class: 'empty', text: 'Not run yet. "Evaluate on this workspace" samples holes from your code and scores the configured model on them.' }));
    }
    for (const r of evals) {
      for (const [k] of EVAL_METRICS) figure(`eval:${r.summary.model}:${k}`, r.summary[k] === null ? '–' : num(r.summary[k], 4));
      figure(`eval:${r.summary.model}:holes`, String(r.summary.holes));
    }
    const rows = [];
    EVAL_METRICS.forEach(([k, label]) => {
      evals.forEach((r, i) => rows.push({ label: evals.length > 1 ? `${label} · ${r.summary.model}` : label, value: r.summary[k], text: k === 'editSimilarity' || k === 'idF1' ? num(r.summary[k], 3) : pct(r.summary[k]), cls: 's' + ((i % 6) + 1) }));
    });
    return section(
      'Replay evaluation on this workspace',
      legend(evals.map((r, i) => [String((i % 6) + 1), `${r.summary.model} (${r.summary.holes} holes, ${new Date(r.at).toLocaleDateString()})`])),
      hbars('Evaluation by model', rows, 1, 300, 260),
      // One row per figure and a column per model: as narrow as the models compared, at any panel width.
      table(
        ['Figure', ...evals.map((r) => r.summary.model)],
        [
          ['Holes', (s) => String(s.holes)],
          ...EVAL_METRICS.map(([k, label]) => [label, (s) => (k === 'editSimilarity' || k === 'idF1' ? num(s[k], 3) : pct(s[k]))]),
          ['Latency p50', (s) => ms(s.latencyMs.p50)],
          ['Latency p95', (s) => ms(s.latencyMs.p95)],
        ].map(([label, cell]) => [label, ...evals.map((r) => cell(r.summary))]),
      ),
      el('p', { class: 'note', text: 'Exact match, edit similarity, identifier EM and F1 as CrossCodeEval defines them, of the first line of the ghost text after the filter. Unknown names: share of proposals naming an identifier found in no file of the repository. Correct kept: share of exactly-correct proposals the filter left intact.' }),
      falseDrops(evals),
    );
  }

  /** A code text in a cell: as it is (the cell wraps it), or what stands for its absence. */
  function codeCell(text) {
    if (text === undefined || text === null) return el('td', { class: 'muted', text: 'not recorded (code text is kept across sessions only with intentComplete.recordCode)' });
    if (text === '') return el('td', { class: 'muted', text: 'nothing' });
    return el('td', { class: 'code' }, [el('code', { text })]);
  }

  /** Every correct proposal the filter altered, with the filter's verdict and reason. */
  function falseDrops(evals) {
    const count = (r) => (r.falseDrops ? `${r.falseDrops.length} of ${r.counts.correctBefore} correct` : 'not recorded in this run');
    for (const r of evals) {
      figure(`eval:${r.summary.model}:falseDrops`, count(r));
      (r.falseDrops || []).forEach((d, i) => figure(`eval:${r.summary.model}:falseDrop:${i}`, `${d.file}:${d.line}:${d.character} ${d.verdict}: ${d.reason}`));
    }
    const rows = evals.flatMap((r) => (r.falseDrops || []).map((d) => ({ r, d })));
    const many = evals.length > 1;
    const head = [...(many ? [['model', 'Model']] : []), ['place', 'Place'], ['verdict', 'Verdict'], ['reason', 'Reason'], ['code', 'Proposal'], ['code', 'Shown']];
    return el('div', { class: 'false-drops' }, [
      el('h3', { text: 'Correct proposals the filter altered (false drops)' }),
      el('p', { class: 'note', text: evals.map((r) => `${r.summary.model}: ${count(r)}.`).join(' ') + ' A proposal exactly equal to the removed text that the ghost text no longer matched: each is a false drop to fix.' }),
      rows.length
        ? el('table', { class: 'drops' }, [
            el('thead', {}, [el('tr', {}, head.map(([c, h]) => el('th', { class: 'c-' + c, text: h })))]),
            el('tbody', {}, rows.map(({ r, d }) =>
              el('tr', {}, [
                ...(many ? [el('td', { text: r.summary.model })] : []),
                el('td', { class: 'place', text: `${d.file}:${d.line}:${d.character}` }),
                el('td', { text: d.verdict }),
                el('td', { text: d.reason }),
                codeCell(d.proposal),
                codeCell(d.shown),
              ]),
            )),
          ])
        : el('p', { class: 'empty', text: 'The filter altered no correct proposal.' }),
    ]);
  }

  /**
   * Labels cut or drawn wider than their room: chart texts ellipsized or past their
   * data-max-width, page text that overflows its box, a one-word figure broken over lines. The
   * report sends them back with what it rendered (tests read it).
   */
  function overflowing() {
    const out = [];
    for (const t of root.querySelectorAll('svg.chart text')) if ((t.textContent || '').includes('…')) out.push(`cut: ${t.textContent}`);
    for (const t of root.querySelectorAll('svg.chart text[data-max-width]')) {
      const max = Number(t.getAttribute('data-max-width'));
      const parts = t.querySelectorAll('tspan').length ? [...t.querySelectorAll('tspan')] : [t];
      for (const p of parts) if (/** @type {SVGTextContentElement} */ (p).getComputedTextLength() > max + 0.5) out.push(`chart: ${p.textContent}`);
    }
    for (const e of root.querySelectorAll('td, th, h3, p, .card .label, .card .value, .card .sub, .legend span')) {
      if (e.scrollWidth > e.clientWidth + 1) out.push(`${e.tagName.toLowerCase()}: ${(e.textContent || '').slice(0, 80)}`);
    }
    // A figure or heading of one word broken over lines (names, paths and code may break).
    for (const e of root.querySelectorAll('th, td')) {
      const text = (e.textContent || '').trim();
      if (!text || /\s/.test(text) || e.closest('table.drops') || /** @type {HTMLTableCellElement} */ (e).cellIndex === 0) continue;
      const range = document.createRange();
      range.selectNodeContents(e);
      if (new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1) out.push(`broken: ${text}`);
    }
    const page = document.documentElement;
    if (page.scrollWidth > page.clientWidth + 1) {
      // Name what sticks out: the innermost elements past the right edge.
      const past = [...root.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > page.clientWidth + 1 && ![...e.children].some((c) => c.getBoundingClientRect().right > page.clientWidth + 1));
      out.push(`page: ${page.scrollWidth} px wide in ${page.clientWidth}: ${past.slice(0, 3).map((e) => `${e.tagName.toLowerCase()}.${e.getAttribute('class') || ''} ${(e.textContent || '').slice(0, 40)}`).join('; ')}`);
    }
    return out;
  }

  function render(data) {
    figures = {};
    const r = data.report;
    const fmt = (t) => new Date(t).toLocaleString();
    span.textContent =
      (r.from !== undefined ? `${r.events} events from ${fmt(r.from)} to ${fmt(r.to)}.` : 'No events recorded yet: use ghost text for a while, then refresh.') +
      ' Recorded on this machine only; nothing is sent anywhere.' +
      (data.recordCode ? ' Suggestion text is recorded (intentComplete.recordCode).' : ' No code text is recorded.');
    root.replaceChildren(liveSection(r), editSection(r.edits), evalSection(data.evals));
    // Reading sizes lays the page out, so the labels are measured as drawn.
    vscode.postMessage({ type: 'rendered', figures, charts: document.querySelectorAll('svg.chart').length, overflowing: overflowing() });
  }

  for (const b of document.querySelectorAll('button[data-command]')) {
    b.addEventListener('click', () => vscode.postMessage({ type: 'command', command: b.getAttribute('data-command') }));
  }
  window.addEventListener('message', (ev) => {
    const m = ev.data;
    if (m && m.type === 'data') render(m.data);
  });
  vscode.postMessage({ type: 'ready' });
})();
