// The help snapshot answers exactly as the commander program does: every command's help at every width, help asked
// for in each way, bare command groups, and unknown commands with commander's suggestions, as text and as --json.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Command } from 'commander';
import { buildProgram, main } from '../../cli/main.ts';
import { helpEntry } from '../../cli/help/snapshot.ts';
import { quickAnswer } from '../../cli/help/fast.ts';

const noRuntime = () => {
  throw new Error('no command runs in this test');
};
const root = helpEntry(buildProgram(noRuntime));
const WIDTHS = [20, 39, 40, 41, 44, 50, 60, 72, 79, 80, 81, 90, 100, 120, 132, 160, 200, 250, 400];

/** Every command of a program with its path of names. */
function commandsOf(cmd: Command, path: string[] = []): Array<[string[], Command]> {
  return [[path, cmd], ...cmd.commands.flatMap((c) => commandsOf(c, [...path, c.name()]))];
}

/** What commander itself prints for `cmd`'s help at `width`. */
function commanderHelp(cmd: Command, width: number): string {
  let written = '';
  cmd.configureOutput({ writeOut: (s) => (written += s), getOutHelpWidth: () => width });
  cmd.outputHelp();
  return written;
}

/** main() run in this process: its exit code and what it wrote (commander's help width is 80 off a terminal). */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  const code = await main(['node', 'fraudflow', ...args]);
  vi.restoreAllMocks();
  return { code, out, err };
}

afterEach(() => vi.restoreAllMocks());

describe('the help snapshot', () => {
  it("renders every command's help as commander does at every width", () => {
    const program = buildProgram(noRuntime);
    const all = commandsOf(program);
    expect(all.length).toBeGreaterThan(15);
    for (const [path, cmd] of all)
      for (const width of WIDTHS) {
        const quick = quickAnswer(root, ['node', 'fraudflow', ...path, '--help'], { out: width, err: width });
        expect(quick?.text, `${path.join(' ') || '(root)'} at ${width} columns`).toBe(commanderHelp(cmd, width));
      }
  });

  it('answers help requests, bare groups and unknown commands as the program does', async () => {
    const names = Object.keys(root.commands);
    const cases: string[][] = [[], ['--help'], ['-h'], ['help'], ['help', 'ingest'], ['help', 'deploy']];
    for (const name of names) cases.push([name, '--help'], [name, '-h']);
    for (const [name, entry] of Object.entries(root.commands)) {
      if (!entry.action) cases.push([name]);
      for (const sub of Object.keys(entry.commands)) cases.push([name, sub, '--help']);
    }
    // Unknown commands: typos of every command (commander suggests), words near none, and --json.
    for (const name of [...names, 'help']) {
      cases.push([name.slice(1)], [name + 'x'], [name[1]! + name[0]! + name.slice(2)], [name.slice(0, -2) + 'zz']);
      cases.push([name.slice(0, -1), '--json'], [name.toUpperCase()], [name.slice(0, 3) + 'q', 'more', 'args']);
    }
    cases.push(['x'], ['qqqqqqqqqq'], ['s'], ['nosuch', '--json'], ['nosuch', 'extra', '--json']);
    let answered = 0;
    const skipped: string[] = [];
    for (const args of cases) {
      const quick = quickAnswer(root, ['node', 'fraudflow', ...args], { out: undefined, err: undefined });
      if (!quick) {
        skipped.push(args.join(' '));
        continue;
      }
      answered++;
      const real = await run(args);
      expect({ code: quick.code, [quick.stream]: quick.text }, args.join(' ')).toEqual({
        code: real.code,
        [quick.stream]: quick.stream === 'out' ? real.out : real.err,
      });
      expect(quick.stream === 'out' ? real.err : real.out, args.join(' ')).toBe('');
    }
    expect(skipped).toEqual([]);
    expect(answered).toBe(cases.length);
  });

  it('leaves to the program what it cannot answer: commands that run, options, help after --', () => {
    for (const args of [['topics'], ['models'], ['sql', 'select 1'], ['--version'], ['nosuch', '--', '--help']])
      expect(quickAnswer(root, ['node', 'fraudflow', ...args], { out: 80, err: 80 }), args.join(' ')).toBeUndefined();
  });

  it('leaves an unknown command to the program when FRAUDFLOW_LOG_LEVEL asks for debugging output, in any case', () => {
    const at = (args: string[], level: string | undefined) =>
      quickAnswer(root, ['node', 'fraudflow', ...args], { out: 80, err: 80 }, level);
    for (const level of ['DEBUG', 'debug', 'Debug']) {
      for (const args of [['nosuch'], ['ingestx', '--json']]) expect(at(args, level), level).toBeUndefined();
      expect(at(['--help'], level), `help is the same at ${level}`).toBeDefined();
    }
    for (const level of [undefined, '', 'INFO', 'ERROR', 'debugx'])
      expect(at(['nosuch'], level), String(level)).toBeDefined();
  });
});
