import { afterAll, afterEach, beforeEach } from 'vitest';
import { killAllChildren } from './child-processes';

// Setup file of the integration tests: no child process outlives its test file, nor a test that runs alone.
// Tests of a `describe.concurrent` block overlap, so the sweep after a test waits until none is running;
// a workspace (createWorkspace) kills its own test's processes as soon as that test ends.
let runningTests = 0;

beforeEach(() => {
  runningTests += 1;
});

afterEach(async () => {
  runningTests -= 1;
  if (runningTests === 0) await killAllChildren();
});

afterAll(killAllChildren);
