import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, detectDelimiter, formatCsvRow, parseCsv } from '../../src/data/csv.js';

describe('parseCsv', () => {
  it.each<[string, string, [number, string[]][]]>([
    [
      'plain, LF',
      'a,b\n1,2\n',
      [
        [1, ['a', 'b']],
        [2, ['1', '2']],
      ],
    ],
    [
      'BOM and CRLF',
      '\uFEFFa,b\r\n1,2\r\n',
      [
        [1, ['a', 'b']],
        [2, ['1', '2']],
      ],
    ],
    [
      'CR only, no final line end',
      'a,b\r1,2',
      [
        [1, ['a', 'b']],
        [2, ['1', '2']],
      ],
    ],
    [
      'quoted delimiter and escaped quote',
      'a,b\n"x, y","say ""hi"""\n',
      [
        [1, ['a', 'b']],
        [2, ['x, y', 'say "hi"']],
      ],
    ],
    [
      'line break inside quotes keeps line numbers',
      'a,b\n"l1\r\nl2",3\n4,5\n',
      [
        [1, ['a', 'b']],
        [2, ['l1\r\nl2', '3']],
        [4, ['4', '5']],
      ],
    ],
    [
      'blank lines and all-empty rows skipped',
      'a,b\n\n1,2\n,\n  \n3,4',
      [
        [1, ['a', 'b']],
        [3, ['1', '2']],
        [6, ['3', '4']],
      ],
    ],
    [
      'unquoted fields trimmed, quoted kept',
      ' a , b \n" x ",y',
      [
        [1, ['a', 'b']],
        [2, [' x ', 'y']],
      ],
    ],
    [
      'empty quoted field',
      'a,b\n"",2',
      [
        [1, ['a', 'b']],
        [2, ['', '2']],
      ],
    ],
    [
      'semicolon detected',
      'a;b\n1,5;2',
      [
        [1, ['a', 'b']],
        [2, ['1,5', '2']],
      ],
    ],
    [
      'tab detected',
      'a\tb\n1\t2',
      [
        [1, ['a', 'b']],
        [2, ['1', '2']],
      ],
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseCsv(text).map((r) => [r.line, r.fields])).toEqual(expected);
  });

  it.each<[string, string, number, string]>([
    ['unterminated quote', 'a,b\n1,2\n"x,1\n', 3, 'quoted field is not closed (missing ")'],
    ['text after closing quote', 'a,b\n"x"y,1', 2, 'unexpected text after a closing quote: "y,1"'],
  ])('%s is an error at its line', (_name, text, line, message) => {
    let error: unknown;
    try {
      parseCsv(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect((error as CsvSyntaxError).line).toBe(line);
    expect((error as CsvSyntaxError).message).toBe(message);
  });

  it.each<[string, string]>([
    ['path,label', ','],
    ['path;label;"a,b"', ';'],
    ['"x;y",label', ','],
    ['path\tlabel', '\t'],
  ])('detectDelimiter(%j) = %j', (text, delimiter) => {
    expect(detectDelimiter(text)).toBe(delimiter);
  });

  it.each<[string[], string]>([
    [['a', 'b c'], 'a,b c'],
    [['x, y', 'say "hi"'], '"x, y","say ""hi"""'],
    [[' lead', 'line\nbreak'], '" lead","line\nbreak"'],
  ])('formatCsvRow(%j) = %j and reads back', (fields, text) => {
    expect(formatCsvRow(fields)).toBe(text);
    expect(parseCsv(`h1,h2\n${text}\n`)[1]!.fields).toEqual(fields);
  });
});
