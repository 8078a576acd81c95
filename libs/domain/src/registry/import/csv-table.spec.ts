import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../../domain.errors.js';
import { type CsvColumns, detectDelimiter, readCsvTable } from './csv-table.js';

const SPEC: CsvColumns = { required: ['ref', 'name'], optional: ['phone', 'week', 'posted_on'] };
const csv = (text: string): Buffer => Buffer.from(text, 'utf8');

/** The 400 a whole-file problem becomes, as the API would send its details. */
function fileError(run: () => unknown): Array<{ field: string; messages: string[] }> {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'invalid', code: 'validation_failed' });
    return (error as DomainError).details as Array<{ field: string; messages: string[] }>;
  }
  throw new Error('expected the file to be refused');
}

describe('readCsvTable', () => {
  it('reads comma files and numbers rows as a spreadsheet does (header = row 1)', () => {
    const table = readCsvTable(csv('ref,name,phone\nA-1,Warung Bu Sri,0812 3456 7890\nA-2,"Toko ""Pak"" Djo, Jaya",\n'), SPEC);
    expect(table.columns).toEqual(['ref', 'name', 'phone']);
    expect(table.rows).toEqual([
      { row: 2, cells: { ref: 'A-1', name: 'Warung Bu Sri', phone: '0812 3456 7890' } },
      { row: 3, cells: { ref: 'A-2', name: 'Toko "Pak" Djo, Jaya' } },
    ]);
  });

  it('reads semicolon files with a UTF-8 BOM and CRLF, as Excel in an Indonesian locale saves them', () => {
    const table = readCsvTable(csv('\uFEFFRef;Name\r\nA-1;Kopi, Teh & Roti\r\n'), SPEC);
    expect(table.rows).toEqual([{ row: 2, cells: { ref: 'A-1', name: 'Kopi, Teh & Roti' } }]);
  });

  it('counts blank and all-empty rows and multi-line cells the way a spreadsheet shows rows', () => {
    const table = readCsvTable(csv('ref,name\n\nA-1,"Baris satu\nbaris dua"\n;;\n,\nA-2,Kedua\n'), { required: ['ref', 'name'], optional: [] });
    expect(table.rows.map((r) => [r.row, r.cells.ref])).toEqual([[3, 'A-1'], [4, ';;'], [6, 'A-2']]);
    expect(table.rows[1].shapeProblem).toMatch(/1 values but the header has 2 columns/);
  });

  it('leaves blank cells out and keeps text cells exactly as typed', () => {
    const table = readCsvTable(csv('ref,name,phone\nA-1,  Warung  ,   \n'), SPEC);
    expect(table.rows[0].cells).toEqual({ ref: 'A-1', name: '  Warung  ' });
  });

  it('reports a row with the wrong number of values on that row only', () => {
    const table = readCsvTable(csv('ref,name\nA-1,Satu,lebih\nA-2,Dua\n'), SPEC);
    expect(table.rows[0].shapeProblem).toMatch(/3 values but the header has 2 columns/);
    expect(table.rows[1].shapeProblem).toBeUndefined();
  });

  it('normalises header names and tolerates empty trailing columns', () => {
    const table = readCsvTable(csv('REF, Name ,,\nA-1,Satu,,\n'), SPEC);
    expect(table.columns).toEqual(['ref', 'name']);
    expect(table.rows[0].cells).toEqual({ ref: 'A-1', name: 'Satu' });
  });

  it('refuses a missing required column, an unknown column and a duplicate one, naming them all', () => {
    const details = fileError(() => readCsvTable(csv('ref,nama,telepon,ref\nA-1,x,y,z\n'), SPEC));
    const messages = details.flatMap((d) => d.messages).join(' | ');
    expect(details.every((d) => d.field === 'columns')).toBe(true);
    expect(messages).toMatch(/missing required column\(s\): name/);
    expect(messages).toMatch(/unknown column\(s\): nama, telepon/);
    expect(messages).toMatch(/more than once: ref/);
  });

  it('needs one column of each any-of group', () => {
    const spec: CsvColumns = { ...SPEC, anyOf: [['week', 'posted_on']] };
    expect(fileError(() => readCsvTable(csv('ref,name\nA,B\n'), spec))[0].messages[0]).toMatch(/week, posted_on/);
    expect(readCsvTable(csv('ref,name,posted_on\nA,B,2021-05-17\n'), spec).rows).toHaveLength(1);
  });

  it('refuses an unnamed column that has values', () => {
    expect(fileError(() => readCsvTable(csv('ref,name,\nA,B,C\n'), SPEC))[0].messages[0]).toMatch(/column 3 has values but no name/);
  });

  it('refuses files that are empty, binary, not UTF-8, unreadable CSV or too long', () => {
    expect(fileError(() => readCsvTable(csv(''), SPEC))[0]).toMatchObject({ field: 'file', messages: [expect.stringMatching(/empty/)] });
    expect(fileError(() => readCsvTable(csv('\uFEFF\n\n'), SPEC))[0].messages[0]).toMatch(/empty/);
    expect(fileError(() => readCsvTable(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]), SPEC))[0].messages[0]).toMatch(/not a CSV text file/);
    expect(fileError(() => readCsvTable(Buffer.from('ref,name\nA,Caf\xe9\n', 'latin1'), SPEC))[0].messages[0]).toMatch(/not UTF-8/);
    expect(fileError(() => readCsvTable(csv('ref,name\nA,"tidak ditutup\n'), SPEC))[0].messages[0]).toMatch(/cannot be read as CSV/);
    expect(fileError(() => readCsvTable(csv('ref,name\nA,1\nB,2\nC,3\n'), SPEC, 2))[0].messages[0]).toMatch(/3 rows; at most 2/);
  });
});

describe('detectDelimiter', () => {
  it('takes the more frequent of , and ; outside quotes in the header line', () => {
    expect(detectDelimiter('ref;name;phone\n1,2,3,4\n')).toBe(';');
    expect(detectDelimiter('ref,name,"a;b;c"\n')).toBe(',');
    expect(detectDelimiter('\uFEFFref;"x,y,z"\r\n')).toBe(';');
    expect(detectDelimiter('ref\n')).toBe(',');
  });
});
