import type { CompareStats } from '../../shared/api/routes/review';
import { flatten } from '../services/compare';
import type { LoadedRun } from './run-data';
import { colourOf, esc, histogramChart, lineChart, type LineSeries } from './report-svg';
import { cellText, type TableModel } from './tables';

/**
 * The report as one self-contained HTML file: inline CSS, charts as inline SVG, thumbnails as data: URIs, no
 * script and a Content-Security-Policy that forbids every network fetch, so it opens (and prints) offline.
 * Every figure carries data-figure="<id>"; the list of ids is in <meta name="synood-figures">.
 */
export interface ReportInput {
  projectName: string;
  projectPath: string;
  studioVersion: string;
  generatedAt: number;
  runs: LoadedRun[];
  stats: CompareStats;
  table: TableModel;
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';
const pct = (v: number) => (100 * v).toFixed(2);
const date = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
const pFmt = (p: number) => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));
const num = (v: number | null, digits = 3) => (v === null || v === undefined ? '–' : Number(v.toFixed(digits)).toString());

const CSS = `
*{box-sizing:border-box}body{font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;margin:24px auto;max-width:1200px;color:#222;font-size:13px;line-height:1.4;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:14px;margin:16px 0 6px}
table{border-collapse:collapse;margin:6px 0;font-size:12px}th,td{border:1px solid #ddd;padding:3px 6px;vertical-align:top}th{background:#f4f6f8;text-align:center}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}tr.ref td{background:#f7f9fc}tr.group td{background:#fbfaf3;font-style:italic}
.sig{color:#b71c1c;font-weight:bold}.muted{color:#777}.foreign{display:inline-block;background:#fff3e0;color:#e65100;border:1px solid #ffcc80;border-radius:3px;padding:0 4px;font-size:11px;margin-left:4px}
figure{margin:10px 0;break-inside:avoid}figcaption{font-size:11px;color:#555;margin-top:2px}.charts{display:flex;flex-wrap:wrap;gap:10px}
.grid{display:flex;flex-wrap:wrap;gap:8px}.thumb{width:128px;font-size:10px;text-align:center}.thumb img{width:128px;height:128px;object-fit:cover;border:3px solid #ccc;border-radius:3px;display:block}
.thumb.accepted img{border-color:#2e7d32}.thumb.rejected img{border-color:#c62828}.diff{width:100%;table-layout:fixed}.diff td{word-break:break-all}.diff th:first-child{width:230px}.diff td.differs{background:#fff8e1}code{font-size:11px;word-break:break-all}
.note{font-size:11px;color:#555;max-width:1100px}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,figure{break-inside:avoid}}
`;

function mainTable(t: TableModel): string {
  const head1 = `<tr><th rowspan="2">Method</th>${t.groups.map((g) => `<th colspan="2">${esc(g)}</th>`).join('')}</tr>`;
  const head2 = `<tr>${t.groups.map(() => '<th>AUROC↑</th><th>FPR95↓</th>').join('')}</tr>`;
  const body = t.rows
    .map((r) => {
      const cls = r.kind === 'group' ? 'group' : r.reference ? 'ref' : '';
      const label = `${esc(r.label)}${r.reference ? ' <span class="muted">(reference)</span>' : ''}${r.foreign ? `<span class="foreign">foreign: ${esc(r.foreign)}</span>` : ''}`;
      const cells = r.cells
        .map((c) => {
          const text = esc(cellText(c, 'plain').replace('†', ''));
          const title = c.p !== null ? ` title="p = ${pFmt(c.p)} (${c.method === 'delong' ? "DeLong" : 'paired bootstrap'})"` : '';
          return `<td class="num"${title}>${text}${c.significant ? '<span class="sig">†</span>' : ''}</td>`;
        })
        .join('');
      return `<tr class="${cls}" data-run="${r.runId ?? ''}"><td>${label}</td>${cells}</tr>`;
    })
    .join('');
  return `<table data-testid="report-table"><thead>${head1}${head2}</thead><tbody>${body}</tbody></table><p class="note">${esc(t.footnote)}</p>`;
}

