import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DateTime } from 'luxon';
import type { FieldProblem } from '../domain.errors.js';
import { structuralProblems, toFieldProblems } from '../field-problems.js';
import { ZONE } from '../time/iso-week.js';
import { type BusinessProfile, BusinessProfileFields, PROFILE_FIELDS } from './business-profile.js';

export interface ProfileRules {
  readonly now: Date;
  readonly kulinerLegendarisMinAgeYears: number;
}

export type ProfileCheck = { ok: true; profile: BusinessProfile } | { ok: false; problems: FieldProblem[] };

/**
 * Checks a whole profile (a new one, an owner's edit merged onto the current one, or a CSV row) against every
 * field rule and the rules that need the clock and settings. Returns the normalised profile or every problem.
 */
export async function checkProfile(input: Readonly<Record<string, unknown>>, rules: ProfileRules): Promise<ProfileCheck> {
  // The API checked this already; the CSV import and stored rows come here directly.
  const structural = structuralProblems(input);
  if (structural.length > 0) return { ok: false, problems: structural };
  const fields = plainToInstance(BusinessProfileFields, input);
  const problems = toFieldProblems(await validate(fields, { whitelist: true, forbidNonWhitelisted: true }));
  const bad = new Set(problems.map((p) => p.field));

  const thisYear = DateTime.fromJSDate(rules.now, { zone: ZONE }).year;
  if (!bad.has('foundingYear') && typeof fields.foundingYear === 'number') {
    if (fields.foundingYear > thisYear) {
      problems.push({ field: 'foundingYear', messages: [`foundingYear cannot be later than ${thisYear}`] });
    } else if (Array.isArray(fields.rubrics) && fields.rubrics.includes('kuliner-legendaris') && thisYear - fields.foundingYear < rules.kulinerLegendarisMinAgeYears) {
      problems.push({ field: 'foundingYear', messages: [`kuliner-legendaris needs a business founded at least ${rules.kulinerLegendarisMinAgeYears} years ago (in ${thisYear - rules.kulinerLegendarisMinAgeYears} or earlier)`] });
    }
  }
  (fields.products ?? []).forEach((product, index) => {
    if (typeof product.priceMin === 'number' && typeof product.priceMax === 'number' && product.priceMin > product.priceMax) {
      problems.push({ field: `products.${index}.priceMax`, messages: ['priceMax must be at least priceMin'] });
    }
  });
  if (problems.length > 0) return { ok: false, problems };

  const profile = Object.fromEntries(PROFILE_FIELDS.map((field) => [field, fields[field] ?? null])) as unknown as BusinessProfile;
  profile.rubrics = [...new Set(fields.rubrics)];
  profile.products = (fields.products ?? []).map((p) => ({ name: p.name, ...(p.priceMin != null ? { priceMin: p.priceMin } : {}), ...(p.priceMax != null ? { priceMax: p.priceMax } : {}) }));
  return { ok: true, profile };
}
