/** Text templates. docs/METHOD.md §4 (NegLabel) and §6 (fine-tuning) use different class templates on purpose. */
export const NEGLABEL_NOUN_TEMPLATE = 'the nice {}';
export const NEGLABEL_ADJ_TEMPLATE = 'This is a {} photo';
/** InD class prompts for NegLabel's score and negative-label mining (§4). */
export const NEGLABEL_CLASS_TEMPLATE = 'the nice {}';
/** InD class prompts for the projection fine-tuning logits (§6). */
export const FINETUNE_CLASS_TEMPLATE = 'a nice {}';

/** Python-style '{}'.format(word); the template must contain exactly one '{}'. */
export function fillTemplate(template: string, word: string): string {
  const at = template.indexOf('{}');
  if (at < 0 || template.indexOf('{}', at + 2) >= 0) throw new Error(`template must contain exactly one '{}': ${JSON.stringify(template)}`);
  return template.slice(0, at) + word + template.slice(at + 2);
}

export function classPrompt(name: string, template: string = FINETUNE_CLASS_TEMPLATE): string {
  return fillTemplate(template, name);
}
