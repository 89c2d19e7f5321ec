// The deployed entry module: registers every function with functions-framework and puts the HTTP edge in front of the
// framework's server, so the function named by FUNCTION_TARGET never has a body read before the edge's checks.
import { frameworkTarget } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { processRuntime } from '../shared/runtime.ts';
import { errorAnswer, sendAnswer } from '../shared/http/answer.ts';
import { edgeListener } from '../shared/http/guard.ts';
import { takeOverServers } from '../shared/http/server.ts';
import { FraudflowError } from '../shared/errors.ts';
import { ROUTES } from './routes.ts';

const target = frameworkTarget();
if (target !== undefined) {
  takeOverServers(() => {
    const route = ROUTES[target];
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
