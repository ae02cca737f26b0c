import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.ts';

/** The lock file of a report folder a run is writing into. */
export const OUT_LOCK = '.certconform.lock';

/**
 * Takes the report folder for this run: a second run writing into the same folder at the same time would replace
 * the first one's reports (or lose its own when the first finishes), so it is refused with one line. A lock left
 * by a run that no longer exists (killed) is taken over. Returns the release.
 */
export function lockOutDir(dir: string, option = '--out'): () => void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, OUT_LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(readLock(file), 10);
      if (Number.isInteger(holder) && holder > 0 && alive(holder))
        throw new UsageError(
          `${option} ${dir}: in use by another certconform run (pid ${holder}); give each run its own folder`,
        );
      rmSync(file, { force: true }); // left by a run that was killed
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return () => rmSync(file, { force: true });
  }
  throw new UsageError(`${option} ${dir}: another run took the folder at the same moment`);
}

function readLock(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
