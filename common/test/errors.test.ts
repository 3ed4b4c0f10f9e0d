import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorCatalogue, NotFoundError, SiftError, UpstreamError } from '@sift/common';

function documentedCodes(): string[] {
  const doc = readFileSync(join(__dirname, '../../docs/errors.md'), 'utf8');
  return [...doc.matchAll(/^\|\s*`(SIFT_[A-Z_]+)`\s*\|/gm)].map((match) => match[1] as string);
}

describe('error catalogue', () => {
  it('lists exactly the codes docs/errors.md documents, in the same order', () => {
    expect(documentedCodes()).toEqual(Object.keys(errorCatalogue));
  });

  it('keeps the code, the cause and the class', () => {
    const cause = new Error('socket hang up');
    const error = new UpstreamError('SIFT_REGISTRY_UNREACHABLE', 'registry down', { cause });
    expect(error).toBeInstanceOf(SiftError);
    expect(error.code).toBe('SIFT_REGISTRY_UNREACHABLE');
    expect(error.retriable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('UpstreamError');
    expect(new NotFoundError('SIFT_REGISTRY_SUBJECT_NOT_FOUND', 'x').retriable).toBe(false);
  });
});
