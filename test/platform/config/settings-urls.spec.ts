import { InvalidSettingsError, loadSettings } from '../../../src/platform/config/settings';

describe('a URL setting', () => {
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
});
