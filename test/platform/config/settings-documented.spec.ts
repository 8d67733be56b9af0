import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTING_NAMES } from '../../../src/platform/config/settings';

const ROOT = join(__dirname, '../../..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

describe('every setting is documented', () => {
  it.each(SETTING_NAMES)('%s is in .env.example and in the README Configuration table', (name) => {
    expect(read('.env.example')).toMatch(new RegExp(`^# ${name}=`, 'm'));
    const configuration = read('README.md').split('## Configuration')[1].split('\n## ')[0];
    expect(configuration).toContain(`\`${name}\``);
  });
});
