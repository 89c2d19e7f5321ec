// Bench child source: a bare functions-framework HTTP handler, the cold-start baseline of the deployed functions.
import * as ff from '@google-cloud/functions-framework';

ff.http('bare', (_req, res) => {
  res.status(200).send('ok');
});
