// Whether a real service for tests (a broker, a server, an emulator) answers, and the one skip-or-require rule for it.
import { Socket } from 'node:net';

/** True when something accepts a TCP connection at `host:port` within 2 s. */
export function portAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.setTimeout(2000);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(false));
    s.connect(port, host);
  });
}

export interface Service {
  /** What it is, as an error names it: "a Kafka broker". */
  readonly what: string;
  /** Its suites' kind in the skip message: "Kafka". */
  readonly kind: string;
  /** The environment variable that requires it (CI sets it to 1): a missing service is then an error, not a skip. */
  readonly requireVar: string;
  /** How to get it, for the skip message. */
  readonly hint: string;
}

/** True when the suite should run; prints why when it is skipped; throws when the environment requires the service. */
export function availableOrSkip(suite: string, service: Service, up: boolean, why: string): boolean {
  if (up) return true;
  if (process.env[service.requireVar] === '1')
    throw new Error(`${suite}: ${service.what} is required here (${service.requireVar}=1) but ${why}`);
  process.stderr.write(`\n[${suite}] ${service.kind} suite skipped (${why}): ${service.hint}\n`);
  return false;
}
