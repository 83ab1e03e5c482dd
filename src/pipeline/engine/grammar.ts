import type { AiClassifyData, CollectData, DtmfMenuData } from '../../features/flows/node-data-schemas.js';
import type { InputGrammar } from '../types.js';

export const FREE: InputGrammar = { kind: 'free' };

/** What a collect expects; `regex` and `free_text` cannot be constrained, so they are free. */
export function collectGrammar(data: CollectData): InputGrammar {
  switch (data.validation) {
    case 'digits':
    case 'number':
    case 'email':
    case 'phone':
    case 'date':
    case 'yes_no':
      return { kind: data.validation };
    case 'regex':
    case 'free_text':
      return FREE;
  }
}

export const menuGrammar = (data: DtmfMenuData): InputGrammar => ({ kind: 'dtmf', keys: data.options.map((o) => o.digit) });

export const classifyGrammar = (data: AiClassifyData): InputGrammar => ({
  kind: 'choices',
  choices: data.classes.map((c) => ({ label: c.label, examples: [...(c.examples ?? [])] })),
});
