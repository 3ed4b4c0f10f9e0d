export { RegistryClient } from './registry-client';
export type {
  IgluSchema,
  ReferencedSchemaText,
  RegistryClientOptions,
  RegistryReference,
  RegistrySchema,
  RegistryVersion,
} from './registry-client';
export { decodeWireFormat, encodeWireFormat } from './wire-format';
export { registryClientFromConfig } from './registry-client-from-config';
export type { RegistryConnectionConfig } from './registry-client-from-config';
