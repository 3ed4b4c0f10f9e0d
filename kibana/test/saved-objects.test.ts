import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexTemplate } from '@sift/sinks';

// Kibana cannot run on this machine: these checks hold the shipped saved objects to Kibana's
// documented import format (NDJSON; objects linked only through named references) and to the
// fields the sinks' index templates really map.

interface SavedObject {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  references: { name: string; type: string; id: string }[];
}

const text = readFileSync(join(__dirname, '../sift-saved-objects.ndjson'), 'utf8');
const objects = text
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => JSON.parse(line) as SavedObject);
const byKey = new Map(objects.map((object) => [`${object.type}:${object.id}`, object]));

/** The Elasticsearch type of a dotted field in a verdict's template, if it maps it. */
function fieldType(verdict: 'good' | 'bad', field: string): string | undefined {
  const template = indexTemplate(verdict).body['template'] as {
    mappings: { properties: Record<string, unknown> };
  };
  let properties: Record<string, unknown> | undefined = template.mappings.properties;
  let found: { type?: string; properties?: Record<string, unknown> } | undefined;
  for (const part of field.split('.')) {
    found = properties?.[part] as typeof found;
    properties = found?.properties;
  }
  return found?.type ?? (found?.properties ? 'object' : undefined);
}

const verdictOf = (dataViewId: string) =>
  (byKey.get(`index-pattern:${dataViewId}`)?.attributes['title'] as string).startsWith('sift-good')
    ? 'good'
    : 'bad';

/** The data view a visualization or search reads, through its named reference. */
function dataViewOf(object: SavedObject): string {
  const meta = object.attributes['kibanaSavedObjectMeta'] as { searchSourceJSON: string };
  const source = JSON.parse(meta.searchSourceJSON) as { indexRefName: string };
  const reference = object.references.find(({ name }) => name === source.indexRefName);
  expect(reference?.type).toBe('index-pattern');
  return reference!.id;
}

describe('Kibana saved objects', () => {
  it('are one JSON object per line with a type, a unique id, attributes and references', () => {
    expect(text.endsWith('\n')).toBe(true);
    expect(objects.length).toBeGreaterThan(10);
    for (const object of objects) {
      expect(Object.keys(object).sort()).toEqual(['attributes', 'id', 'references', 'type']);
      expect(['index-pattern', 'visualization', 'search', 'dashboard', 'map']).toContain(
        object.type,
      );
      expect(object.id).toMatch(/^[a-z0-9-]+$/);
      expect(typeof object.attributes['title']).toBe('string');
    }
    expect(byKey.size).toBe(objects.length);
  });

  it('ship the data views sift-good-* and sift-bad-* on @timestamp', () => {
    const views = objects.filter(({ type }) => type === 'index-pattern');
    expect(
      views.map(({ attributes }) => [attributes['title'], attributes['timeFieldName']]),
    ).toEqual([
      ['sift-good-*', '@timestamp'],
      ['sift-bad-*', '@timestamp'],
    ]);
  });

  it('hold every embedded JSON attribute as valid JSON text', () => {
    const jsonAttributes = [
      'visState',
      'uiStateJSON',
      'panelsJSON',
      'optionsJSON',
      'mapStateJSON',
      'layerListJSON',
    ];
    for (const { attributes } of objects) {
      for (const name of jsonAttributes) {
        if (name in attributes) expect(() => JSON.parse(attributes[name] as string)).not.toThrow();
      }
      const meta = attributes['kibanaSavedObjectMeta'] as { searchSourceJSON?: string } | undefined;
      if (meta?.searchSourceJSON) expect(() => JSON.parse(meta.searchSourceJSON!)).not.toThrow();
    }
  });

  it('resolve every reference name used and point every reference at an object of the file', () => {
    for (const object of objects) {
      const names = new Set(object.references.map(({ name }) => name));
      const used: string[] = [];
      const meta = object.attributes['kibanaSavedObjectMeta'] as
        { searchSourceJSON?: string } | undefined;
      const source = JSON.parse(meta?.searchSourceJSON ?? '{}') as { indexRefName?: string };
      if (source.indexRefName) used.push(source.indexRefName);
      if (object.type === 'dashboard') {
        const panels = JSON.parse(object.attributes['panelsJSON'] as string) as {
          panelRefName: string;
        }[];
        used.push(...panels.map(({ panelRefName }) => panelRefName));
      }
      if (object.type === 'map') {
        const layers = JSON.parse(object.attributes['layerListJSON'] as string) as {
          sourceDescriptor: { indexPatternRefName?: string };
        }[];
        for (const { sourceDescriptor } of layers) {
          if (sourceDescriptor.indexPatternRefName) used.push(sourceDescriptor.indexPatternRefName);
        }
      }
      for (const name of used) expect(names).toContain(name);
      expect(used.sort()).toEqual([...names].sort());
      for (const { type, id } of object.references) expect(byKey.has(`${type}:${id}`)).toBe(true);
    }
  });

  it('aggregate only on fields the sinks map as keywords, and show fields they map', () => {
    for (const object of objects.filter(({ type }) => type === 'visualization')) {
      const verdict = verdictOf(dataViewOf(object));
      const state = JSON.parse(object.attributes['visState'] as string) as {
        aggs: { type: string; params: { field?: string } }[];
      };
      for (const { type, params } of state.aggs) {
        if (type === 'terms')
          expect([object.id, fieldType(verdict, params.field!)]).toEqual([object.id, 'keyword']);
        if (type === 'date_histogram') expect(fieldType(verdict, params.field!)).toBe('date');
      }
    }
    const search = byKey.get('search:sift-latest-bad-events')!;
    for (const column of search.attributes['columns'] as string[]) {
      expect([column, fieldType(verdictOf(dataViewOf(search)), column)]).not.toEqual([
        column,
        undefined,
      ]);
    }
    expect(search.attributes['columns']).toContain('payload');
    const map = byKey.get('map:sift-events-map')!;
    const layers = JSON.parse(map.attributes['layerListJSON'] as string) as {
      sourceDescriptor: { geoField?: string };
    }[];
    const geoFields = layers.flatMap(({ sourceDescriptor }) =>
      sourceDescriptor.geoField ? [sourceDescriptor.geoField] : [],
    );
    expect(geoFields.map((field) => fieldType('good', field))).toEqual(['geo_point']);
  });

  it('put the traffic and QA panels on their dashboards', () => {
    const panels = (id: string) =>
      byKey.get(`dashboard:${id}`)!.references.map(({ type, id: target }) => `${type}:${target}`);
    expect(panels('sift-traffic')).toEqual([
      'visualization:sift-events-over-time-by-type',
      'visualization:sift-top-pages',
      'visualization:sift-source-categories',
      'visualization:sift-browsers',
      'visualization:sift-devices',
      'map:sift-events-map',
    ]);
    expect(panels('sift-qa')).toEqual([
      'visualization:sift-bad-over-time-by-kind',
      'visualization:sift-bad-over-time-by-event-type',
      'visualization:sift-top-error-messages',
      'search:sift-latest-bad-events',
    ]);
  });
});
