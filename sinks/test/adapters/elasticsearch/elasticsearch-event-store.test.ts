import { errors } from '@elastic/elasticsearch';
import type { Client } from '@elastic/elasticsearch';
import { ConflictError, UpstreamError } from '@sift/common';
import { ElasticsearchEventStore } from '@sift/sinks';
import type { IndexField } from '@sift/validator';

function responseError(statusCode: number, type: string): errors.ResponseError {
  return new errors.ResponseError({
    body: { error: { type, reason: type } },
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as errors.ResponseError['meta']['meta'],
  });
}

type Failure = () => unknown;

/** Just the index API calls `ensureDataMapping` makes; failures queued per call. */
class FakeIndices {
  template: { data?: Record<string, IndexField>; entities?: Record<string, IndexField> } = {};
  readonly mappingBodies: unknown[] = [];
  readonly templateFailures: Failure[] = [];
  readonly mappingFailures: Failure[] = [];
  templatePuts = 0;
  mappingPuts = 0;

  getIndexTemplate = async () => {
    if (!this.template.data) throw responseError(404, 'resource_not_found_exception');
    return {
      index_templates: [
        {
          index_template: {
            template: {
              mappings: {
                properties: {
                  data: { properties: this.template.data },
                  entities: { properties: this.template.entities ?? {} },
                },
              },
            },
          },
        },
      ],
    };
  };

  putIndexTemplate = async (request: {
    template: {
      mappings: {
        properties: {
          data?: { properties?: Record<string, IndexField> };
          entities?: { properties?: Record<string, IndexField> };
        };
      };
    };
  }) => {
    this.templatePuts++;
    const failure = this.templateFailures.shift();
    if (failure) throw failure();
    this.template.data = request.template.mappings.properties.data?.properties ?? {};
    this.template.entities = request.template.mappings.properties.entities?.properties ?? {};
    return { acknowledged: true };
  };

  create = async () => ({ acknowledged: true });

  putMapping = async (request: { properties: unknown }) => {
    this.mappingPuts++;
    this.mappingBodies.push(request.properties);
    const failure = this.mappingFailures.shift();
    if (failure) throw failure();
    return { acknowledged: true };
  };
}

function storeWith(indices: FakeIndices): ElasticsearchEventStore {
  return new ElasticsearchEventStore({
    url: 'http://fake:9200',
    verdicts: ['good'],
    client: { indices } as unknown as Client,
  });
}

const index = 'sift-good-2026.11.23';
const page = { type: 'object', properties: { path: { type: 'keyword' } } };

describe('ElasticsearchEventStore.ensureDataMapping', () => {
  it('puts the template again on the next call after a failed template update', async () => {
    const indices = new FakeIndices();
    indices.templateFailures.push(() => responseError(503, 'unavailable_shards_exception'));
    const store = storeWith(indices);

    await expect(store.ensureDataMapping(index, 'com_acme_page', page)).rejects.toBeInstanceOf(
      UpstreamError,
    );
    expect(store.dataMapping).toEqual({});

    await store.ensureDataMapping(index, 'com_acme_page', page);
    expect(indices.templatePuts).toBe(2);
    expect(indices.template.data).toEqual({ com_acme_page: page });
    expect(store.dataMapping).toEqual({ com_acme_page: page });
  });

  it("maps the day's index when Elasticsearch refuses the template, and tries the template again later", async () => {
    const indices = new FakeIndices();
    indices.templateFailures.push(() => responseError(400, 'illegal_argument_exception'));
    const store = storeWith(indices);

    await store.ensureDataMapping(index, 'com_acme_page', page);
    expect(indices.mappingPuts).toBe(1);
    expect(store.dataMapping).toEqual({});

    await store.ensureDataMapping(index, 'com_acme_page', page);
    expect(indices.templatePuts).toBe(2);
    expect(store.dataMapping).toEqual({ com_acme_page: page });
  });

  it('reports a mapping the index refuses as a conflict, keeping the template updated', async () => {
    const indices = new FakeIndices();
    indices.mappingFailures.push(() => responseError(400, 'illegal_argument_exception'));
    const store = storeWith(indices);

    const failure = store.ensureDataMapping(index, 'com_acme_page', page);
    await expect(failure).rejects.toBeInstanceOf(ConflictError);
    await expect(failure).rejects.toMatchObject({ code: 'SIFT_INDEX_MAPPING_CONFLICT' });
    expect(indices.template.data).toEqual({ com_acme_page: page });
  });

  it('maps an entity under entities.<key> in the template and the index, keeping the event-type fields', async () => {
    const indices = new FakeIndices();
    const store = storeWith(indices);
    const webPage = { type: 'object', properties: { id: { type: 'keyword' } } };

    await store.ensureDataMapping(index, 'com_acme_page', page);
    await store.ensureDataMapping(
      index,
      'com_snowplowanalytics_snowplow_web_page',
      webPage,
      'entities',
    );

    expect(indices.template).toEqual({
      data: { com_acme_page: page },
      entities: { com_snowplowanalytics_snowplow_web_page: webPage },
    });
    expect(indices.mappingBodies[1]).toEqual({
      entities: { properties: { com_snowplowanalytics_snowplow_web_page: webPage } },
    });
    expect(store.dataMapping).toEqual({ com_acme_page: page });
    expect(store.entityMapping).toEqual({ com_snowplowanalytics_snowplow_web_page: webPage });
  });

  it('learns the entity fields other sinks put in the installed template', async () => {
    const indices = new FakeIndices();
    const cart = { type: 'object', properties: { total: { type: 'double' } } };
    indices.template = { data: { com_acme_page: page }, entities: { com_acme_cart: cart } };
    const store = storeWith(indices);

    await store.ensureDataMapping(index, 'com_acme_search', page);

    expect(indices.template.entities).toEqual({ com_acme_cart: cart });
    expect(indices.template.data).toEqual({ com_acme_page: page, com_acme_search: page });
  });
});
