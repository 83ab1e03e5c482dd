import { describe, expect, it } from 'vitest';
import { buildDomainLm } from './domain-lm.js';
import { grammarToJsgf, grammarWords, phraseWords } from './grammar.js';

const everyWord = () => true;

describe('grammarToJsgf', () => {
  it('yes/no lists the answers and nothing else', () => {
    const jsgf = grammarToJsgf({ kind: 'yes_no' }, everyWord)!;
    expect(jsgf).toMatch(/^#JSGF V1.0;\ngrammar converse;\npublic <utterance> = \(<yes> \| <no>\)/);
    expect(jsgf).toContain('<yes> = (yes | yeah | yep');
    expect(jsgf).toContain('<no> = (no | nope');
  });

  it('digits honour min and max', () => {
    expect(grammarToJsgf({ kind: 'digits', min: 3, max: 5 }, everyWord)).toContain('public <utterance> = <digit> <digit> <digit> [<digit>] [<digit>];');
    expect(grammarToJsgf({ kind: 'digits' }, everyWord)).toContain('public <utterance> = <digit> <digit>*;');
  });

  it('a menu of choices says labels and examples, dropping what the dictionary lacks', () => {
    const jsgf = grammarToJsgf({ kind: 'choices', choices: [{ label: 'billing', examples: ['my invoice', 'zorblax charges'] }, { label: 'tech_support', examples: ['it is broken'] }, { label: 'R2D2', examples: [] }] }, (w) => w !== 'zorblax')!;
    expect(jsgf).toContain('<choice> = (billing | my invoice | tech support | it is broken);');
  });

  it('dtmf keys become spoken keys', () => {
    expect(grammarToJsgf({ kind: 'dtmf', keys: ['1', '2', '#'] }, everyWord)).toContain('public <utterance> = [press] (one | two | pound | hash);');
  });

  it('numbers and dates are grammars; free speech and email are not', () => {
    expect(grammarToJsgf({ kind: 'number' }, everyWord)).toContain('<under100> = <unit> | (ten | eleven');
    expect(grammarToJsgf({ kind: 'date' }, everyWord)).toContain('<month> = (january');
    expect(grammarToJsgf({ kind: 'free' }, everyWord)).toBeNull();
    expect(grammarToJsgf({ kind: 'email' }, everyWord)).toBeNull();
  });

  it('a rule with no known word becomes <VOID> rather than an invalid grammar', () => {
    expect(grammarToJsgf({ kind: 'choices', choices: [{ label: 'qqq', examples: [] }] }, (w) => w !== 'qqq')).toContain('<choice> = <VOID>;');
  });

  it('grammarWords covers the choices', () => {
    expect(grammarWords({ kind: 'choices', choices: [{ label: 'Billing', examples: ['My invoice!'] }] })).toEqual(expect.arrayContaining(['billing', 'my', 'invoice', 'yes']));
    expect(phraseWords('option 2')).toBeNull();
  });
});

describe('buildDomainLm', () => {
  const arpa = buildDomainLm(['You can reset your password from the login page.', 'Reset takes a minute.'], (w) => w !== 'login');
  const section = (name: string) => arpa.split(`\\${name}:`)[1]!.split('\n\n')[0]!.trim().split('\n');

  it('writes a well-formed ARPA bigram model whose counts match its sections', () => {
    const n1 = Number(/ngram 1=(\d+)/.exec(arpa)![1]);
    const n2 = Number(/ngram 2=(\d+)/.exec(arpa)![1]);
    expect(section('1-grams')).toHaveLength(n1);
    expect(section('2-grams')).toHaveLength(n2);
    expect(arpa.trim().endsWith('\\end\\')).toBe(true);
  });

  it('holds the domain words, never an unknown one, and the bigrams of the text', () => {
    const words = section('1-grams').map((l) => l.split(' ')[1]);
    expect(words).toEqual(expect.arrayContaining(['<s>', '</s>', 'reset', 'password', 'yes']));
    expect(words).not.toContain('login');
    expect(section('2-grams').some((l) => l.endsWith(' reset your'))).toBe(true);
    expect(section('2-grams').some((l) => l.includes('the login'))).toBe(false);
  });

  it('each history’s probabilities sum to one with its back-off mass', () => {
    const p1 = new Map(section('1-grams').map((l) => [l.split(' ')[1]!, 10 ** Number(l.split(' ')[0])]));
    const bow = new Map(section('1-grams').map((l) => [l.split(' ')[1]!, 10 ** Number(l.split(' ')[2] ?? 0)]));
    const seen = new Map<string, Array<[string, number]>>();
    for (const l of section('2-grams')) {
      const [lp, v, w] = l.split(' ');
      seen.set(v!, [...(seen.get(v!) ?? []), [w!, 10 ** Number(lp)]]);
    }
    for (const [v, nexts] of seen) {
      const seenMass = nexts.reduce((a, [, p]) => a + p, 0);
      const unseen = [...p1].filter(([w]) => w !== '<s>' && !nexts.some(([n]) => n === w)).reduce((a, [, p]) => a + p, 0);
      expect(seenMass + bow.get(v)! * unseen).toBeCloseTo(1, 2);
    }
  });
});
