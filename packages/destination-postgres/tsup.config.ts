import { packageBuildConfig } from '../../scripts/tsup-config.ts';
import { writePackedDataDir } from './src/pglite-data-dir.ts';
import { installedPgliteVersion, packedDataDirFile } from './src/pglite-open.ts';

export default {
  // The worker thread that runs an embedded PGlite (pglite-worker-client.ts) is an entry of its own,
  // and so is what starts it, which the CLI loads before the rest of the package.
  ...packageBuildConfig(['src/index.ts', 'src/pglite-worker.ts', 'src/prestart.ts']),
  // A pre-initialized PGlite data directory, packed once here so a new directory opens without initdb.
  onSuccess: async () => writePackedDataDir(packedDataDirFile(await installedPgliteVersion())),
};
