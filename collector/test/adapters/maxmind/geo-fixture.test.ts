import { readFileSync, writeFileSync } from 'node:fs';
import { buildGeoFixture, GEO_FIXTURE_PATH } from './fixtures/geo-fixture';

describe('the MaxMind test database fixture', () => {
  it('matches what its generator writes', () => {
    const built = buildGeoFixture();
    if (process.env['SIFT_UPDATE_FIXTURES'] === '1') writeFileSync(GEO_FIXTURE_PATH, built);
    expect(readFileSync(GEO_FIXTURE_PATH).equals(built)).toBe(true);
  });
});
