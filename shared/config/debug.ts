// Whether a log level asks for debugging output (FRAUDFLOW_LOG_LEVEL=DEBUG), in a module that loads nothing (the
// CLI's help): the caller hands it the variable's value; only shared/config.ts and the CLI's entry read the environment.

export function isDebugLevel(level: string | undefined): boolean {
  return (level ?? '').toUpperCase() === 'DEBUG';
}
