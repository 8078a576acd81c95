import { isURL } from 'class-validator';
import { type Platform, RUBRICS, type RubricCode } from '@app/config';
import { isoWeekOf, isValidIsoWeek, startOfLocalDate, weekStart } from '../../time/iso-week.js';
import type { Cells, CsvColumns } from './csv-table.js';
import { parseCalendarDate, todayIn, trimmed } from './import-cells.js';
import type { RowProblem } from './import-report.js';

export const FEATURE_COLUMNS: CsvColumns = {
  required: ['ref', 'rubric'],
  optional: ['week', 'posted_on', 'instagram_url', 'x_url', 'facebook_url'],
  anyOf: [['week', 'posted_on']],
};

const LINK_COLUMNS: ReadonlyArray<readonly [Platform, string]> = [['instagram', 'instagram_url'], ['x', 'x_url'], ['facebook', 'facebook_url']];

/** A past feature as the programme's archive records it. */
export interface FeatureRow {
  ref: string;
  rubric: RubricCode;
  /** ISO week in WIB, e.g. 2021-W20. */
  isoWeek: string;
  /** The day it went out (YYYY-MM-DD), when the archive knows it. */
  postedOn: string | null;
  /** Where it was posted; kept in the audit trail only (imported history has no publication rows). */
  links: Partial<Record<Platform, string>>;
}

export function readFeatureRow(cells: Cells, now: Date): { feature: FeatureRow | null; ref: string | undefined; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const ref = trimmed(cells.ref);
  if (ref === undefined) problems.push({ field: 'ref', messages: ['ref is required (the programme id of the featured business)'] });

  const rubric = trimmed(cells.rubric)?.toLowerCase();
  if (rubric === undefined) problems.push({ field: 'rubric', messages: [`rubric is required: one of ${RUBRICS.join(', ')}`] });
  else if (!(RUBRICS as readonly string[]).includes(rubric)) problems.push({ field: 'rubric', messages: [`rubric must be one of ${RUBRICS.join(', ')}`] });

  const isoWeek = readWhen(cells, now, problems);

  const links: Partial<Record<Platform, string>> = {};
  for (const [platform, column] of LINK_COLUMNS) {
    const url = trimmed(cells[column]);
    if (url === undefined) continue;
    if (isURL(url, { protocols: ['http', 'https'], require_protocol: true })) links[platform] = url;
    else problems.push({ field: column, messages: [`${column} must be a full http(s) address of the post`] });
  }

  if (problems.length > 0 || ref === undefined || isoWeek === null) return { feature: null, ref, problems };
  return { feature: { ref, rubric: rubric as RubricCode, isoWeek: isoWeek.week, postedOn: isoWeek.postedOn, links }, ref, problems };
}

/** `week`, `posted_on` or both (then they must agree); either way the week must already have started. */
function readWhen(cells: Cells, now: Date, problems: RowProblem[]): { week: string; postedOn: string | null } | null {
  const weekText = trimmed(cells.week);
  const postedText = trimmed(cells.posted_on);
  if (weekText === undefined && postedText === undefined) {
    problems.push({ field: 'week', messages: ['week (e.g. 2021-W20) or posted_on (e.g. 2021-05-17) is required'] });
    return null;
  }

  const before = problems.length;
  let week: string | null = null;
  if (weekText !== undefined) {
    week = readIsoWeek(weekText);
    if (week === null) problems.push({ field: 'week', messages: ['week must be an ISO week like 2021-W20'] });
  }
  let postedOn: string | null = null;
  if (postedText !== undefined) {
    postedOn = parseCalendarDate(postedText);
    if (postedOn === null) problems.push({ field: 'posted_on', messages: ['posted_on must be a date like 2021-05-17 (or 17/05/2021)'] });
    else if (postedOn > todayIn(now)) problems.push({ field: 'posted_on', messages: [`posted_on ${postedOn} is in the future; only past features can be imported`] });
  }
  if (problems.length > before) return null;

  const postedWeek = postedOn === null ? null : isoWeekOf(startOfLocalDate(postedOn));
  if (week !== null && postedWeek !== null && week !== postedWeek) {
    problems.push({ field: 'week', messages: [`week ${week} does not match posted_on ${postedOn}, which is in week ${postedWeek}`] });
    return null;
  }
  const resolved = (week ?? postedWeek) as string;
  if (weekStart(resolved) > now) {
    problems.push({ field: 'week', messages: [`week ${resolved} has not started yet; only past features can be imported`] });
    return null;
  }
  return { week: resolved, postedOn };
}

/** 2021-W20 (also 2021-w20, 2021W20 and 2021-W5); null when it is not a week that exists. */
export function readIsoWeek(text: string): string | null {
  const match = /^(\d{4})-?[Ww](\d{1,2})$/.exec(text);
  if (!match) return null;
  const week = `${match[1]}-W${match[2].padStart(2, '0')}`;
  return isValidIsoWeek(week) ? week : null;
}
