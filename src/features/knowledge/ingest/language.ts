/** PostgreSQL text search configurations this module may return. */
export const TS_CONFIGS = [
  'simple', 'arabic', 'armenian', 'basque', 'catalan', 'danish', 'dutch', 'english', 'estonian', 'finnish', 'french',
  'german', 'greek', 'hindi', 'hungarian', 'indonesian', 'irish', 'italian', 'lithuanian', 'nepali', 'norwegian',
  'portuguese', 'romanian', 'russian', 'serbian', 'spanish', 'swedish', 'tamil', 'turkish', 'yiddish',
] as const;
export type TsConfig = (typeof TS_CONFIGS)[number];

/** Primary language subtag (ISO 639-1, plus the 639-2/3 codes people actually send) → configuration. */
const BY_LANGUAGE: Record<string, TsConfig> = {
  ar: 'arabic', ara: 'arabic', hy: 'armenian', hye: 'armenian', eu: 'basque', eus: 'basque', ca: 'catalan', cat: 'catalan',
  da: 'danish', dan: 'danish', nl: 'dutch', nld: 'dutch', en: 'english', eng: 'english', et: 'estonian', est: 'estonian',
  fi: 'finnish', fin: 'finnish', fr: 'french', fra: 'french', de: 'german', deu: 'german', el: 'greek', ell: 'greek',
  hi: 'hindi', hin: 'hindi', hu: 'hungarian', hun: 'hungarian', id: 'indonesian', ind: 'indonesian', ga: 'irish', gle: 'irish',
  it: 'italian', ita: 'italian', lt: 'lithuanian', lit: 'lithuanian', ne: 'nepali', nep: 'nepali', no: 'norwegian',
  nb: 'norwegian', nn: 'norwegian', nor: 'norwegian', nob: 'norwegian', nno: 'norwegian', pt: 'portuguese', por: 'portuguese',
  ro: 'romanian', ron: 'romanian', mo: 'romanian', ru: 'russian', rus: 'russian', sr: 'serbian', srp: 'serbian',
  es: 'spanish', spa: 'spanish', sv: 'swedish', swe: 'swedish', ta: 'tamil', tam: 'tamil', tr: 'turkish', tur: 'turkish',
  yi: 'yiddish', yid: 'yiddish', ji: 'yiddish',
};

/**
 * The text search configuration for a BCP 47 tag: 'english' for en-IN, 'spanish' for es-419, 'simple' for
 * anything unknown. Some configurations only exist in newer PostgreSQL (armenian, basque, catalan, hindi,
 * serbian, yiddish: 16+; estonian: 17+): pass the server's `pg_ts_config` names as `available` to fall
 * back to 'simple' instead of failing.
 *
 * @example tsConfigFor('pt-BR') // 'portuguese'
 */
export function tsConfigFor(language: string | null | undefined, available?: ReadonlySet<string>): TsConfig {
  const primary = (language ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  const config = BY_LANGUAGE[primary] ?? 'simple';
  return available && !available.has(config) ? 'simple' : config;
}

/** A well-formed, canonical BCP 47 tag ('en_us' → 'en-US'), or undefined for junk. */
export function canonicalLanguage(tag: string | null | undefined): string | undefined {
  const trimmed = (tag ?? '').trim().replace(/_/g, '-');
  if (!trimmed) return undefined;
  try {
    return Intl.getCanonicalLocales(trimmed)[0];
  } catch {
    return undefined;
  }
}
