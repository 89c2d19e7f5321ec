// Bench child: copies the champion to a new, unpromoted version (same weights) for the shadow bench; prints its name.
import { loadConfig } from '../../shared/config.ts';
import { createRuntime } from '../../shared/runtime.ts';
import { silentLogger } from '../../shared/logger.ts';
import { tfReady } from '../../shared/model/tf-backend.ts';

await tfReady();
const rt = createRuntime(loadConfig(), silentLogger);
const registry = rt.models();
const champion = (await registry.champion())!.version;
const { model, manifest } = await registry.loadAny(champion);
const version = `${champion}-shadow`;
const promotion = { promoted: false, reason: 'bench: a shadow copy of the champion', margin: 0, champion: null };
await registry.save({ ...manifest, version, created_at: new Date().toISOString(), promotion }, model);
await rt.close();
process.stdout.write(JSON.stringify({ version }) + '\n');
