import { addLedgerFlags } from '../../../../src/cli/flags/ledger';
import { parsedFlags } from '../../support/flags';

describe('cli ledger flags', () => {
  it('reads no earlier capture and no ledger unless given', () => {
    expect(parsedFlags(addLedgerFlags, [])).toEqual({});
  });

  it('reads the earlier capture and the ledger file', () => {
    expect(parsedFlags(addLedgerFlags, ['--previous-snapshot', 'last-week.json', '--ledger', 'ledger.jsonl'])).toEqual({
      previousSnapshot: 'last-week.json',
      ledger: 'ledger.jsonl',
    });
  });

  it('takes a file with each flag', () => {
    expect(parsedFlags(addLedgerFlags, ['--ledger'])).toBe("option '--ledger <file>' argument missing");
  });
});
