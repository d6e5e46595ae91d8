import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import type { OverlayOptions, Sharp, SharpOptions } from 'sharp';
import type { Db } from '../store/db';
import { contactSheetRows, type ContactSheetRow } from '../store/candidate-reports';
import { checkFileTarget, publishFile } from './atomic-file';
import { ExportInputError, NothingToExportError } from './errors';

/** Columns left to right: what the candidate came from, the same seed without guidance, the kept (guided) image. */
export const CONTACT_SHEET_COLUMNS = ['source', 'unguided', 'guided'] as const;
export type ContactSheetColumn = (typeof CONTACT_SHEET_COLUMNS)[number];

/** Pixels between tiles and around the sheet. */
export const SHEET_GAP = 4;
/** Heights of the column titles and of each row's two caption lines; both 0 when no text can be drawn. */
const HEADER_HEIGHT = 20;
const CAPTION_HEIGHT = 30;
const BACKGROUND = { r: 255, g: 255, b: 255 };
/** A cell with no image (a candidate made before unguided images were kept). */
const MISSING_GREY = 204;

export interface ContactSheetOptions {
  perClass?: number;
  /** Side of each square tile in pixels. */
  cell?: number;
  force?: boolean;
}

export interface ContactSheetCaption {
  candidateId: number;
  className: string;
  objective: string;
  msp: number | null;
  energy: number | null;
  sourceClassProb: number | null;
  caption: string;
  /** Top edge of this row's tiles. */
  y: number;
  /** Project-relative files each tile was made from; unguided null when the candidate has none. */
  files: Record<ContactSheetColumn, string | null>;
}

export interface ContactSheetLayout {
  width: number;
  height: number;
  cell: number;
  /** Left edge of each column's tiles. */
  columns: { name: ContactSheetColumn; x: number }[];
  /** Whether class names and scores are drawn in the PNG (else they are only in the sidecar). */
  captionsInImage: boolean;
  rows: ContactSheetCaption[];
}

export interface ContactSheetResult {
  file: string;
  sidecar: string;
  rows: number;
  classes: number;
  withoutUnguided: number;
  captionsInImage: boolean;
  width: number;
  height: number;
}

/**
 * sharp, loaded on first use: the API process imports this module at start (services/export.ts), and sharp's native
 * library should not load there until a sheet is asked for. Loaded with a lazy require (see sharpOf), which works under tsx's CJS hook and in the CLI bundle,
 * where an import() does not.
 */
async function sharpOf(input: Buffer | string | SharpOptions): Promise<Sharp> {
  // A lazy require, not import(): the CLI bundle runs in a vm.Script, where an import() of an external package throws
  // "A dynamic import callback was not specified".
  const sharp = createRequire(__filename)('sharp') as typeof import('sharp').default;
  // Two calls for sharp's two overloads (an input, or options that create one).
  return typeof input === 'string' || Buffer.isBuffer(input) ? sharp(input) : sharp(input);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number | null, digits = 3) => (v === null ? '—' : v.toFixed(digits));

/** Whether this sharp build draws SVG text (librsvg with a usable font): a probe word must leave dark pixels. */
export async function svgTextRenders(): Promise<boolean> {
  try {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"><rect width="60" height="20" fill="#fff"/><text x="2" y="15" font-family="sans-serif" font-size="14" fill="#000">Wm</text></svg>`;
    const { data, info } = await (await sharpOf(Buffer.from(svg))).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    for (let i = 0; i < data.length; i += info.channels) if (data[i]! < 128) return true;
    return false;
  } catch {
    return false;
  }
}

/** The sidecar beside `file`: sheet.png → sheet.json. */
export function sidecarPath(file: string): string {
  return file.replace(/\.png$/i, '') + '.json';
}

function captionOf(r: ContactSheetRow): string {
  return `${r.class_name} · #${r.id} · ${r.objective} — MSP ${fmt(r.msp)} · energy ${fmt(r.energy, 2)} · p(source class) ${fmt(r.source_class_prob)}`;
}

/** Where everything goes: a pure function of the rows, the tile size and whether text is drawn. */
export function contactSheetLayout(rows: ContactSheetRow[], cell: number, captionsInImage: boolean): ContactSheetLayout {
  const header = captionsInImage ? HEADER_HEIGHT : 0;
  const caption = captionsInImage ? CAPTION_HEIGHT : 0;
  const rowHeight = cell + caption + SHEET_GAP;
  return {
    width: CONTACT_SHEET_COLUMNS.length * cell + (CONTACT_SHEET_COLUMNS.length + 1) * SHEET_GAP,
    height: header + SHEET_GAP + rows.length * rowHeight,
    cell,
    columns: CONTACT_SHEET_COLUMNS.map((name, k) => ({ name, x: SHEET_GAP + k * (cell + SHEET_GAP) })),
    captionsInImage,
    rows: rows.map((r, i) => ({
      candidateId: r.id,
      className: r.class_name,
      objective: r.objective,
      msp: r.msp,
      energy: r.energy,
      sourceClassProb: r.source_class_prob,
      caption: captionOf(r),
      y: header + SHEET_GAP + i * rowHeight,
      files: { source: r.source_path, unguided: r.unguided_path, guided: r.file_path },
    })),
  };
}

