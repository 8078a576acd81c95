import { PlatformError, PlatformRejectedError } from '../platform.errors.js';
import { isRecord } from '../network-failure.mapper.js';

/**
 * The value of `metric` in an insights response (`values[0].value`, or `total_value.value` for account-style
 * answers). null when Meta has no data yet: it answers with an empty `data` array rather than 0.
 */
export function readInsightValue(body: unknown, metric: string): number | null {
  if (!isRecord(body) || !Array.isArray(body.data)) return null;
  const entry: unknown = body.data.find((item: unknown) => isRecord(item) && item.name === metric);
  if (!isRecord(entry)) return null;
  const first: unknown = Array.isArray(entry.values) ? entry.values[0] : entry.total_value;
  const value = isRecord(first) ? first.value : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export interface CollectedMetrics {
  /** Metric name → value; null when the platform has no data yet. Failed metrics are absent. */
  readonly values: ReadonlyMap<string, number | null>;
  readonly errors: Record<string, string>;
  readonly raw: Record<string, unknown>;
}

/**
 * Requests each metric on its own, because one retired or unsupported metric fails the whole request on Graph. Only
 * such a refusal of one metric is noted and the rest kept. Anything else (auth, rate limit, a 5xx or timeout) is
 * thrown, so the job retries: a snapshot stored without its reach would replace a good earlier window as the post's
 * latest numbers. If nothing at all could be read the first failure is thrown too.
 */
export async function collectMetrics(
  metrics: readonly string[],
  fetchOne: (metric: string) => Promise<{ value: number | null; raw: unknown }>,
): Promise<CollectedMetrics> {
  const results = await Promise.allSettled(metrics.map(fetchOne));
  const values = new Map<string, number | null>();
  const errors: Record<string, string> = {};
  const raw: Record<string, unknown> = {};
  const failures: unknown[] = [];
  results.forEach((result, i) => {
    const metric = metrics[i];
    if (result.status === 'fulfilled') {
      values.set(metric, result.value.value);
      raw[metric] = result.value.raw;
      if (result.value.value === null) errors[metric] = 'no data yet';
      return;
    }
    failures.push(result.reason);
    errors[metric] = result.reason instanceof PlatformError ? result.reason.reason : String(result.reason);
  });
  const fatal = failures.find((f) => !(f instanceof PlatformRejectedError));
  if (fatal !== undefined) throw fatal;
  if (values.size === 0 && failures.length > 0) throw failures[0];
  return { values, errors, raw };
}

/** Meta's answer to a retired or unknown metric name: code 100 ("invalid insights metric"). */
export function isInvalidMetric(error: unknown): boolean {
  return error instanceof PlatformRejectedError && /^100(\/|$)/.test(error.details.platformCode ?? '');
}

export interface NamedInsight {
  readonly value: number | null;
  readonly raw: unknown;
  /** The configured name that answered, for the snapshot's `sources`. */
  readonly metric: string;
}

/**
 * Tries each configured name of one number in order (new name first, older names after), moving on only when Meta
 * says the name is invalid; any other failure is this number's failure.
 */
export async function insightWithFallback(
  names: readonly string[],
  fetchOne: (metric: string) => Promise<{ value: number | null; raw: unknown }>,
): Promise<NamedInsight> {
  let last: unknown;
  for (const metric of names) {
    try {
      return { ...(await fetchOne(metric)), metric };
    } catch (error) {
      if (!isInvalidMetric(error)) throw error;
      last = error;
    }
  }
  throw last;
}

/**
 * Collects every configured number (each with its fallback names), each on its own request. The result is keyed
 * by the metric name that answered; a number that failed is keyed in `errors` by the names tried.
 */
export async function collectNamedInsights(
  names: Readonly<Record<string, readonly string[] | undefined>>,
  fetchOne: (metric: string) => Promise<{ value: number | null; raw: unknown }>,
): Promise<CollectedMetrics> {
  const lists = Object.values(names).filter((list): list is readonly string[] => list !== undefined && list.length > 0);
  const answered = new Map<string, string>();
  const collected = await collectMetrics(
    lists.map((list) => list.join('|')),
    async (label) => {
      const got = await insightWithFallback(label.split('|'), fetchOne);
      answered.set(label, got.metric);
      return got;
    },
  );
  const values = new Map<string, number | null>();
  const errors: Record<string, string> = {};
  const raw: Record<string, unknown> = {};
  for (const [label, value] of collected.values) values.set(answered.get(label) ?? label, value);
  for (const [label, error] of Object.entries(collected.errors)) errors[answered.get(label) ?? label] = error;
  for (const [label, body] of Object.entries(collected.raw)) raw[answered.get(label) ?? label] = body;
  return { values, errors, raw };
}
