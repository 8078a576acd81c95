import { createHash, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Clock, InjectSettings, type Settings } from '@app/config';
import { AuditRepository, type ImportWrite, RegistryImportRepository } from '@app/database';
import type { Actor } from '../../actor.js';
import { startOfLocalDate, weekStart } from '../../time/iso-week.js';
import { checkProfile } from '../profile-check.js';
import { planBusinessRow, type ValidBusinessRow } from './business-merge.js';
import { BUSINESS_COLUMNS, readBusinessRow, toColumnProblems } from './business-row.js';
import { type CsvRow, readCsvTable } from './csv-table.js';
import { FEATURE_COLUMNS, type FeatureRow, readFeatureRow } from './feature-row.js';
import { todayIn, trimmed } from './import-cells.js';
import { type ImportReport, ImportReportBuilder, type RowProblem } from './import-report.js';

export interface ImportFile {
  content: Buffer;
  /** The uploaded file's name, kept in the audit trail. */
  name: string | null;
}

export interface ImportOptions {
  /** Validate and report exactly as an import would, and write nothing. */
  dryRun: boolean;
}

/**
 * Staff bring the programme's records (kept in spreadsheets since May 2021) into the system: the business registry
 * and the past features, so the rotation knows who was featured when. Importing the same file twice changes
 * nothing; every row is checked with the same rules as the API and written in its own transaction, so a bad row
 * is reported and never costs the good ones.
 */
@Injectable()
export class RegistryImportService {
  private readonly logger = new Logger(RegistryImportService.name);

