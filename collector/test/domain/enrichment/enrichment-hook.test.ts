import { runEnrichmentHooks } from '../../../src/domain/enrichment/enrichment-hook';
import type {
  EnrichmentHook,
  EnrichmentHookEvent,
} from '../../../src/domain/enrichment/enrichment-hook';

const event: EnrichmentHookEvent = {
  eventType: 'com.acme.checkout_completed',
  data: { total: 42 },
  context: { user_id: 'u-1' },
  enrichment: { sourceCategory: 'direct' },
};

const users = new Map([['u-1', 'Ada Lovelace']]);

describe('runEnrichmentHooks', () => {
  it('merges the headers of sync and async hooks, a later hook winning a name', async () => {
    const userName: EnrichmentHook = async ({ context }) => {
      const name = users.get(String(context['user_id']));
      return name === undefined ? undefined : { 'acme-user-name': name, 'acme-tier': 'free' };
    };
    const tier: EnrichmentHook = () => ({ 'acme-tier': 'gold' });
    const nothing: EnrichmentHook = () => undefined;
    await expect(runEnrichmentHooks([userName, tier, nothing], event)).resolves.toEqual({
      headers: { 'acme-user-name': 'Ada Lovelace', 'acme-tier': 'gold' },
      ignored: [],
    });
  });

  it('hands each hook the event type, data, context and enrichment', async () => {
    const seen: EnrichmentHookEvent[] = [];
    await runEnrichmentHooks([(given) => void seen.push(given)], event);
    expect(seen).toEqual([event]);
  });

  it('ignores reserved sift- names and values that are not strings', async () => {
    const hook = (() => ({
      'sift-client-ip': '1.2.3.4',
      'SIFT-EVENT-TIME': 'x',
      'acme-count': 3,
      'acme-ok': 'yes',
    })) as unknown as EnrichmentHook;
    await expect(runEnrichmentHooks([hook], event)).resolves.toEqual({
      headers: { 'acme-ok': 'yes' },
      ignored: ['sift-client-ip', 'SIFT-EVENT-TIME', 'acme-count'],
    });
  });

  it('rejects with the error of a failing hook', async () => {
    const failure = new Error('user service down');
    const failing: EnrichmentHook = async () => {
      throw failure;
    };
    await expect(runEnrichmentHooks([failing], event)).rejects.toBe(failure);
  });

  it('gives no headers without hooks', async () => {
    await expect(runEnrichmentHooks([], event)).resolves.toEqual({ headers: {}, ignored: [] });
  });
});
