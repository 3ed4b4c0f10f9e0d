export { RegistryClient } from './registry-client';
export type {
  ReferencedSchemaText,
  RegistryClientOptions,
  RegistryReference,
  RegistrySchema,
  RegistryVersion,
} from './registry-client';
export { decodeWireFormat, encodeWireFormat } from './wire-format';
