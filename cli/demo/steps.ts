// The demo's progress lines: each stage numbered, with the time since the demo started; silent under --json.
export interface Steps {
  /** A new stage: `[3/10 +12.4s] text`. */
  stage(text: string): void;
  /** A detail line under the current stage. */
  detail(text: string): void;
  elapsedS(): number;
}

export function steps(total: number, quiet: boolean, write = (s: string) => process.stdout.write(s)): Steps {
  const started = performance.now();
  let n = 0;
  const elapsedS = () => Math.round((performance.now() - started) / 100) / 10;
  const say = (line: string) => void (quiet || write(line + '\n'));
  return {
    stage: (text) => say(`[${++n}/${total} +${elapsedS().toFixed(1)}s] ${text}`),
    detail: (text) => say(`      ${text}`),
    elapsedS,
  };
}
