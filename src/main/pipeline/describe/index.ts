export { ClipNounDescriber, type ClipNounDescriberOptions } from './clip-noun-describer';
export { contextPrompt, type ContextPromptOptions } from './context-prompt';
export { parseElements } from './parse-elements';
export type { Describer, Description } from './types';
export { DEFAULT_CONTEXT_QUESTION, LLAVA_PROMPT_TEMPLATE, VlmDescriber, type VlmDescriberOptions } from './vlm-describer';
export { normaliseLemma, WordNetNouns } from './wordnet-nouns';
