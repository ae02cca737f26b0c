import { describe, expect, it } from 'vitest';
import { Slots } from './pool.ts';

describe('Slots', () => {
  it('runs at most its limit at once, the waiting in the order they asked, and frees a slot on a throw', async () => {
    const slots = new Slots(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const gates = Array.from({ length: 5 }, () => {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      return { promise, resolve };
    });
    const tasks = gates.map((gate, i) =>
      slots.run(async () => {
        started.push(i);
        most = Math.max(most, ++running);
        await gate.promise;
        running--;
        if (i === 1) throw new Error('task 1 failed');
        return i;
      }),
    );
    // Each task is let go only once the ones before it have started: no timing involved.
    for (const [i, gate] of gates.entries()) {
      await expect.poll(() => started.includes(i)).toBe(true);
      gate.resolve();
    }
    const settled = await Promise.allSettled(tasks);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
    expect(settled.map((s) => s.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
  });

  it('starts the waiting tasks highest priority first, in the order they asked among equals', async () => {
    const slots = new Slots(1);
    let release!: () => void;
    const first = slots.run(() => new Promise<void>((r) => (release = r)));
    const started: string[] = [];
    const waiting = [
      ['short', 1],
      ['unknown', Infinity],
      ['long', 20],
      ['also short', 1],
    ].map(([name, priority]) => slots.run(async () => void started.push(name as string), priority as number));
    release();
    await Promise.all([first, ...waiting]);
    expect(started).toEqual(['unknown', 'long', 'short', 'also short']);
  });
});
