import { describe, expect, it } from 'vitest';
import { userNodeFlags, v8SettingsFor } from './v8-settings';

describe('v8SettingsFor', () => {
  it('should apply every setting when the user set none of its flags', () => {
    expect(v8SettingsFor(userNodeFlags(['--enable-source-maps'], undefined))).toEqual({
      flags: ['--liftoff-only', '--heap-growing-percent=100', '--interrupt-budget=270336'],
      capSemiSpace: true,
    });
  });

  it("should leave a setting to the user's own flag, from node's arguments or NODE_OPTIONS", () => {
    expect(
      v8SettingsFor(
        userNodeFlags(
          ['--no-liftoff', '--interrupt-budget=100000'],
          '--max-old-space-size=512 --heap_growing_percent=80',
        ),
      ),
    ).toEqual({ flags: [], capSemiSpace: true });
    expect(v8SettingsFor(userNodeFlags([], '--wasm-tiering-budget=100 --max-semi-space-size=32'))).toEqual({
      flags: ['--heap-growing-percent=100', '--interrupt-budget=270336'],
      capSemiSpace: false,
    });
  });
});
