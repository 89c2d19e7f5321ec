// The one Node.js major the deploy runs on: the functions' runtime and the serving image both follow it.

/** nodejs20 was decommissioned for new deploys on 2026-10-30; 22 is the deployed major (CI runs the suite on it too). */
export const NODE_MAJOR = 22;
/** `gcloud functions deploy --runtime` value. */
export const FUNCTION_RUNTIME = `nodejs${NODE_MAJOR}`;
/** Base images of the serving container (functions/model-server). */
export const BUILD_IMAGE = `node:${NODE_MAJOR}-bookworm`;
export const RUN_IMAGE = `node:${NODE_MAJOR}-bookworm-slim`;
