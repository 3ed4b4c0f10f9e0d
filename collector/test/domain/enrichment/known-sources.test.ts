import { knownBots } from '../../../src/domain/enrichment/known-bots';
import { clickIdParams, knownSources } from '../../../src/domain/enrichment/known-sources';

describe('the known-source lists', () => {
  it('hold between 30 and 60 named sources, each name once', () => {
    expect(knownSources.length).toBeGreaterThanOrEqual(30);
    expect(knownSources.length).toBeLessThanOrEqual(60);
    const names = knownSources.map((source) => source.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('list every host lower-case, once, without scheme or path', () => {
    const hosts = knownSources.flatMap((source) => source.hosts);
    expect(new Set(hosts).size).toBe(hosts.length);
    for (const host of hosts) expect(host).toMatch(/^[a-z0-9.-]+(\.\*)?$/);
  });

  it('list each click id parameter once', () => {
    const params = clickIdParams.map((entry) => entry.param);
    expect(new Set(params).size).toBe(params.length);
  });

  it('name each bot once', () => {
    const names = knownBots.map((bot) => bot.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
