import { packageBuildConfig } from '../../scripts/tsup-config.ts';

export default packageBuildConfig(['src/index.ts', 'src/conformance/index.ts']);
