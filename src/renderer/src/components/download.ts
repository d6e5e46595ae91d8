import type { LegendEntry } from './ChartLegend';

/** Saves text or a blob as a file through the browser's download mechanism (works in Electron too). */
export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(name: string, text: string, type = 'text/plain'): void {
  downloadBlob(name, new Blob([text], { type: `${type};charset=utf-8` }));
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const LEGEND_FONT = 12;
const LEGEND_ROW = 18;
const SWATCH = 18;

/** Text width in the legend's font: measured where a canvas can (Chromium), else estimated. */
function textWidth(text: string): number {
  if (typeof OffscreenCanvas !== 'undefined') {
    const g = new OffscreenCanvas(1, 1).getContext('2d');
    if (g) {
      g.font = `${LEGEND_FONT}px sans-serif`;
      return g.measureText(text).width;
    }
  }
  return text.length * LEGEND_FONT * 0.6;
}

/** Legend entries in rows no wider than the chart, each row centred: [x, entry] per item, per row. */
export function legendRows(entries: LegendEntry[], width: number, measure = textWidth): { x: number; entry: LegendEntry }[][] {
  const gap = 16;
  const sized = entries.map((entry) => ({ entry, w: SWATCH + 4 + measure(entry.name) }));
  const rows: { entry: LegendEntry; w: number }[][] = [];
  let row: { entry: LegendEntry; w: number }[] = [];
  let used = 0;
  for (const s of sized) {
    if (row.length && used + gap + s.w > width - 16) {
      rows.push(row);
      row = [];
      used = 0;
    }
    used += (row.length ? gap : 0) + s.w;
    row.push(s);
  }
  if (row.length) rows.push(row);
  return rows.map((r) => {
    const total = r.reduce((a, s) => a + s.w, 0) + gap * (r.length - 1);
    let x = Math.max(8, (width - total) / 2);
    return r.map((s) => {
      const at = { x, entry: s.entry };
      x += s.w + gap;
      return at;
    });
  });
}

/**
 * The chart's SVG as a standalone document, with the computed colours inlined so it renders the same elsewhere,
 * and its legend drawn above the plot (the on-screen legend is HTML outside the SVG, so it would be lost).
 */
export function chartSvg(container: HTMLElement | null, legend: LegendEntry[] = []): { text: string; width: number; height: number } | null {
  const svg = container?.querySelector('.recharts-wrapper > svg.recharts-surface');
  if (!svg) return null;
  const width = Number(svg.getAttribute('width')) || svg.clientWidth || 600;
  const height = Number(svg.getAttribute('height')) || svg.clientHeight || 300;
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', SVG_NS);
  const style = getComputedStyle(container!);
  const bg = style.backgroundColor || '#ffffff';
  copy.setAttribute('style', `background:${bg === 'rgba(0, 0, 0, 0)' ? '#ffffff' : bg};font-family:sans-serif`);
  const rows = legendRows(legend, width);
  const top = rows.length ? rows.length * LEGEND_ROW + 8 : 0;
  if (top) {
    const body = document.createElementNS(SVG_NS, 'g');
    body.setAttribute('transform', `translate(0,${top})`);
    while (copy.firstChild) body.appendChild(copy.firstChild);
    const g = document.createElementNS(SVG_NS, 'g');
    g.setAttribute('class', 'chart-legend');
    rows.forEach((row, r) => {
      const y = 6 + r * LEGEND_ROW + LEGEND_ROW / 2;
      for (const { x, entry } of row) {
        const mark = document.createElementNS(SVG_NS, entry.box ? 'rect' : 'line');
        if (entry.box) {
          for (const [k, v] of Object.entries({ x: x + 3, y: y - 6, width: 12, height: 12, fill: entry.colour, 'fill-opacity': 0.6 })) mark.setAttribute(k, String(v));
        } else {
          for (const [k, v] of Object.entries({ x1: x, y1: y, x2: x + SWATCH, y2: y, stroke: entry.colour, 'stroke-width': 2.2 })) mark.setAttribute(k, String(v));
          if (entry.dashed) mark.setAttribute('stroke-dasharray', '5 3');
        }
        const label = document.createElementNS(SVG_NS, 'text');
        for (const [k, v] of Object.entries({ x: x + SWATCH + 4, y, 'dominant-baseline': 'central', 'font-size': LEGEND_FONT, fill: style.color || '#333333' })) label.setAttribute(k, String(v));
        label.textContent = entry.name;
        g.append(mark, label);
      }
    });
    copy.append(g, body);
    copy.setAttribute('height', String(height + top));
    copy.setAttribute('viewBox', `0 0 ${width} ${height + top}`);
  }
  return { text: new XMLSerializer().serializeToString(copy), width, height: height + top };
}

export async function svgToPng(svgText: string, width: number, height: number, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the chart could not be drawn as an image'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = width * scale;
    canvas.height = height * scale;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
