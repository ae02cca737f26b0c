// Loaded with `node --import` into a benchmarked child: at exit, writes its CPU time and peak RSS to the file
// named by BENCH_RUSAGE (the whole process: every thread, the loader's worker too).
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RUSAGE;
if (file)
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKb: u.maxRSS }),
    );
  });
