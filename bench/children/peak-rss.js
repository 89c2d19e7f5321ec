// Preloaded with `node --import`: at exit, writes the process's peak resident set (whole process, native memory included) and CPU user time to stderr.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const u = process.resourceUsage();
  writeSync(2, `\nPEAK_RSS_KB ${u.maxRSS}\nCPU_USER_US ${u.userCPUTime}\n`);
});
