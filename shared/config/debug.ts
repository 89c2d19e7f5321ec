// Whether debugging output was asked for (FRAUDFLOW_LOG_LEVEL=DEBUG), in a module that loads nothing (the CLI's help).

export function debugRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.FRAUDFLOW_LOG_LEVEL ?? '').toUpperCase() === 'DEBUG';
}
