// The date-time grammar accepts only real instants: real calendar dates, real zone offsets, sane years; never a NaN time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FraudflowError } from '../../shared/errors.ts';
import { dateTimeProblem, parseDateTime } from '../../shared/schema/datetime.ts';
import { isoDateTime, RawTransaction, txEpochMs } from '../../shared/schema/raw.ts';

const at = (offset: string) => `2026-04-01T10:00:00${offset}`;
const accepted = (s: string) => isoDateTime.safeParse(s).success;
const message = (s: string) => {
  const r = isoDateTime.safeParse(s);
  return r.success ? undefined : r.error.issues.map((i) => i.message).join('; ');
};

describe('zone offsets', () => {
  it.each(['+99:99', '+24:30', '+14:01', '-00:60', '+23:59', '-12:01', '+15:00', '-13:00'])(
    'refuses %s as not a real offset, saying so',
    (offset) => {
      expect(accepted(at(offset))).toBe(false);
      expect(message(at(offset))).toMatch(
        /^not a real zone offset: .* \(offsets run -12:00\.\.\+14:00, minutes 00\.\.59\)$/,
      );
    },
  );

  it.each(['Z', '', '+00:00', '-00:00', '+14:00', '-12:00', '+05:45', '+09:30', '-03:30'])(
    'accepts "%s" and gives the instant it names',
    (offset) => {
      expect(accepted(at(offset))).toBe(true);
      const utc = Date.UTC(2026, 3, 1, 10, 0, 0);
      const sign = offset.startsWith('-') ? -1 : 1;
      const minutes = offset.length === 6 ? sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4))) : 0;
      expect(txEpochMs(at(offset))).toBe(utc - minutes * 60_000);
    },
  );
});

describe('calendar dates and times', () => {
  it.each([
    ['2026-02-30T10:00:00Z', /February 2026 has no day 30/],
    ['2025-02-29T10:00:00Z', /February 2025 has no day 29/],
    ['2100-02-29T10:00:00Z', /February 2100 has no day 29/],
    ['2026-04-31T10:00:00Z', /April 2026 has no day 31/],
    ['2026-13-01T10:00:00Z', /month 13/],
    ['2026-00-10T10:00:00Z', /month 00/],
    ['2026-04-00T10:00:00Z', /has no day 00/],
    ['2026-04-01T24:00:00Z', /hour 24/],
    ['2026-04-01T10:60:00Z', /minute 60/],
    ['2026-12-31T23:59:60Z', /second 60 .*no leap seconds/],
  ])('refuses %s as not a real calendar date-time', (s, why) => {
    expect(message(s)).toMatch(/^not a real calendar date-time: /);
    expect(message(s)).toMatch(why);
  });

  it.each(['0001-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '2101-01-01T00:00:00Z', '9999-12-31T23:59:59Z'])(
    'refuses %s: the year is outside 1970..2100',
    (s) => expect(message(s)).toMatch(/^year \d{4} is outside 1970\.\.2100$/),
  );

  it.each([
    '1970-01-01T00:00:00Z',
    '2100-12-31T23:59:59.999999999Z',
    '2024-02-29T12:00:00Z',
    '2000-02-29 00:00:00',
    '2018-04-01 00:00:31',
  ])('accepts %s', (s) => expect(accepted(s)).toBe(true));

  it.each([
    'yesterday',
    '2026-04-01',
    '2026-04-01T10:00Z',
    '2026-4-1T10:00:00Z',
    '2026-04-01T10:00:00.Z',
    ' 2026-04-01T10:00:00Z',
  ])('refuses %j as not the ISO 8601 shape', (s) =>
    expect(message(s)).toBe('expected an ISO 8601 date-time like 2026-04-01T13:45:00Z'),
  );

  it('names the rule in the raw format, one issue for the field', () => {
    const r = RawTransaction.safeParse({
      transaction_id: 't1',
      tx_datetime: '2026-04-01T10:00:00+99:99',
      customer_id: 'c1',
      terminal_id: 't1',
      amount: 1,
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['tx_datetime', 'not a real zone offset: +99:99 (offsets run -12:00..+14:00, minutes 00..59)'],
    ]);
  });
});

describe('turning a time into a number', () => {
  it('is a typed error for text outside the grammar, never NaN', () => {
    for (const s of [at('+99:99'), '2026-02-30T10:00:00Z', 'nonsense', '', '9999-12-31T23:59:59Z']) {
      const e = (() => {
        try {
          return txEpochMs(s);
        } catch (x) {
          return x;
        }
      })();
      expect(e).toBeInstanceOf(FraudflowError);
      expect((e as FraudflowError).code).toBe('INPUT_INVALID');
      expect((e as Error).message).toMatch(/^tx_datetime: /);
    }
  });

  it('on any string: either a finite instant the schema accepts, or a typed error the schema agrees with', () => {
    const digits = (n: number) => fc.stringMatching(new RegExp(`^\\d{${n}}$`));
    const shaped = fc
      .tuple(
        digits(4),
        digits(2),
        digits(2),
        fc.constantFrom('T', ' '),
        digits(2),
        digits(2),
        digits(2),
        fc.option(fc.stringMatching(/^\.\d{1,9}$/), { nil: '' }),
        fc.oneof(fc.constant(''), fc.constant('Z'), fc.stringMatching(/^[+-]\d{2}:\d{2}$/)),
      )
      .map((p) => `${p[0]}-${p[1]}-${p[2]}${p[3]}${p[4]}:${p[5]}:${p[6]}${p[7]}${p[8]}`);
    fc.assert(
      fc.property(fc.oneof(shaped, fc.string()), (s) => {
        const parsed = parseDateTime(s);
        expect(accepted(s)).toBe(parsed.ok);
        if (parsed.ok) {
          expect(Number.isFinite(txEpochMs(s))).toBe(true);
        } else {
          expect(() => txEpochMs(s)).toThrow(FraudflowError);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('gives the same instant as the built-in parser for every valid date-time (the grammar decides, not Date.parse)', () => {
    const instant = fc.date({
      min: new Date('1970-01-02T00:00:00Z'),
      max: new Date('2100-12-30T00:00:00Z'),
      noInvalidDate: true,
    });
    const offset = fc.integer({ min: -12 * 60, max: 14 * 60 });
    fc.assert(
      fc.property(instant, offset, fc.boolean(), (d, minutes, space) => {
        const local = new Date(d.getTime() + minutes * 60_000).toISOString().slice(0, 23);
        const sign = minutes < 0 ? '-' : '+';
        const abs = Math.abs(minutes);
        const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
        const text = `${space ? local.replace('T', ' ') : local}${zone}`;
        expect(dateTimeProblem(text)).toBeUndefined();
        expect(txEpochMs(text)).toBe(d.getTime());
        expect(txEpochMs(text)).toBe(Date.parse(`${local}${zone}`));
      }),
      { numRuns: 3000 },
    );
  });
});
