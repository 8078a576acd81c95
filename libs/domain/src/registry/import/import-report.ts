/** One problem with one row of an import file; `field` is the CSV column, absent when the whole row is at fault. */
export interface ImportRowIssue {
  row: number;
  ref?: string;
  field?: string;
  messages: string[];
}

/** What a row problem looks like before the row number and ref are attached. */
export interface RowProblem {
  field?: string;
  messages: string[];
}

/**
 * The answer to an import. Every data row lands in exactly one count: created + updated + unchanged + skipped +
 * failed = rows. `errors` lists why rows failed (a row can have several); `warnings` why rows were skipped.
 */
export interface ImportReport {
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
  errors: ImportRowIssue[];
  warnings: ImportRowIssue[];
}

export type RowOutcome = 'created' | 'updated' | 'unchanged' | 'skipped';

/** Collects per-row outcomes in file order. */
export class ImportReportBuilder {
  private readonly report: ImportReport;

  constructor(dryRun: boolean, rows: number) {
    this.report = { dryRun, rows, created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0, errors: [], warnings: [] };
  }

  count(outcome: Exclude<RowOutcome, 'skipped'>): void {
    this.report[outcome] += 1;
  }

  skip(row: number, ref: string, message: string): void {
    this.report.skipped += 1;
    this.report.warnings.push({ row, ref, messages: [message] });
  }

  fail(row: number, ref: string | undefined, problems: readonly RowProblem[]): void {
    this.report.failed += 1;
    for (const problem of problems) {
      this.report.errors.push({ row, ...(ref !== undefined ? { ref } : {}), ...(problem.field !== undefined ? { field: problem.field } : {}), messages: problem.messages });
    }
  }

  build(): ImportReport {
    // Rows are validated first and written afterwards; staff read the report in file order.
    this.report.errors.sort((a, b) => a.row - b.row);
    this.report.warnings.sort((a, b) => a.row - b.row);
    return this.report;
  }
}
