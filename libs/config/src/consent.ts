import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_DIR } from './rubrics.js';
import { SettingsError } from './load-settings.js';

/** The consent text owners accept before submitting; a new text gets a new version, and each consent keeps its version. */
export interface ConsentText {
  readonly version: string;
  readonly text: string;
}

export function loadConsent(dir: string = CONFIG_DIR): ConsentText {
  const raw = JSON.parse(readFileSync(join(dir, 'registry', 'consent.json'), 'utf8')) as Partial<ConsentText>;
  if (typeof raw.version !== 'string' || raw.version === '' || typeof raw.text !== 'string' || raw.text === '') {
    throw new SettingsError(['registry/consent.json: needs a non-empty "version" and "text"']);
  }
  return { version: raw.version, text: raw.text };
}
