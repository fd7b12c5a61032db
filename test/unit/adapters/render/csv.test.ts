import { CSV_COLUMNS, csvField, neutraliseFormula, renderCsv } from '../../../../src/adapters/render/csv';
import type { RepositoryReport } from '../../../../src/domain/report';
import { GIB } from '../../../../src/domain/report';
import { auditReport, repositoryReport } from '../../support/report-fixtures';

/** A row whose numbers are all different and some unrounded, so a misplaced or rounded column shows. */
function repository(overrides: Partial<RepositoryReport> = {}): RepositoryReport {
  const distinct = {
    indexChildren: 6,
    referrers: 3,
    archivedImages: 2,
    doomedImages: 41,
    storedBytes: 10 * GIB + 123,
    reclaimableBytes: 4 * GIB + 7,
  };
  return repositoryReport({ ...distinct, monthlyCostUsd: 1.0001, monthlySavingsUsd: 0.4123, ...overrides });
}

/** A strict RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else if (c === '"' || c === '\n' || c === '\r') {
      throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
    } else {
      field += c;
    }
  }
  if (quoted) throw new Error('unterminated quote');
  if (field !== '' || row.length > 0) throw new Error('last record lacks CRLF');
  return rows;
}

/** Reads a CSV data row back into the values it was written from. */
function asRecord(header: readonly string[], row: readonly string[]): Record<string, string> {
  return Object.fromEntries(header.map((h, i) => [h, row[i] ?? '']));
}

