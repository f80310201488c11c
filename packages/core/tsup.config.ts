import { packageBuildConfig } from '../../scripts/tsup-config.ts';

export default packageBuildConfig({
  index: 'src/index.ts',
  'adapter-utils/index': 'src/adapter-utils/index.ts',
});
