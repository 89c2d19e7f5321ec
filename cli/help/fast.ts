// `fraudflow --help`, `fraudflow <cmd> [<sub>] --help`, `help [cmd]`, a bare command group and an unknown command,
// answered from the build's help snapshot as commander would answer them; anything else is left to the program.
import { isDebugLevel } from '../../shared/config/debug.ts';
import { renderHelp, suggestSimilar } from './render.ts';
import type { HelpEntry } from './snapshot.ts';

export interface QuickAnswer {
  readonly stream: 'out' | 'err';
  readonly text: string;
  readonly code: number;
}

/** The help width commander uses for each stream: the terminal's columns, undefined when not a terminal (80). */
export interface Widths {
  readonly out: number | undefined;
  readonly err: number | undefined;
}

const HELP = new Set(['--help', '-h']);

function help(entry: HelpEntry, widths: Widths, error: boolean): QuickAnswer {
  const text = entry.before + renderHelp(entry.parts, (error ? widths.err : widths.out) ?? 80) + entry.after;
  // Help asked for exits 0; help shown because no command was named is a usage error (cli/main.ts: 2).
  return { stream: error ? 'err' : 'out', text, code: error ? 2 : 0 };
}

/** `logLevel`: FRAUDFLOW_LOG_LEVEL as the entry read it (debugging output is the program's, never the snapshot's). */
export function quickAnswer(
  root: HelpEntry,
  argv: readonly string[],
  widths: Widths,
  logLevel?: string,
): QuickAnswer | undefined {
  const args = argv.slice(2);
  const [first, second] = args;
  if (first === undefined) return help(root, widths, true);
  if (args.length === 1 && HELP.has(first)) return help(root, widths, false);
  if (first === 'help' && args.length <= 2) {
    const entry = second === undefined ? root : root.commands[second];
    return entry ? help(entry, widths, false) : undefined;
  }
  const command = Object.hasOwn(root.commands, first) ? root.commands[first]! : undefined;
  if (command) {
    if (args.length === 2 && HELP.has(second!)) return help(command, widths, false);
    if (args.length === 1 && !command.action && Object.keys(command.commands).length > 0)
      return help(command, widths, true);
    const sub = second !== undefined && Object.hasOwn(command.commands, second) ? command.commands[second] : undefined;
    return sub && args.length === 3 && HELP.has(args[2]!) ? help(sub, widths, false) : undefined;
  }
  // An unknown command; with a help flag or `--` in the rest commander prints help instead, and debugging prints a stack.
  if (first.startsWith('-') || args.some((a) => HELP.has(a) || a === '--') || isDebugLevel(logLevel)) return undefined;
  const message = `unknown command '${first}'${suggestSimilar(first, root.suggest)}`;
  const text = argv.includes('--json')
    ? JSON.stringify({ error: { code: 'USAGE', message, details: {} } })
    : `fraudflow: ${message} (fraudflow --help lists the commands)`;
  return { stream: 'err', text: text + '\n', code: 2 };
}
