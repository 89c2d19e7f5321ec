// The CLI's help as data, taken from the commander program at build time (bin/build-dist.js writes it to dist/), so
// `--help`, `<cmd> --help` and an unknown command answer without loading the program (cli/help/fast.ts).
import type { Command } from 'commander';
import type { HelpPart } from './render.ts';

export interface HelpEntry {
  /** The help text's template (what commander wraps is kept for the width of the terminal it prints on). */
  readonly parts: HelpPart[];
  /** addHelpText output around it (not wrapped). */
  readonly before: string;
  readonly after: string;
  /** Runs with no subcommand named (has an action). */
  readonly action: boolean;
  /** Subcommands by name and alias, with the implicit `help` command's name when there is one. */
  readonly commands: Record<string, HelpEntry>;
  /** What an unknown command is compared with: names and aliases of the visible commands (with `help`). */
  readonly suggest: string[];
}

export interface HelpSnapshot {
  readonly root: HelpEntry;
  /** Source files (relative to the repository) the snapshot was made from: newer ones make it stale. */
  readonly inputs: string[];
}

type Internals = { _actionHandler: unknown };

export function helpEntry(cmd: Command): HelpEntry {
  const parts: HelpPart[] = [];
  const mark = (p: HelpPart): string => `\u0000${parts.push(p) - 1}\u0000`;
  const helper = cmd.createHelp();
  helper.prepareContext({ helpWidth: 80 });
  helper.formatItem = (term, termWidth, description) => mark({ item: [term, termWidth, description] });
  helper.boxWrap = (str) => mark({ wrap: str });
  const template = helper.formatHelp(cmd, helper);
  const out: HelpPart[] = template
    // eslint-disable-next-line no-control-regex -- NUL marks the parts: it never occurs in help text
    .split(/\u0000(\d+)\u0000/)
    .map((s, i) => (i % 2 ? parts[Number(s)]! : s))
    .filter((p) => p !== '');
  // What addHelpText adds: the whole output minus commander's own help text.
  let written = '';
  cmd.configureOutput({ writeOut: (s) => (written += s), getOutHelpWidth: () => 80, getOutHasColors: () => false });
  const own = cmd.helpInformation();
  cmd.outputHelp();
  const at = written.indexOf(own);
  if (at < 0) throw new Error(`help snapshot: ${cmd.name()}'s help is not its helpInformation()`);
  const visible = helper.visibleCommands(cmd);
  const commands: Record<string, HelpEntry> = {};
  for (const sub of cmd.commands) {
    const entry = helpEntry(sub);
    for (const name of [sub.name(), ...sub.aliases()]) commands[name] = entry;
  }
  return {
    parts: out,
    before: written.slice(0, at),
    after: written.slice(at + own.length),
    action: Boolean((cmd as unknown as Internals)._actionHandler),
    commands,
    suggest: visible.flatMap((c) => (c.alias() ? [c.name(), c.alias()] : [c.name()])),
  };
}
