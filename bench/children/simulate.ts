// Bench child: one simulation written to a file in a fresh process; prints its summary (peak RSS included).
import { writeSimulation } from '../../shared/simulator/write.ts';

const [file, customers, days] = process.argv.slice(2);
const s = await writeSimulation(file!, {
  customers: Number(customers),
  terminals: 10_000,
  days: Number(days),
  seed: 1,
  startDate: '2026-01-01',
});
process.stdout.write(JSON.stringify({ ...s, peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
