export { RegistryClient } from './registry-client';
export type { RegistryClientOptions, RegistrySchema, RegistryVersion } from './registry-client';
export { decodeWireFormat, encodeWireFormat } from './wire-format';