/** One tile: the image fitted inside cell×cell on white (aspect kept), as raw RGB. */
async function tile(file: string, cell: number): Promise<Buffer> {
  return (await sharpOf(file)).flatten({ background: BACKGROUND }).resize(cell, cell, { fit: 'contain', background: BACKGROUND }).removeAlpha().raw().toBuffer();
}

/** Column titles, captions and "not recorded" marks, as one SVG laid over the sheet. */
function textOverlay(layout: ContactSheetLayout): Buffer {
  const { width, height, cell } = layout;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" fill="#000">`];
  for (const c of layout.columns) parts.push(`<text x="${c.x + cell / 2}" y="${HEADER_HEIGHT - 5}" font-size="12" font-weight="bold" text-anchor="middle">${c.name}</text>`);
  for (const r of layout.rows) {
    const [first, second] = r.caption.split(' — ');
    parts.push(`<text x="${SHEET_GAP}" y="${r.y + cell + 12}" font-size="11">${esc(first ?? '')}</text>`);
    parts.push(`<text x="${SHEET_GAP}" y="${r.y + cell + 25}" font-size="10" fill="#444">${esc(second ?? '')}</text>`);
    if (r.files.unguided === null) {
      const x = layout.columns[1]!.x;
      parts.push(`<text x="${x + cell / 2}" y="${r.y + cell / 2}" font-size="11" text-anchor="middle" fill="#333">not recorded</text>`);
    }
  }
  parts.push('</svg>');
  return Buffer.from(parts.join(''));
}

/** Renders the sheet described by `layout` from the project's files. */
async function renderSheet(projectRoot: string, layout: ContactSheetLayout): Promise<Buffer> {
  const { cell } = layout;
  const missing = Buffer.alloc(cell * cell * 3, MISSING_GREY);
  const composites: OverlayOptions[] = [];
  for (const r of layout.rows) {
    for (const c of layout.columns) {
      const rel = r.files[c.name];
      const input = rel === null ? missing : await tile(path.join(projectRoot, rel), cell);
      composites.push({ input, raw: { width: cell, height: cell, channels: 3 }, left: c.x, top: r.y });
    }
  }
  if (layout.captionsInImage) composites.push({ input: textOverlay(layout), left: 0, top: 0 });
  return (await sharpOf({ create: { width: layout.width, height: layout.height, channels: 3, background: BACKGROUND } }))
    .composite(composites)
    .png()
    .toBuffer();
}

/**
 * A contact sheet PNG for judging generation quality: one row per candidate (up to `perClass` per source class),
 * columns source · unguided · guided, captions (class, objective, MSP, energy, source-class probability) drawn
 * when sharp can draw text. A JSON sidecar beside it (sheet.json) always holds the captions, the layout and the
 * file behind every tile. Neither file is overwritten without `force`.
 */
export async function exportContactSheet(db: Db, projectRoot: string, file: string, opts: ContactSheetOptions = {}): Promise<ContactSheetResult> {
  const perClass = opts.perClass ?? 3;
  const cell = opts.cell ?? 160;
  const force = !!opts.force;
  const sidecar = sidecarPath(file);
  if (sidecar === file) throw new ExportInputError(`the contact sheet is a PNG: give a file name ending in .png, not ${path.basename(file)}`);
  checkFileTarget(file, force);
  checkFileTarget(sidecar, force);
  const rows = contactSheetRows(db, perClass);
  if (rows.length === 0) throw new NothingToExportError('no candidates with a source image yet: generate some first (synood generate)');
  const lost = rows.flatMap((r) => [r.source_path, r.file_path, ...(r.unguided_path ? [r.unguided_path] : [])]).filter((rel) => !fs.existsSync(path.join(projectRoot, rel)));
  if (lost.length) throw new Error(`${lost.length} image file(s) of the contact sheet are missing from the project, e.g. ${lost[0]}; nothing was written`);
  const layout = contactSheetLayout(rows, cell, await svgTextRenders());
  const png = await renderSheet(projectRoot, layout);
  await publishFile(sidecar, force, (tmp) => fs.writeFileSync(tmp, JSON.stringify(layout, null, 2) + '\n'));
  await publishFile(file, force, (tmp) => fs.writeFileSync(tmp, png));
  return {
    file,
    sidecar,
    rows: rows.length,
    classes: new Set(rows.map((r) => r.class_id)).size,
    withoutUnguided: rows.filter((r) => r.unguided_path === null).length,
    captionsInImage: layout.captionsInImage,
    width: layout.width,
    height: layout.height,
  };
}
