/**
 * Turns a VLM answer into context elements. Answers come as prose lists ("bamboo, a tourist and leaves"),
 * numbered or bulleted lines, or "Label: items" lines; all are split into short noun phrases, articles and
 * trailing punctuation dropped, lower-cased and de-duplicated in order of appearance.
 *
 * The main object is stripped by its HEAD NOUN: an element is dropped when its last word is the last word of
 * one of the class's names (comma-separated, ImageNet style), singular or with a plural -s/-es — so
 * "a black dog" goes for class "dog" but "dog bowl" stays (it is context).
 */
export function parseElements(answer: string, className: string): string[] {
  const heads = mainObjectHeads(className);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const rawLine of answer.split(/\r?\n/)) {
    const line = stripListMarker(rawLine.trim());
    // "Context elements: a, b" keeps what follows the label; a bare "Elements:" header keeps nothing.
    const colon = line.lastIndexOf(':');
    const body = colon >= 0 ? line.slice(colon + 1) : line;
    for (const piece of body.split(/,|;|\band\b|&|\bas well as\b|\bwith\b/i)) {
      const element = cleanPhrase(piece);
      if (!element || seen.has(element) || isMainObject(element, heads)) continue;
      seen.add(element);
      out.push(element);
    }
  }
  return out;
}

function mainObjectHeads(className: string): Set<string> {
  const heads = new Set<string>();
  for (const name of className.split(',')) {
    const words = name.trim().toLowerCase().split(/[\s_-]+/).filter(Boolean);
    if (words.length > 0) heads.add(words[words.length - 1]!);
  }
  return heads;
}

function isMainObject(element: string, heads: Set<string>): boolean {
  const last = element.split(' ').at(-1)!;
  for (const h of heads) {
    if (last === h || last === `${h}s` || last === `${h}es`) return true;
  }
  return false;
}

function stripListMarker(line: string): string {
  return line.replace(/^(?:[-*•·]+|\(?\d+[.)]|\(?[a-z][.)](?=\s))\s*/i, '');
}

const LEADING_FILLER = /^(?:(?:there (?:is|are)|it has|it shows|the image shows|the image contains|i see|we see|a|an|the|some|several|many|few|two|three|four|five)\s+)+/;

function cleanPhrase(piece: string): string {
  const words = piece
    .toLowerCase()
    .replace(/["'`*_]+/g, '')
    .replace(/[.!?]+$/g, '')
    .trim()
    .replace(LEADING_FILLER, '')
    .trim();
  return words.replace(/\s+/g, ' ');
}
