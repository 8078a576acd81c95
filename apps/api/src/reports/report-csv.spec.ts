import { describe, expect, it } from '@jest/globals';
import { toCsv } from './report-csv.js';

describe('toCsv', () => {
  it('starts with a BOM, quotes text, doubles quotes and ends lines with CRLF', () => {
    expect(toCsv(['nama', 'jangkauan'], [['Warung "Bu Sri", Kauman', 350], ['Kopi', null]])).toBe(
      '\uFEFF"nama","jangkauan"\r\n"Warung ""Bu Sri"", Kauman",350\r\n"Kopi",\r\n',
    );
  });

  it('keeps a spreadsheet from running a business name as a formula', () => {
    expect(toCsv(['nama'], [['=HYPERLINK("x")'], ['-1 cabang'], ['@kopi']])).toBe('\uFEFF"nama"\r\n"\'=HYPERLINK(""x"")"\r\n"\'-1 cabang"\r\n"\'@kopi"\r\n');
  });
});
