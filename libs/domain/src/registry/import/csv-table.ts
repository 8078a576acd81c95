import { CsvError, parse } from 'csv-parse/sync';
import { type FieldProblem, validationFailed } from '../../domain.errors.js';

/** The columns an import file must and may have (snake_case, as in config/import/README.md). */
export interface CsvColumns {
  readonly required: readonly string[];
  readonly optional: readonly string[];
  /** Groups of columns of which at least one must be present (features: `week` or `posted_on`). */
  readonly anyOf?: ReadonlyArray<readonly string[]>;
}

/** A row's cells by column name; blank cells (empty or only spaces) are left out. */
export type Cells = Readonly<Partial<Record<string, string>>>;

export interface CsvRow {
  /** The row as a spreadsheet shows it: the header is row 1; a line break inside a quoted cell is not a new row. */
  readonly row: number;
  readonly cells: Cells;
  /** Set when the row has a different number of values than the header; its cells cannot be trusted. */
  readonly shapeProblem?: string;
}

export interface CsvTable {
  readonly columns: readonly string[];
  readonly rows: readonly CsvRow[];
}

export const MAX_IMPORT_ROWS = 50_000;

/**
 * Reads an uploaded CSV (UTF-8, optional BOM, `,` or `;` as Excel writes it in Indonesian locales) into rows keyed by
 * column. Anything that makes the whole file unusable (not text, no header, a missing or unknown column, broken
 * quoting, too many rows) is one 400 naming the problem; row-level problems are left to the caller's per-row report.
 */
export function readCsvTable(content: Buffer, spec: CsvColumns, maxRows = MAX_IMPORT_ROWS): CsvTable {
  const text = decodeText(content);
  const records = parseRecords(text, detectDelimiter(text));
  const headerIndex = records.findIndex((r) => !isBlank(r.values));
  if (headerIndex < 0) throw fileProblem('file is empty: the first row must be the header with the column names');

  const header = records[headerIndex].values.map(normaliseColumnName);
  const body = records.slice(headerIndex + 1).filter((r) => !isBlank(r.values));
  checkHeader(header, body, spec);
  if (body.length > maxRows) throw fileProblem(`file has ${body.length} rows; at most ${maxRows} rows can be imported at once — split the file`);

  const rows = body.map((record): CsvRow => {
    const cells: Record<string, string> = {};
    header.forEach((column, index) => {
      const value = record.values[index];
      if (column !== '' && value !== undefined && !isBlankCell(value)) cells[column] = value;
    });
    const shapeProblem = record.values.length === header.length
      ? undefined
      : `row has ${record.values.length} values but the header has ${header.length} columns (a missing or extra delimiter, or an unquoted line break?)`;
    return { row: record.row, cells, ...(shapeProblem ? { shapeProblem } : {}) };
  });
  return { columns: header.filter((c) => c !== ''), rows };
}

/** Refuses binary uploads (an .xlsx is a zip) and other encodings, which would otherwise import as mojibake. */
function decodeText(content: Buffer): string {
  if (content.includes(0)) throw fileProblem('file is not a CSV text file (if it is an Excel workbook, save it as "CSV UTF-8")');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    throw fileProblem('file is not UTF-8 text; in Excel use "Save as" → "CSV UTF-8 (Comma delimited)"');
  }
}

/** Indonesian Excel writes `;` (the comma is the decimal separator there); the header line tells which one is used. */
export function detectDelimiter(text: string): ',' | ';' {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/, 1)[0] ?? '';
  const outsideQuotes = firstLine.replace(/"[^"]*"/g, '');
  const count = (char: string): number => outsideQuotes.split(char).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

interface RawRecord {
  row: number;
  values: string[];
}

function parseRecords(text: string, delimiter: string): RawRecord[] {
  try {
    const parsed = parse(text, {
      bom: true,
      delimiter,
      // Files edited on different machines mix line endings; every common one ends a row.
      record_delimiter: ['\r\n', '\n', '\r'],
      // Hand-typed files contain quotes inside unquoted cells (Warung "Pak Djo"); keep them as text.
      relax_quotes: true,
      // A row with too few or too many values is reported for that row, not by failing the file.
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as Array<{ record: string[]; info: { records: number; empty_lines: number } }>;
    // Skipped empty lines still count as spreadsheet rows, so the numbers match what staff see.
    return parsed.map(({ record, info }) => ({ row: info.records + info.empty_lines, values: record }));
  } catch (error) {
    if (error instanceof CsvError) throw fileProblem(`file cannot be read as CSV: ${error.message}`);
    throw error;
  }
}

export function normaliseColumnName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

function checkHeader(header: readonly string[], body: readonly RawRecord[], spec: CsvColumns): void {
  const known = new Set([...spec.required, ...spec.optional]);
  const problems: FieldProblem[] = [];
  const missing = spec.required.filter((c) => !header.includes(c));
  if (missing.length > 0) problems.push({ field: 'columns', messages: [`missing required column(s): ${missing.join(', ')}`] });
  for (const group of spec.anyOf ?? []) {
    if (!group.some((c) => header.includes(c))) problems.push({ field: 'columns', messages: [`needs at least one of the columns: ${group.join(', ')}`] });
  }
  const unknown = header.filter((c) => c !== '' && !known.has(c));
  if (unknown.length > 0) {
    problems.push({ field: 'columns', messages: [`unknown column(s): ${unknown.join(', ')}; allowed: ${[...known].join(', ')}`] });
  }
  const duplicated = [...new Set(header.filter((c, i) => c !== '' && header.indexOf(c) !== i))];
  if (duplicated.length > 0) problems.push({ field: 'columns', messages: [`column(s) appear more than once: ${duplicated.join(', ')}`] });
  // Spreadsheets often export trailing empty columns; harmless while they stay empty, data loss if they do not.
  header.forEach((column, index) => {
    if (column === '' && body.some((r) => !isBlankCell(r.values[index] ?? ''))) {
      problems.push({ field: 'columns', messages: [`column ${index + 1} has values but no name in the header row`] });
    }
  });
  if (problems.length > 0) throw validationFailed(problems);
}

const isBlankCell = (value: string): boolean => value.trim() === '';
const isBlank = (values: readonly string[]): boolean => values.every(isBlankCell);
const fileProblem = (message: string) => validationFailed([{ field: 'file', messages: [message] }]);
