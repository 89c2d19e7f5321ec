// The deployed entry module: loads the function named by FUNCTION_TARGET (its modules only, registered with
// functions-framework) and puts the HTTP edge in front of the framework's server, so that function never has a body
// read before the edge's checks.
import { frameworkTarget } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { processRuntime } from '../shared/runtime.ts';
import { errorAnswer, sendAnswer } from '../shared/http/answer.ts';
import { edgeListener } from '../shared/http/guard.ts';
import { takeOverServers } from '../shared/http/server.ts';
import { FraudflowError } from '../shared/errors.ts';
import type { FunctionRoute } from '../shared/http/function-route.ts';
import { loadRoute } from './routes.ts';

const target = frameworkTarget();
if (target !== undefined) {
  // Loaded before functions-framework looks the target up (it awaits this module's evaluation), so it finds it.
  const route: FunctionRoute | undefined = await loadRoute(target);
  takeOverServers(() => {
    try {
      if (!route) throw new FraudflowError('CONFIG_INVALID', `FUNCTION_TARGET ${target} is not a fraudflow function`);
      return edgeListener(route, processRuntime().logger.child({ function: target }));
    } catch (e) {
      // A bad configuration answers 500 to every request, and still reads no body.
      createLogger().error('the HTTP edge cannot start', { error: e });
      return (_req, res) => sendAnswer(res, errorAnswer(e), true);
    }
  });
}
