import { ensureChromium, findChromium } from '../../test/browser/chromium';

// The browser tests' launcher (test/browser/chromium.ts): finding the binary and refusing
// with a clear message when it is missing outside CI. (Installing is exercised by CI itself.)
describe('chromium launcher', () => {
  it('takes the binary SIFT_CHROMIUM names', () => {
    expect(findChromium({ SIFT_CHROMIUM: process.execPath })).toBe(process.execPath);
  });

  it('says how to install Chromium when there is none and this is not CI', () => {
    expect(() => ensureChromium({ SIFT_CHROMIUM: '/nonexistent/chromium', CI: 'false' })).toThrow(
      /apt-get install -y --no-install-recommends chromium/,
    );
  });
});
