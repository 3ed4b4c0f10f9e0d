import { igluEventType, parseIgluUri, readTrackerEvent } from '@sift/collector';

describe('readTrackerEvent', () => {
  it('maps tracker fields onto the Sift envelope and the sift-snowplow fields', () => {
    const read = readTrackerEvent(
      {
        e: 'se',
        eid: 'e-1',
        se_ca: 'shop',
        se_ac: 'add',
        se_va: '2.5',
        uid: 'u-1',
        sid: 's-1',
        url: 'https://shop.example/',
        refr: 'https://search.example/',
        dtm: '1796406345035',
        stm: '1796406346035',
        aid: 'shop',
        p: 'web',
        res: '1920x1080',
        vp: '800x600',
        lang: 'en-GB',
        tz: 'Europe/London',
        duid: 'd-1',
        vid: '3',
      },
      'n-1',
    );
    if (!('event' in read)) throw new Error('expected an event');
    expect(read.event.envelope).toEqual({
      event: 'com.snowplowanalytics.snowplow.structured_event',
      id: 'e-1',
      sent_at: '2026-12-04T17:45:46.035Z',
      context: {
        created_at: '2026-12-04T17:45:45.035Z',
        user_id: 'u-1',
        session_id: 's-1',
        page_url: 'https://shop.example/',
        referrer: 'https://search.example/',
      },
      data: { category: 'shop', action: 'add', value: 2.5 },
    });
    expect(read.event.fields).toEqual({
      e: 'se',
      aid: 'shop',
      p: 'web',
      duid: 'd-1',
      sid: 's-1',
      vid: '3',
      res: '1920x1080',
      vp: '800x600',
      lang: 'en-GB',
      tz: 'Europe/London',
      nuid: 'n-1',
    });
  });

  it('keeps a numeric field that does not read as a number as sent, for the schema to refuse', () => {
    const read = readTrackerEvent({ e: 'se', se_ca: 'a', se_ac: 'b', se_va: 'lots' });
    expect('event' in read && read.event.envelope['data']).toEqual({
      category: 'a',
      action: 'b',
      value: 'lots',
    });
  });

  it('refuses a self-describing event whose inner schema is not an iglu URI', () => {
    const ue_pr = JSON.stringify({ schema: 'x', data: { schema: 'http://nope', data: {} } });
    expect(readTrackerEvent({ e: 'ue', ue_pr })).toEqual({
      issues: [expect.objectContaining({ path: '/ue_pr/data', keyword: 'self-describing' })],
    });
  });
});

describe('Iglu URIs', () => {
  it('reads vendor, name and SchemaVer, and names the event type <vendor>.<name>', () => {
    const key = parseIgluUri('iglu:com.acme/signup/jsonschema/1-0-0');
    expect(key).toEqual({ vendor: 'com.acme', name: 'signup', version: '1-0-0' });
    expect(key && igluEventType(key)).toBe('com.acme.signup');
    expect(parseIgluUri('iglu:com.acme/signup/avro/1-0-0')).toBeUndefined();
    expect(parseIgluUri('iglu:com.acme/signup/jsonschema/0-0-1')).toBeUndefined();
  });
});
