// The deploy configuration read from its JSON file and validated, every problem named (used by `fraudflow deploy`).
import { readFile } from 'node:fs/promises';
import { DeployConfig } from '../../deploy/plan/config.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { issueLines } from '../../shared/schema/issues.ts';

export async function loadDeployConfig(
  path: string,
  overrides: { project?: string; region?: string } = {},
): Promise<DeployConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new FraudflowError(
      'CONFIG_INVALID',
      `deploy config ${path}: cannot read it as JSON: ${(e as Error).message}`,
      { path },
      { cause: e },
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new FraudflowError('CONFIG_INVALID', `deploy config ${path}: expected a JSON object`, { path });
  return parseDeployConfig(
    {
      ...raw,
      ...(overrides.project ? { project: overrides.project } : {}),
      ...(overrides.region ? { region: overrides.region } : {}),
    },
    path,
  );
}

/** Every problem at once, each as `path.to.field: what is wrong`. */
export function parseDeployConfig(raw: unknown, source = 'deploy config'): DeployConfig {
  const parsed = DeployConfig.safeParse(raw, {
    error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined),
  });
  if (parsed.success) return parsed.data;
  const problems = issueLines(parsed.error);
  throw new FraudflowError('CONFIG_INVALID', `deploy config ${source} is invalid: ${problems.join('; ')}`, {
    problems,
  });
}
