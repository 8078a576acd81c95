import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PLATFORMS, type Platform, RUBRICS, type RubricCode } from './vocabulary.js';
import { SettingsError } from './load-settings.js';

export interface WeeklySlot {
  /** ISO weekday, 1 = Monday. */
  readonly day: number;
  /** HH:mm, Asia/Jakarta. */
  readonly time: string;
}

export interface RubricDefinition {
  readonly code: RubricCode;
  readonly name: string;
  readonly hashtags: readonly string[];
  readonly slots: Readonly<Record<Platform, WeeklySlot>>;
  readonly templates: Readonly<Record<Platform, string>>;
}

export const CONFIG_DIR = resolve('config');

/** Reads config/rubrics.json and the caption templates; every problem is reported at once. */
export function loadRubrics(dir: string = CONFIG_DIR): ReadonlyMap<RubricCode, RubricDefinition> {
  const problems: string[] = [];
  const parsed = JSON.parse(readFileSync(join(dir, 'rubrics.json'), 'utf8')) as { rubrics?: unknown[] };
  const rubrics = new Map<RubricCode, RubricDefinition>();
  for (const [index, entry] of (parsed.rubrics ?? []).entries()) {
    const raw = entry as Partial<RubricDefinition>;
    const where = `rubrics.json rubrics[${index}]`;
    if (!RUBRICS.includes(raw.code as RubricCode)) {
      problems.push(`${where}.code: must be one of ${RUBRICS.join(', ')}`);
      continue;
    }
    const code = raw.code as RubricCode;
    const slots = {} as Record<Platform, WeeklySlot>;
    const templates = {} as Record<Platform, string>;
    for (const platform of PLATFORMS) {
      const slot = raw.slots?.[platform];
      if (!slot || !Number.isInteger(slot.day) || slot.day < 1 || slot.day > 7 || !/^([01]\d|2[0-3]):[0-5]\d$/.test(slot.time)) {
        problems.push(`${where}.slots.${platform}: needs day 1-7 and time HH:mm`);
      } else {
        slots[platform] = slot;
      }
      try {
        templates[platform] = readFileSync(join(dir, 'captions', `${code}.${platform}.txt`), 'utf8');
      } catch {
        problems.push(`captions/${code}.${platform}.txt: missing`);
      }
    }
    if (typeof raw.name !== 'string' || raw.name.length === 0) problems.push(`${where}.name: required`);
    const hashtags = Array.isArray(raw.hashtags) ? raw.hashtags.filter((h) => typeof h === 'string') : [];
    rubrics.set(code, { code, name: raw.name ?? code, hashtags, slots, templates });
  }
  for (const code of RUBRICS) if (!rubrics.has(code)) problems.push(`rubrics.json: rubric "${code}" is not defined`);
  if (problems.length > 0) throw new SettingsError(problems);
  return rubrics;
}