function pairedTable(input: ReportInput): string {
  const { stats } = input;
  const ref = stats.runs.find((r) => r.runId === stats.referenceId);
  const rows: string[] = [];
  for (const r of stats.runs) {
    if (r.runId === stats.referenceId) continue;
    for (const s of [...r.sets, ...(r.average ? [{ ...r.average, oodName: 'Average' }] : [])]) {
      const v = s.vsReference;
      const cell = (t: NonNullable<typeof v>['auroc'] | undefined) =>
        t ? `<td class="num">${t.delta >= 0 ? '+' : ''}${pct(t.delta)} [${pct(t.lo)}, ${pct(t.hi)}]</td><td class="num${t.p < stats.alpha ? ' sig' : ''}">${pFmt(t.p)}</td><td>${t.method === 'delong' ? 'DeLong' : 'paired bootstrap'}</td>` : '<td class="muted" colspan="3">–</td>';
      rows.push(`<tr><td>${esc(r.name)}</td><td>${esc(s.oodName)}</td>${cell(v?.auroc)}${cell(v?.fpr95)}<td class="muted">${esc(s.note ?? '')}</td></tr>`);
    }
  }
  if (!rows.length) return '<p class="muted">Only one run: nothing to test against.</p>';
  return `<p>Differences run − ${esc(ref?.name ?? 'reference')} (percentage points) on the same samples, with a ${Math.round(stats.level * 100)}% paired-bootstrap interval and the test's p-value.</p>
<table data-testid="report-paired"><thead><tr><th>Run</th><th>OOD set</th><th>ΔAUROC</th><th>p</th><th>test</th><th>ΔFPR95</th><th>p</th><th>test</th><th>note</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function figure(id: string, body: string, caption: string): string {
  return `<figure data-figure="${esc(id)}">${body}<figcaption>${esc(caption)}</figcaption></figure>`;
}

function configDiff(runs: LoadedRun[]): string {
  const flat = runs.map((r) => {
    const m = flatten({ kind: r.record.run.kind, seed: r.record.run.seed, ...r.record.config });
    const sw = r.record.evaluations[0]?.switches;
    if (sw) for (const [k, v] of flatten(sw, 'scoring')) m.set(k, v);
    const generation = r.record.data.generation;
    if (generation && typeof generation === 'object') for (const [k, v] of flatten(generation as Record<string, unknown>, 'generation')) m.set(k, v);
    for (const k of ['acceptedCandidates', 'labels', 'promptVersions', 'indImages', 'manifestSha256'] as const) if (r.record.data[k] !== undefined) m.set(`data.${k}`, String(r.record.data[k]));
    return m;
  });
  const keys = [...new Set(flat.flatMap((m) => [...m.keys()]))];
  const rows = keys.map((k) => {
    const values = flat.map((m) => m.get(k) ?? null);
    const differs = new Set(values).size > 1;
    return `<tr${differs ? ' class="differs-row"' : ''}><td><code>${esc(k)}</code></td>${values.map((v) => `<td class="${differs ? 'differs' : ''}">${v === null ? '<span class="muted">–</span>' : esc(v.length > 80 ? `${v.slice(0, 79)}…` : v)}</td>`).join('')}</tr>`;
  });
  const differing = keys.filter((k) => new Set(flat.map((m) => m.get(k) ?? null)).size > 1).length;
  return figure(
    'config-diff',
    `<table class="diff" data-testid="report-config"><thead><tr><th>setting</th>${runs.map((r) => `<th>${esc(r.record.run.name)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`,
    `Configuration and paper-vs-code switches (training config, scoring switches of the evaluation, generation switches of the training data): ${differing} of ${keys.length} settings differ (highlighted).`,
  );
}

function samples(r: LoadedRun): string {
  if (!r.record.samples.length) return figure(`samples-${r.runId}`, '<p class="muted">No curated candidates recorded.</p>', `${r.record.run.name}: no accepted or rejected candidates.`);
  const item = (s: LoadedRun['record']['samples'][number]) => {
    const t = s.thumb ? r.thumbs.get(s.thumb) : undefined;
    const img = t ? `<img alt="candidate ${s.candidateId}" src="data:${t.mime};base64,${t.bytes.toString('base64')}">` : '<div class="muted" style="width:128px;height:128px;border:1px dashed #ccc">no thumbnail</div>';
    const scores = [s.energy !== null ? `E ${num(s.energy, 2)}` : '', s.msp !== null ? `MSP ${num(s.msp)}` : '', s.neglabelScore !== null ? `NegLabel ${num(s.neglabelScore)}` : '', s.sourceClassProb !== null ? `p(src) ${num(s.sourceClassProb)}` : '']
      .filter(Boolean)
      .join(' · ');
    return `<div class="thumb ${s.status}">${img}<div>#${s.candidateId} ${esc(s.status)}${s.label ? ` · ${esc(s.label)}` : ''}</div><div class="muted">${esc(scores)}</div></div>`;
  };
  const accepted = r.record.samples.filter((s) => s.status === 'accepted');
  const rejected = r.record.samples.filter((s) => s.status === 'rejected');
  return figure(
    `samples-${r.runId}`,
    `<h3>Accepted (${accepted.length})</h3><div class="grid">${accepted.map(item).join('') || '<span class="muted">none</span>'}</div><h3>Rejected (${rejected.length})</h3><div class="grid">${rejected.map(item).join('') || '<span class="muted">none</span>'}</div>`,
    `${r.record.run.name}: candidates it trained on (green) and candidates rejected in curation (red), with their scores: energy E, MSP, NegLabel score and the source-class probability p(src).`,
  );
}

function provenance(r: LoadedRun): string {
  const p = r.record.provenance;
  const kv = (k: string, v: string) => `<tr><td>${esc(k)}</td><td><code>${esc(v)}</code></td></tr>`;
  const rows = [
    kv('run', `#${r.runId} ${r.record.run.name} (${r.record.run.kind}, seed ${r.record.run.seed}, ${r.record.run.status})`),
    ...(r.origin ? [kv('foreign run from', `${r.origin.projectName} (${r.origin.projectPath}), run #${r.origin.runId}; exported ${date(r.origin.exportedAt)} by SynOOD Studio ${r.origin.studioVersion}; bundle sha256 ${r.origin.bundleSha256}`)] : []),
    ...Object.entries(r.record.modelHashes).map(([k, v]) => kv(`model hash: ${k}`, typeof v === 'string' ? v : JSON.stringify(v))),
    ...p.models.map((m) => kv(`registered ${m.role}`, `${m.sha256} ${m.path}`)),
    kv('training data manifest', `${p.trainingData.manifest ?? '–'} sha256 ${p.trainingData.manifestSha256 ?? '–'}`),
    kv('curated images + labels', `${p.trainingData.candidates} candidates, content sha256 ${p.trainingData.contentSha256 ?? '–'}${p.trainingData.missingFiles ? ` (${p.trainingData.missingFiles} image files missing)` : ''}`),
    kv('InD training images', `${p.indTrain.images} in ${p.indTrain.datasets.join(', ') || '–'}, content sha256 ${p.indTrain.contentSha256 ?? '–'}`),
    ...p.evaluationSamples.map((e) => kv(`evaluation samples: ${e.oodName}`, `InD keys ${e.indKeysSha256 ?? '–'}, OOD keys ${e.oodKeysSha256 ?? '–'}`)),
  ];
  return `<h3>${esc(r.record.run.name)}${r.origin ? `<span class="foreign">foreign</span>` : ''}</h3><table>${rows.join('')}</table>`;
}

export function figureIds(input: ReportInput): string[] {
  const sets = input.stats.oodSets;
  const metrics = [...new Set(input.runs.flatMap((r) => r.record.training.map((t) => t.name)))];
  return ['table-main', 'paired-tests', ...sets.map((s) => `roc-${slug(s)}`), ...sets.map((s) => `hist-${slug(s)}`), ...metrics.map((m) => `training-${slug(m)}`), 'config-diff', ...input.runs.map((r) => `samples-${r.runId}`), 'provenance'];
}

export function renderReport(input: ReportInput): string {
  const { runs, stats } = input;
  const colour = (runId: number) => colourOf(runs.findIndex((r) => r.runId === runId));
  const nameOf = (r: LoadedRun) => r.record.run.name;
  const sets = stats.oodSets;

  const rocs = sets.map((set) => {
    const series: LineSeries[] = runs.flatMap((r) => {
      const e = r.record.evaluations.find((x) => x.oodName === set);
      if (!e?.curves) return [];
      return [{ name: `${nameOf(r)} (AUROC ${pct(e.auroc)})`, colour: colour(r.runId), dashed: r.runId === stats.referenceId, points: e.curves.roc.fpr.map((x, k) => ({ x, y: e.curves!.roc.tpr[k]! })) }];
    });
    return figure(`roc-${slug(set)}`, lineChart(series, { title: `ROC on ${set}`, xLabel: 'false positive rate (OOD accepted as InD)', yLabel: 'true positive rate (InD recall)', xDomain: [0, 1], yDomain: [0, 1], diagonal: true }), `ROC curves on ${set}, InD positive; the reference run dashed.`);
  });
  const hists = sets.map((set) => {
    const charts = runs.flatMap((r) => {
      const e = r.record.evaluations.find((x) => x.oodName === set);
      return e?.curves ? [histogramChart(e.curves.hist, nameOf(r))] : [];
    });
    return figure(`hist-${slug(set)}`, `<div class="charts">${charts.join('') || '<span class="muted">no histograms recorded</span>'}</div>`, `Score histograms on ${set}: InD test scores (blue) and ${set} scores (red), each normalised to its count.`);
  });
  const metricNames = [...new Set(runs.flatMap((r) => r.record.training.map((t) => t.name)))];
  const training = metricNames.map((name) =>
    figure(
      `training-${slug(name)}`,
      lineChart(
        runs.flatMap((r) => {
          const s = r.record.training.find((t) => t.name === name);
          return s ? [{ name: nameOf(r), colour: colour(r.runId), points: s.points.map((p) => ({ x: p.step, y: p.value })) }] : [];
        }),
        { title: `Training ${name}`, xLabel: 'step', yLabel: name },
      ),
      `Training curve: ${name} per optimizer step.`,
    ),
  );
  const figures = figureIds(input);
  const runList = runs
    .map(
      (r) =>
        `<li><span style="color:${colour(r.runId)}">■</span> #${r.runId} <b>${esc(nameOf(r))}</b> — ${esc(r.record.run.kind)}, seed ${r.record.run.seed}${r.runId === stats.referenceId ? ' <span class="muted">(reference)</span>' : ''}${
          r.origin ? `<span class="foreign">foreign</span> <span class="muted">run #${r.origin.runId} of ${esc(r.origin.projectName)} (${esc(r.origin.projectPath)}), exported ${esc(date(r.origin.exportedAt))}, SynOOD Studio ${esc(r.origin.studioVersion)}</span>` : ''
        }</li>`,
    )
    .join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="SynOOD Studio ${esc(input.studioVersion)}">
<meta name="synood-figures" content="${esc(figures.join(' '))}">
<title>SynOOD report: ${esc(runs.map(nameOf).join(' vs '))}</title>
<style>${CSS}</style></head>
<body>
<h1>SynOOD Studio report</h1>
<div class="muted">Project ${esc(input.projectName)} (${esc(input.projectPath)}) · generated ${esc(date(input.generatedAt))} · SynOOD Studio ${esc(input.studioVersion)}</div>
<ul>${runList}</ul>
<h2>Results</h2>
${figure('table-main', mainTable(input.table), 'AUROC and FPR95 per OOD set and on average, with intervals and significance against the reference.')}
<h2>Paired tests against the reference</h2>
${figure('paired-tests', pairedTable(input), 'AUROC: DeLong’s test for correlated AUCs (Sun & Xu 2014); FPR95 and averages: paired bootstrap, the same resampled indices for both runs.')}
<h2>ROC curves</h2>
<div class="charts">${rocs.join('')}</div>
<h2>Score histograms</h2>
${hists.join('')}
<h2>Training curves</h2>
${training.length ? `<div class="charts">${training.join('')}</div>` : '<p class="muted">No training curves (zero-shot runs train nothing).</p>'}
<h2>Configuration and switches</h2>
${configDiff(runs)}
<h2>Samples</h2>
${runs.map((r) => `<h3>${esc(nameOf(r))}</h3>${samples(r)}`).join('')}
<h2>Provenance</h2>
${figure('provenance', runs.map(provenance).join(''), 'Content hashes of the models, the curated training images and labels, the InD training set and the evaluation samples.')}
</body></html>
`;
}
