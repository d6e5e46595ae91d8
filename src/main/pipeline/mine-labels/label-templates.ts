import { fillTemplate } from '../../ood';

/**
 * neg_labels.template holds one template, or a JSON array of them for a template ensemble, so one column
 * records exactly which prompts produced a label's text feature.
 */
export function templateColumn(templates: string[]): string {
  if (templates.length === 0) throw new Error('a negative label needs at least one template');
  return templates.length === 1 ? templates[0]! : JSON.stringify(templates);
}

export function templatesOf(column: string): string[] {
  if (column.startsWith('[')) {
    const parsed = JSON.parse(column) as unknown;
    if (Array.isArray(parsed) && parsed.every((t) => typeof t === 'string')) return parsed as string[];
  }
  return [column];
}

export function promptsFor(word: string, templates: string[]): string[] {
  return templates.map((t) => fillTemplate(t, word));
}
