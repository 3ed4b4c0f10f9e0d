import type { ResolvedSchema, SchemaMiss, SchemaSource } from '@sift/collector';

/** An Avro page view: a required `path`, an optional `title`. */
export const pageViewSchema = JSON.stringify({
  type: 'record',
  name: 'PageView',
  fields: [
    { name: 'path', type: 'string' },
    { name: 'title', type: ['null', 'string'], default: null },
  ],
});

/** A registry that knows one event type, `com.acme.page_view`, at version 1 (schema id 1). */
export const pageViewSchemas: SchemaSource = {
  async resolve(eventType: string): Promise<ResolvedSchema | SchemaMiss> {
    return eventType === 'com.acme.page_view'
      ? { id: 1, version: 1, schemaType: 'AVRO', schema: pageViewSchema, references: [] }
      : 'unknown_event';
  },
};
