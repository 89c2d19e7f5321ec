// Preloaded with `node --import`: at exit, writes the process's peak resident set (whole process, native memory included) to stderr.
import { writeSync } from 'node:fs';

process.on('exit', () => writeSync(2, `\nPEAK_RSS_KB ${process.resourceUsage().maxRSS}\n`));