describe('render/csv', () => {
  describe('renderCsv', () => {
    it('writes a header of every repository field when given a report', () => {
      const [header] = parseCsv(renderCsv(auditReport([repository()])));

      expect(header).toEqual([...CSV_COLUMNS]);
      // The cost-allocation tags are spread into one column per key of the report (none here).
      expect([...(header ?? []), 'costAllocationTags'].sort()).toEqual(Object.keys(repository()).sort());
    });

    it('writes one tag:KEY column per cost-allocation tag key, empty where a repository lacks the tag', () => {
      const rows = [
        repository({ repositoryName: 'a', costAllocationTags: { team: 'payments', 'cost-center': '=cc-1' } }),
        repository({ repositoryName: 'b', costAllocationTags: {} }),
      ];
      const [header = [], first = [], second = []] = parseCsv(
        renderCsv(auditReport(rows, { costAllocationTagKeys: ['team', 'cost-center'] })),
      );

      expect(header.slice(-2)).toEqual(['tag:team', 'tag:cost-center']);
      expect(asRecord(header, first)).toMatchObject({ 'tag:team': 'payments', 'tag:cost-center': "'=cc-1" });
      expect(asRecord(header, second)).toMatchObject({ 'tag:team': '', 'tag:cost-center': '' });
    });

    it('shows control characters as visible stand-ins and keeps line breaks quoted', () => {
      const [header = [], row = []] = parseCsv(renderCsv(auditReport([repository({ repositoryName: 'evil\u001b[2J\u009b\nname' })])));

      expect(asRecord(header, row).repositoryName).toBe('evil\u241b[2J\ufffd\nname');
    });

    it('writes one row per repository in report order when given several', () => {
      const rows = parseCsv(renderCsv(auditReport([repository({ repositoryName: 'a' }), repository({ repositoryName: 'b' })])));

      expect(rows).toHaveLength(3);
      expect(rows.slice(1).map((r) => r[2])).toEqual(['a', 'b']);
    });

    it('parses back to the same values when a repository name holds commas, quotes and a line break', () => {
      const tricky = repository({
        repositoryName: 'team, "alpha"/web\napi',
        region: 'eu-west-1',
        policyStatus: 'no-untagged-rule',
        optedOut: true,
      });

      const [header = [], row = []] = parseCsv(renderCsv(auditReport([tricky])));
      const record = asRecord(header, row);

      expect(record).toEqual({
        accountId: '123456789012',
        region: 'eu-west-1',
        repositoryName: 'team, "alpha"/web\napi',
        policyStatus: 'no-untagged-rule',
        optedOut: 'true',
        excluded: 'false',
        images: '120',
        untaggedImages: '40',
        indexChildren: '6',
        referrers: '3',
        archivedImages: '2',
        doomedImages: '41',
        storedBytes: String(10 * GIB + 123),
        naiveBytes: String(25 * GIB),
        reclaimableBytes: String(4 * GIB + 7),
        monthlyCostUsd: '1.0001',
        monthlySavingsUsd: '0.4123',
        referrersAtRisk: '0',
        archivableBytes: '0',
        archiveRuleSuggestion: '',
        findings: '',
        untaggedRetentionDays: '',
        inUseImages: '0',
        inUseAtRisk: '0',
        heldInUse: 'false',
      });
    });

    it('keeps every earlier column in its place and adds new ones after, so that readers by position keep working', () => {
      const [header = [], row = []] = parseCsv(
        renderCsv(
          auditReport([
            repository({
              referrersAtRisk: 17,
              archivableBytes: 5,
              untaggedRetentionDays: 45,
              inUseImages: 5,
              inUseAtRisk: 2,
              heldInUse: true,
            }),
          ]),
        ),
      );

      expect(header.slice(15)).toEqual([
        'monthlyCostUsd',
        'monthlySavingsUsd',
        'referrersAtRisk',
        'archivableBytes',
        'archiveRuleSuggestion',
        'findings',
        'untaggedRetentionDays',
        'inUseImages',
        'inUseAtRisk',
        'heldInUse',
      ]);
      expect(row.slice(17)).toEqual(['17', '5', '', '', '45', '5', '2', 'true']);
    });

    it('writes the findings as codes with their rules in one cell, and an empty cell for a retention that is not by age', () => {
      const findings: RepositoryReport['findings'] = [
        { code: 'TagPrefixListRequiresAll', severity: 'warning', rulePriority: 1, message: 'rule 1 selects only images that…' },
        { code: 'ShadowedRule', severity: 'warning', rulePriority: 3, message: 'rule 3 can never act' },
      ];

      const [header = [], row = []] = parseCsv(renderCsv(auditReport([repository({ findings, untaggedRetentionDays: null })])));
      const record = asRecord(header, row);

      expect(record.findings).toBe('TagPrefixListRequiresAll (rule 1); ShadowedRule (rule 3)');
      expect(record.untaggedRetentionDays).toBe('');
    });

    it('writes bytes as integers and dollars unrounded when given large and fractional numbers', () => {
      const text = renderCsv(auditReport([repository({ storedBytes: 123_456_789_012_345, monthlyCostUsd: 0.00004 })]));

      expect(text).toContain(',123456789012345,');
      expect(text).toContain(',0.00004,');
    });

    it.each(['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd'])(
      'prefixes an apostrophe when a text cell starts a formula like %p',
      (name) => {
        const [header = [], row = []] = parseCsv(renderCsv(auditReport([repository({ repositoryName: name })])));

        expect(asRecord(header, row).repositoryName).toBe(`'${name}`);
      },
    );

    it('leaves numbers alone when they are negative', () => {
      const [header = [], row = []] = parseCsv(renderCsv(auditReport([repository({ monthlySavingsUsd: -0.5 })])));

      expect(asRecord(header, row).monthlySavingsUsd).toBe('-0.5');
    });

    it('ends every record with CRLF and writes only the header when there are no repositories', () => {
      expect(renderCsv(auditReport([]))).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
    });
  });

  describe('csvField', () => {
    it.each([
      ['plain', 'plain'],
      ['a,b', '"a,b"'],
      ['say "hi"', '"say ""hi"""'],
      ['two\r\nlines', '"two\r\nlines"'],
      [' padded', '" padded"'],
      ['', ''],
    ])('writes %p as %p', (value, expected) => {
      expect(csvField(value)).toBe(expected);
    });
  });

  describe('neutraliseFormula', () => {
    it('keeps text unchanged when it cannot start a formula', () => {
      expect(neutraliseFormula('team-a/web-api')).toBe('team-a/web-api');
    });
  });
});
