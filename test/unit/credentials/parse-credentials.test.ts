import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CredentialsError, parseCredentialRecords, validateCredentialRecords } from '../../../importers/credentials';

const HEADER = 'account,domain,stealer_family,captured_at,source';
const problems = (text: string, file = 'logs.csv') => {
  const result = validateCredentialRecords(text, file);
  if (result.ok) throw new Error('expected rejection');
  return result.issues.map(({ path, line, column, message }) => ({ path, line, column, message }));
};

describe('credential records: CSV', () => {
  it('reads the synthetic sample, skipping comment lines, with each record line', () => {
    const records = parseCredentialRecords(readFileSync('seed/credentials-sample.csv', 'utf8'), 'seed/credentials-sample.csv');
    expect(records).toHaveLength(10);
    expect(records[0]).toEqual({
      account: 'agent.alpha@interieur.example',
      domain: 'messagerie.interieur.example',
      stealer_family: 'RedLine',
      captured_at: '2025-03-14T08:12:00.000Z',
      captured_at_fidelity: 'second',
      source: 'synthetic-sample',
      line: 4,
    });
    expect(records.every((r) => r.domain.endsWith('.example'))).toBe(true);
  });

  it('reports bad fields at their line and column, all at once', () => {
    const text = [
      HEADER,
      'a@x.example,x.example,Lumma,2025-01-01,feed',
      'b@x.example,not a domain,Lumma,2025-02-30,feed',
      ',x.example,Lumma,2025-01-01,feed',
    ].join('\n');
    expect(problems(text)).toEqual([
      { path: 'records[1].domain', line: 3, column: 13, message: '"not a domain" is not a domain name' },
      { path: 'records[1].captured_at', line: 3, column: 32, message: '"2025-02-30" is not a date (YYYY-MM-DD) or timestamp with a zone (YYYY-MM-DDTHH:MM:SSZ)' },
      { path: 'records[2].account', line: 4, column: 1, message: 'missing account' },
    ]);
  });

  it('counts lines through quoted fields that span lines', () => {
    const text = [HEADER, '"multi', 'line@x.example",x.example,Lumma,2025-01-01,feed', 'c@x.example,x.example,Lumma,bad,feed'].join('\n');
    expect(problems(text)).toEqual([
      { path: 'records[0].account', line: 2, column: 1, message: 'account must be a login without spaces (at most 320 characters)' },
      { path: 'records[1].captured_at', line: 4, column: 29, message: '"bad" is not a date (YYYY-MM-DD) or timestamp with a zone (YYYY-MM-DDTHH:MM:SSZ)' },
    ]);
  });

  it('rejects rows with the wrong number of fields', () => {
    expect(problems([HEADER, 'a@x.example,x.example,Lumma,2025-01-01'].join('\n'))).toEqual([
      { path: '', line: 2, column: 1, message: 'expected 5 fields, found 4' },
    ]);
  });

  it('refuses a password column and unknown columns at the header', () => {
    expect(problems('account,domain,password,stealer_family,captured_at,source,colour\n')).toEqual([
      { path: 'password', line: 1, column: 16, message: 'column "password" would import secrets: remove it before import' },
      { path: 'colour', line: 1, column: 59, message: 'unknown column "colour" (expected account, domain, stealer_family, captured_at, source)' },
    ]);
  });

  it('throws one CredentialsError listing everything from parseCredentialRecords', () => {
    expect(() => parseCredentialRecords(`${HEADER}\na@x.example,x.example,Lumma,nope,feed\n`, 'f.csv')).toThrowError(CredentialsError);
    expect(() => parseCredentialRecords(`${HEADER}\na@x.example,x.example,Lumma,nope,feed\n`, 'f.csv')).toThrowError(/f\.csv:2:29 records\[0\]\.captured_at/);
  });
});

describe('credential records: JSON lines', () => {
  it('reads records and reports errors at their line', () => {
    const text = [
      '{"account":"a@x.example","domain":"x.example","stealer_family":"Vidar","captured_at":"2025-01-01","source":"feed"}',
      '',
      '{"account":"b@x.example","domain":"x.example","stealer_family":"Vidar","captured_at":"2025-13-01","source":"feed"}',
      '{"account": "c@x.example", oops}',
      '{"account":"d@x.example","domain":"x.example","stealer_family":"Vidar","captured_at":"2025-01-01","source":"feed","password":"x"}',
    ].join('\n');
    const issues = problems(text, 'logs.jsonl');
    expect(issues.map((i) => [i.line, i.path])).toEqual([
      [3, 'records[1].captured_at'],
      [4, ''],
      [5, 'password'],
    ]);
    expect(issues[0]?.column).toBe(text.split('\n')[2]!.indexOf('"captured_at"') + 1);
    expect(issues[2]?.message).toContain('would import secrets');
  });
});
