import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_DIR } from './rubrics.js';
import { SettingsError } from './load-settings.js';

/** The normalised numbers a Meta metric can feed. */
export const META_METRIC_FIELDS = ['reach', 'views', 'likes', 'comments', 'shares', 'saves', 'engagement'] as const;
export type MetaMetricField = (typeof META_METRIC_FIELDS)[number];

/**
 * Platform metric names, kept in config/metrics/metrics.json because Meta renames and retires them every year or so.
 * Meta lists are fallbacks in order; Facebook's likes/comments/shares come from post fields, not insights.
 */
export interface MetricNames {
  readonly instagram: Readonly<Partial<Record<MetaMetricField, readonly string[]>>>;
  readonly facebook: Readonly<Partial<Record<'reach' | 'views', readonly string[]>>>;
  readonly x: { readonly tweetFields: readonly string[] };
}

/** Reads and checks the metric names file; every problem is reported at once. */
export function loadMetricNames(file: string): MetricNames {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SettingsError([`${file}: cannot read metric names (${(error as Error).message})`]);
  }
  const problems: string[] = [];
  const section = (name: string, allowed: readonly string[]): Record<string, string[]> => {
    const raw = (parsed as Record<string, unknown>)[name];
    const out: Record<string, string[]> = {};
    if (typeof raw !== 'object' || raw === null) {
      problems.push(`${file} ${name}: must be an object`);
      return out;
    }
    for (const [key, value] of Object.entries(raw)) {
      if (!allowed.includes(key)) problems.push(`${file} ${name}.${key}: unknown, expected one of ${allowed.join(', ')}`);
      else if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v !== '')) {
        problems.push(`${file} ${name}.${key}: must be a non-empty list of metric names`);
      } else out[key] = value as string[];
    }
    return out;
  };
  const instagram = section('instagram', META_METRIC_FIELDS);
  const facebook = section('facebook', ['reach', 'views']);
  const x = section('x', ['tweetFields']);
  if (x.tweetFields === undefined) problems.push(`${file} x.tweetFields: required`);
  if (problems.length > 0) throw new SettingsError(problems);
  return { instagram, facebook, x: { tweetFields: x.tweetFields } };
}

let defaults: MetricNames | undefined;

/** The names in the repository's config/metrics/metrics.json, for clients built without explicit names. */
export function defaultMetricNames(): MetricNames {
  defaults ??= loadMetricNames(join(CONFIG_DIR, 'metrics', 'metrics.json'));
  return defaults;
}
