// score-stream's run budget is its own (FRAUDFLOW_SCORE_STREAM_MAX_*), not the sink's, read by the explicit number grammar.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.ts';

describe('score-stream budget configuration', () => {
  it('defaults to 5,000,000 messages and 50 seconds a run', () => {
    expect(loadConfig({}).scoreStream).toEqual({ maxRows: 5_000_000, maxSeconds: 50 });
  });

  it('takes its own variables and leaves the sink budget alone (and the other way round)', () => {
    const c = loadConfig({ FRAUDFLOW_SCORE_STREAM_MAX_ROWS: '1200', FRAUDFLOW_SCORE_STREAM_MAX_SECONDS: '30' });
    expect(c.scoreStream).toEqual({ maxRows: 1200, maxSeconds: 30 });
    expect(c.sink).toMatchObject({ maxRows: 5_000_000, maxSeconds: 50 });
    const s = loadConfig({ FRAUDFLOW_SINK_MAX_ROWS: '7', FRAUDFLOW_SINK_MAX_SECONDS: '9' });
    expect(s.scoreStream).toEqual({ maxRows: 5_000_000, maxSeconds: 50 });
  });

  it.each([
    ['FRAUDFLOW_SCORE_STREAM_MAX_ROWS', '0x10'],
    ['FRAUDFLOW_SCORE_STREAM_MAX_ROWS', ' 10'],
    ['FRAUDFLOW_SCORE_STREAM_MAX_ROWS', '1e3'],
    ['FRAUDFLOW_SCORE_STREAM_MAX_ROWS', '0'],
    ['FRAUDFLOW_SCORE_STREAM_MAX_ROWS', '2.5'],
    ['FRAUDFLOW_SCORE_STREAM_MAX_SECONDS', '3601'],
    ['FRAUDFLOW_SCORE_STREAM_MAX_SECONDS', '-1'],
    ['FRAUDFLOW_SCORE_STREAM_MAX_SECONDS', '+5'],
  ])('refuses %s=%j, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });
});
