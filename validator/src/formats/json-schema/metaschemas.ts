import draft04 from './metaschemas/draft-04.json';
import draft06 from './metaschemas/draft-06.json';
import draft07 from './metaschemas/draft-07.json';
import draft2019 from './metaschemas/2019-09/schema.json';
import draft2019Applicator from './metaschemas/2019-09/meta/applicator.json';
import draft2019Content from './metaschemas/2019-09/meta/content.json';
import draft2019Core from './metaschemas/2019-09/meta/core.json';
import draft2019Format from './metaschemas/2019-09/meta/format.json';
import draft2019MetaData from './metaschemas/2019-09/meta/meta-data.json';
import draft2019Validation from './metaschemas/2019-09/meta/validation.json';
import draft2020 from './metaschemas/2020-12/schema.json';
import draft2020Applicator from './metaschemas/2020-12/meta/applicator.json';
import draft2020Content from './metaschemas/2020-12/meta/content.json';
import draft2020Core from './metaschemas/2020-12/meta/core.json';
import draft2020Format from './metaschemas/2020-12/meta/format-annotation.json';
import draft2020MetaData from './metaschemas/2020-12/meta/meta-data.json';
import draft2020Unevaluated from './metaschemas/2020-12/meta/unevaluated.json';
import draft2020Validation from './metaschemas/2020-12/meta/validation.json';
import igluSchema from './metaschemas/iglu/schema-1-0-0.json';
import igluInstanceOnly from './metaschemas/iglu/instance-iglu-only-1-0-0.json';

/** A well-known metaschema document and the URL it answers to (no fragment). */
export interface Metaschema {
  url: string;
  document: Record<string, unknown>;
}

/** A metaschema with the documents it needs (its vocabularies, the metaschema it extends). */
interface MetaschemaGroup {
  /** The URLs a schema may name it by, without `#`; the first is the canonical one. */
  urls: string[];
  documents: Metaschema[];
  needs: string[];
}

const DRAFT_04 = 'http://json-schema.org/draft-04/schema';
const DRAFT_06 = 'http://json-schema.org/draft-06/schema';
const DRAFT_07 = 'http://json-schema.org/draft-07/schema';
const DRAFT_2019 = 'https://json-schema.org/draft/2019-09/schema';
const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';
const IGLU = 'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc';

function own(url: string, document: object): Metaschema {
  return { url, document: document as Record<string, unknown> };
}

function vocabularies(base: string, documents: Record<string, object>): Metaschema[] {
  return Object.entries(documents).map(([name, document]) =>
    own(`${base.replace(/schema$/, 'meta/')}${name}`, document),
  );
}

/**
 * Draft-04's boolean `exclusiveMinimum`/`exclusiveMaximum` in today's numeric form, which ajv
 * reads (the draft-04 metaschema says `"minimum": 0, "exclusiveMinimum": true`).
 */
function numericExclusiveLimits(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(numericExclusiveLimits);
  if (typeof value !== 'object' || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) result[key] = numericExclusiveLimits(item);
  for (const [exclusive, limit] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof result[exclusive] !== 'boolean') continue;
    if (result[exclusive] === true && typeof result[limit] === 'number') {
      result[exclusive] = result[limit];
      delete result[limit];
    } else {
      delete result[exclusive];
    }
  }
  return result;
}

/** The other scheme's spelling of a URL (people write `https` for draft-07, `http` for 2020-12). */
function otherScheme(url: string): string {
  return url.startsWith('https:') ? url.replace('https:', 'http:') : url.replace('http:', 'https:');
}

const groups: MetaschemaGroup[] = [
  {
    urls: [DRAFT_04],
    documents: [own(DRAFT_04, numericExclusiveLimits(draft04) as object)],
    needs: [],
  },
  { urls: [DRAFT_06], documents: [own(DRAFT_06, draft06)], needs: [] },
  { urls: [DRAFT_07], documents: [own(DRAFT_07, draft07)], needs: [] },
  {
    urls: [DRAFT_2019],
    documents: [
      own(DRAFT_2019, draft2019),
      ...vocabularies(DRAFT_2019, {
        applicator: draft2019Applicator,
        content: draft2019Content,
        core: draft2019Core,
        format: draft2019Format,
        'meta-data': draft2019MetaData,
        validation: draft2019Validation,
      }),
    ],
    needs: [],
  },
  {
    urls: [DRAFT_2020],
    documents: [
      own(DRAFT_2020, draft2020),
      ...vocabularies(DRAFT_2020, {
        applicator: draft2020Applicator,
        content: draft2020Content,
        core: draft2020Core,
        'format-annotation': draft2020Format,
        'meta-data': draft2020MetaData,
        unevaluated: draft2020Unevaluated,
        validation: draft2020Validation,
      }),
    ],
    needs: [],
  },
  {
    urls: [`${IGLU}/schema/jsonschema/1-0-0`],
    documents: [own(`${IGLU}/schema/jsonschema/1-0-0`, igluSchema)],
    needs: [DRAFT_04],
  },
  {
    urls: [`${IGLU}/instance-iglu-only/jsonschema/1-0-0`],
    documents: [own(`${IGLU}/instance-iglu-only/jsonschema/1-0-0`, igluInstanceOnly)],
    needs: [],
  },
].map((group) => ({ ...group, urls: [...group.urls, ...group.urls.map(otherScheme)] }));

/** A URL without its fragment, the form metaschemas are known by here. */
export function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

const byUrl = new Map<string, Metaschema>();
for (const group of groups) {
  const [canonical] = group.documents;
  for (const url of group.urls) if (canonical) byUrl.set(url, canonical);
  for (const document of group.documents.slice(1)) {
    byUrl.set(document.url, document);
    byUrl.set(otherScheme(document.url), document);
  }
}

/** The well-known metaschema a URL names (fragment ignored), if any. */
export function metaschemaAt(url: string): Metaschema | undefined {
  return byUrl.get(withoutFragment(url));
}

/**
 * The well-known metaschemas some schema texts name (in `$schema`, `$ref` or anywhere), each
 * with the documents it needs, as `[alias URL, canonical URL]` pairs and documents to add.
 */
export function metaschemasNamedIn(texts: readonly string[]): {
  documents: Metaschema[];
  aliases: [string, string][];
} {
  const wanted = new Set<MetaschemaGroup>();
  const want = (group: MetaschemaGroup): void => {
    if (wanted.has(group)) return;
    wanted.add(group);
    for (const url of group.needs) {
      const needed = groups.find((candidate) => candidate.urls.includes(url));
      if (needed) want(needed);
    }
  };
  for (const group of groups) {
    if (group.urls.some((url) => texts.some((text) => text.includes(url)))) want(group);
  }
  const documents: Metaschema[] = [];
  const aliases: [string, string][] = [];
  for (const group of wanted) {
    documents.push(...group.documents);
    const canonical = group.urls[0] as string;
    for (const url of group.urls.slice(1)) aliases.push([url, canonical]);
  }
  return { documents, aliases };
}
