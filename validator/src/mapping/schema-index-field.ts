import { avroIndexField } from '../formats/avro/avro-mapping';
import { jsonSchemaIndexField } from '../formats/json-schema/json-schema-mapping';
import type { SchemaText } from '../schema-format';
import { schemaFormat } from '../validator-cache';
import type { IndexField } from './index-field';

/**
 * The Elasticsearch field that holds data of a registered schema, by Confluent schema type
 * (absent means AVRO). Undefined when the data holds nothing to index. Throws
 * `SIFT_SCHEMA_TYPE_UNSUPPORTED` for other types.
 */
export function schemaIndexField(
  schemaType: string | undefined,
  schema: SchemaText,
): IndexField | undefined {
  return schemaFormat(schemaType).schemaType === 'AVRO'
    ? avroIndexField(schema)
    : jsonSchemaIndexField(schema);
}
