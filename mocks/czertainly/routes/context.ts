import type { Answers } from '../answers.ts';
import type { MockCa } from '../ca.ts';
import type { Checks } from '../checks.ts';
import type { MockContext } from '../world.ts';

/** What a route room is given: the world, behaviour and faults, and the rooms it calls on. */
export interface RouteContext extends MockContext {
  ca: MockCa;
  checks: Checks;
  answers: Answers;
}

export type Params = Record<string, string>;
