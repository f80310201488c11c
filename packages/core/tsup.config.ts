import { packageBuildConfig } from '../../scripts/tsup-config.ts';

// zod and cockatiel are ~130 files as packages; bundled they load as one chunk (about 0.1 s less CPU per run).
export default packageBuildConfig(
  {
    index: 'src/index.ts',
    'adapter-utils/index': 'src/adapter-utils/index.ts',
  },
  { bundle: ['zod', 'cockatiel'] },
);
