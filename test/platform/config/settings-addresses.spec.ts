import { InvalidSettingsError, loadSettings } from '../../../src/platform/config/settings';

describe('a URL or address setting', () => {
  it.each([
    'javascript:alert(1)',
    'data:text/html,<b>x</b>',
    'file:///etc/passwd',
    'ftp://example.com/',
  ])(
    'R3: INVITATION_BASE_URL %p is refused at start: the link is mailed to customers to click',
    (value) => {
      expect(() => loadSettings({ INVITATION_BASE_URL: value })).toThrow(InvalidSettingsError);
      expect(() => loadSettings({ INVITATION_BASE_URL: value })).toThrow(
        /INVITATION_BASE_URL: must be an http or https URL/,
      );
    },
  );

  it('R3: INVITATION_BASE_URL over http or https is read as given', () => {
    for (const url of ['https://partner.example/invite', 'http://localhost:8080/invite']) {
      expect(loadSettings({ INVITATION_BASE_URL: url }).INVITATION_BASE_URL).toBe(url);
    }
  });

  it.each(['not a host', 'localhost:3000', 'http://localhost', '[::1]', '256.1.1.1', '1.2.3'])(
    'HOST %p is refused at start, naming it, before any store is opened',
    (value) => {
      expect(() => loadSettings({ HOST: value })).toThrow(/HOST: must be an IP address/);
    },
  );

  it('HOST as an address or a host name is read as given', () => {
    for (const host of ['0.0.0.0', '127.0.0.1', '::', '::1', 'localhost', 'ledger.internal']) {
      expect(loadSettings({ HOST: host }).HOST).toBe(host);
    }
  });
});
