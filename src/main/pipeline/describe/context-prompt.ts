export interface ContextPromptOptions {
  prefix?: string;
  /** The official code cuts the answer at 73 CHARACTERS (`answer[:73]`), not tokens. */
  maxChars?: number;
  suffix?: string;
}

/** The diffusion prompt of the official code: `'A photo only remain ' + answer[:73] + '.'`. */
export function contextPrompt(answer: string, opts: ContextPromptOptions = {}): string {
  const { prefix = 'A photo only remain ', maxChars = 73, suffix = '.' } = opts;
  // Code points, like Python's str slicing, so a multi-unit character is never split in half.
  return prefix + Array.from(answer).slice(0, maxChars).join('') + suffix;
}
