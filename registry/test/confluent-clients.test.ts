import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSchemaStore, MemorySchemaStore } from '@sift/registry';
import { describeConfluentClients } from './support/confluent-client-suite';

describeConfluentClients('memory', () => new MemorySchemaStore());
describeConfluentClients(
  'file',
  () => new FileSchemaStore(join(mkdtempSync(join(tmpdir(), 'sift-clients-')), 'schemas.jsonl')),
);
