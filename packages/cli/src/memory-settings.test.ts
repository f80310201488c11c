import { describe, expect, it } from 'vitest';
import { memorySettingsFor, userNodeFlags } from './memory-settings';

describe('memorySettingsFor', () => {
  it('should apply every setting when the user set none of its flags', () => {
    expect(memorySettingsFor(userNodeFlags(['--enable-source-maps'], undefined))).toEqual({
      flags: ['--liftoff-only', '--heap-growing-percent=50'],
      capSemiSpace: true,
    });
  });

  it("should leave a setting to the user's own flag, from node's arguments or NODE_OPTIONS", () => {
    expect(
      memorySettingsFor(
        userNodeFlags(['--no-liftoff'], '--max-old-space-size=512 --heap_growing_percent=80'),
      ),
    ).toEqual({ flags: [], capSemiSpace: true });
    expect(
      memorySettingsFor(userNodeFlags([], '--wasm-tiering-budget=100 --max-semi-space-size=32')),
    ).toEqual({ flags: ['--heap-growing-percent=50'], capSemiSpace: false });
  });
});
