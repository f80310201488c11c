import { packageBuildConfig } from '../../scripts/tsup-config.ts';
import { writePackedDataDir } from './src/pglite-data-dir.ts';
import { installedPgliteVersion, packedDataDirFile } from './src/pglite-open.ts';

export default {
  ...packageBuildConfig(),
  // A pre-initialized PGlite data directory, packed once here so a new directory opens without initdb.
  onSuccess: async () => writePackedDataDir(packedDataDirFile(await installedPgliteVersion())),
};
