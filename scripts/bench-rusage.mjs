// Loaded with `node --import` into a benchmarked child: at exit, writes its CPU time and peak RSS to the file
// named by BENCH_RUSAGE (the whole process: every thread, the loader's worker too, and the CPU of the children it
// waited for, such as the self-test's shards).
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.env.BENCH_RUSAGE;

/** The CPU of the children this process has waited for (Linux: cutime and cstime of /proc/self/stat, in ticks). */
function childrenCpuMs() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    // After "pid (comm) ", field 3 is the state: cutime and cstime are fields 16 and 17, here 13 and 14.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return 0;
  }
}

if (file)
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({
        cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 + childrenCpuMs(),
        maxRssKb: u.maxRSS,
      }),
    );
  });
