// What every step module of the plan writes to: the config, the growing list of steps, the files the commands read.
import * as cmd from '../commands.ts';
import type { DeployConfig } from '../config.ts';
import type { PlanStep } from '../plan.ts';

export interface PlanContext {
  readonly c: DeployConfig;
  readonly steps: PlanStep[];
  readonly files: Record<string, string>;
  add(step: PlanStep): void;
  /** Records a file the commands read and returns its path as the commands see it. */
  file(name: string, content: string): string;
  /** The IAM member of one of the plan's service accounts. */
  member(role: string): string;
}

export function planContext(c: DeployConfig, filesDir: string): PlanContext {
  const steps: PlanStep[] = [];
  const files: Record<string, string> = {};
  return {
    c,
    steps,
    files,
    add: (s) => void steps.push(s),
    file: (name, content) => {
      files[name] = content;
      return `${filesDir}/${name}`;
    },
    member: (role) => `serviceAccount:${cmd.serviceAccount(c, role)}`,
  };
}