  constructor(
    private readonly store: RegistryImportRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  async importBusinesses(actor: Actor, file: ImportFile, options: ImportOptions): Promise<ImportReport> {
    const table = readCsvTable(file.content, BUSINESS_COLUMNS);
    const report = new ImportReportBuilder(options.dryRun, table.rows.length);
    const now = this.clock.now();
    const valid = await this.checkBusinessRows(table.rows, now, report);
    const stored = new Map((await this.store.findBusinessesByRefs(valid.map((r) => r.ref))).map((e) => [e.business.registryRef, e]));
    await inParallel(valid, async (row) => {
      const entry = stored.get(row.ref);
      const plan = planBusinessRow(entry?.business, row, now);
      if (plan.action === 'unchanged') report.count('unchanged');
      else if (plan.action === 'skip') report.skip(row.line, row.ref, plan.message);
      else if (options.dryRun) report.count(plan.action === 'create' ? 'created' : 'updated');
      else if (plan.action === 'create') {
        const id = randomUUID();
        const write = await this.store.insertBusiness(id, plan.values, {
          actorUserId: actor.userId, action: 'business.imported', entityType: 'business', entityId: id, after: { ...plan.values },
        });
        this.tally(report, row, write, 'created', `business ${row.ref} was imported by another request at the same time; import the file again to compare`);
      } else if (entry) {
        const write = await this.store.updateUnclaimedBusiness(entry.business.id, entry.version, plan.values, {
          actorUserId: actor.userId, action: 'business.import_updated', entityType: 'business', entityId: entry.business.id, before: plan.before, after: plan.after,
        });
        this.tally(report, row, write, 'updated', `business ${row.ref} was claimed or changed while the file was being imported; import the file again to compare`);
      }
    });
    return this.finish(actor, file, 'registry.imported', report.build());
  }

  async importFeatures(actor: Actor, file: ImportFile, options: ImportOptions): Promise<ImportReport> {
    const table = readCsvTable(file.content, FEATURE_COLUMNS);
    const report = new ImportReportBuilder(options.dryRun, table.rows.length);
    const valid = await this.checkFeatureRows(table.rows, this.clock.now(), report);
    const holders = new Map((await this.store.findLiveFeatures(valid)).map((h) => [weekKey(h), h]));
    await inParallel(valid, async (feature) => {
      const holder = holders.get(weekKey(feature));
      if (holder?.businessId === feature.businessId) report.count('unchanged');
      else if (holder) report.fail(feature.line, feature.ref, [{ field: 'week', messages: [`${weekKey(feature)} already features ${holder.businessName}${holder.registryRef ? ` (ref ${holder.registryRef})` : ''}`] }]);
      else if (options.dryRun) report.count('created');
      else {
        const id = randomUUID();
        const reason = `Diimpor dari arsip program (${feature.postedOn ? `tayang ${feature.postedOn}` : `minggu ${feature.isoWeek}`})`;
        const write = await this.store.insertPublishedFeature(
          { id, rubric: feature.rubric, isoWeek: feature.isoWeek, weekStart: weekStart(feature.isoWeek), businessId: feature.businessId, reason },
          {
            actorUserId: actor.userId, action: 'feature.imported', entityType: 'feature', entityId: id,
            after: { rubric: feature.rubric, isoWeek: feature.isoWeek, businessId: feature.businessId, registryRef: feature.ref, postedOn: feature.postedOn, links: feature.links },
          },
        );
        if (write.kind === 'written') report.count('created');
        // A week taken meanwhile is the same problem as a week taken before: the row is an error, not a skip.
        else if (write.kind === 'conflict') report.fail(feature.line, feature.ref, [{ field: 'week', messages: [`${weekKey(feature)} was planned by someone else while the file was being imported`] }]);
        else report.fail(feature.line, feature.ref, [refused(write.reason)]);
      }
    });
    return this.finish(actor, file, 'features.imported', report.build());
  }

  /** Reads and checks every row; failed rows go into the report, the rest come back ready to write. */
  private async checkBusinessRows(rows: readonly CsvRow[], now: Date, report: ImportReportBuilder): Promise<Array<ValidBusinessRow & { line: number }>> {
    const rules = { now, kulinerLegendarisMinAgeYears: this.settings.registry.kulinerLegendarisMinAgeYears };
    const today = todayIn(now);
    const valid: Array<ValidBusinessRow & { line: number }> = [];
    const firstRowOf = new Map<string, number>();
    for (const line of rows) {
      if (line.shapeProblem) {
        report.fail(line.row, trimmed(line.cells.ref), [{ messages: [line.shapeProblem] }]);
        continue;
      }
      const row = readBusinessRow(line.cells, today);
      const problems: RowProblem[] = [...row.problems, ...duplicateOf(firstRowOf, row.ref, line.row, 'ref', `ref ${row.ref} already appears in row`)];
      const checked = await checkProfile(row.profileInput, rules);
      if (!checked.ok) problems.push(...toColumnProblems(checked.problems));
      if (!checked.ok || problems.length > 0 || row.ref === undefined) {
        report.fail(line.row, row.ref, problems);
        continue;
      }
      valid.push({
        line: line.row,
        ref: row.ref,
        profile: checked.profile,
        registeredAt: row.registeredOn === null ? null : startOfLocalDate(row.registeredOn),
        consentAt: row.consentOn === null ? null : startOfLocalDate(row.consentOn),
      });
    }
    return valid;
  }

  /** Reads every row, then checks refs and rubrics against the registry with one query. */
  private async checkFeatureRows(rows: readonly CsvRow[], now: Date, report: ImportReportBuilder): Promise<ValidFeatureRow[]> {
    const read = rows.map((line) => ({ line, ...readFeatureRow(line.cells, now) }));
    const refs = [...new Set(read.flatMap((r) => (r.feature ? [r.feature.ref] : [])))];
    const businesses = new Map((await this.store.findBusinessesByRefs(refs)).map((e) => [e.business.registryRef, e.business]));
    const valid: ValidFeatureRow[] = [];
    const firstRowOf = new Map<string, number>();
    for (const { line, feature, ref, problems } of read) {
      if (line.shapeProblem || !feature) {
        report.fail(line.row, ref, line.shapeProblem ? [{ messages: [line.shapeProblem] }] : problems);
        continue;
      }
      const rowProblems = duplicateOf(firstRowOf, weekKey(feature), line.row, 'week', `${weekKey(feature)} already appears in row`);
      const business = businesses.get(feature.ref);
      if (!business) rowProblems.push({ field: 'ref', messages: [`no business with ref ${feature.ref} in the registry; import the businesses first`] });
      else if (!business.rubrics.includes(feature.rubric)) {
        rowProblems.push({ field: 'rubric', messages: [`business ${feature.ref} is not registered for the ${feature.rubric} rubric (registered: ${business.rubrics.join(', ')})`] });
      }
      if (!business || rowProblems.length > 0) report.fail(line.row, feature.ref, rowProblems);
      else valid.push({ ...feature, line: line.row, businessId: business.id });
    }
    return valid;
  }

  private tally(report: ImportReportBuilder, row: { line: number; ref: string }, write: ImportWrite, done: 'created' | 'updated', conflictMessage: string): void {
    if (write.kind === 'written') report.count(done);
    else if (write.kind === 'conflict') report.skip(row.line, row.ref, conflictMessage);
    else report.fail(row.line, row.ref, [refused(write.reason)]);
  }

  /** One audit event per import, naming the file by content hash, so the same file imported twice is recognisable. */
  private async finish(actor: Actor, file: ImportFile, action: string, report: ImportReport): Promise<ImportReport> {
    const sha256 = createHash('sha256').update(file.content).digest('hex');
    const counts = { rows: report.rows, created: report.created, updated: report.updated, unchanged: report.unchanged, skipped: report.skipped, failed: report.failed };
    this.logger.log({ action, sha256, dryRun: report.dryRun, ...counts }, 'import finished');
    if (!report.dryRun) {
      await this.audit.record({ actorUserId: actor.userId, action, entityType: 'import', entityId: sha256, after: { file: file.name, sha256, ...counts } });
    }
    return report;
  }
}

type ValidFeatureRow = FeatureRow & { line: number; businessId: string };

const refused = (reason: string): RowProblem => ({ messages: [`row not imported: ${reason}`] });

const weekKey = (f: { rubric: string; isoWeek: string }): string => `${f.rubric} ${f.isoWeek}`;

/**
 * Row writes are independent once duplicates within the file are refused (each is its own transaction, guarded by
 * ON CONFLICT or a row version), so a few run at once; with one commit per row this cuts the write time of a
 * 50,000-row file by about a third. Kept well below the connection pool (10) so other requests still get one.
 */
const WRITE_CONCURRENCY = 4;

async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, items.length) }, worker));
}

/** The later of two rows with the same key is the one reported, pointing at the first. */
function duplicateOf(firstRowOf: Map<string, number>, key: string | undefined, row: number, field: string, message: string): RowProblem[] {
  if (key === undefined) return [];
  const first = firstRowOf.get(key);
  if (first === undefined) {
    firstRowOf.set(key, row);
    return [];
  }
  return [{ field, messages: [`${message} ${first}`] }];
}
