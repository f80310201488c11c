import { packageBuildConfig } from '../../scripts/tsup-config.ts';

export default packageBuildConfig();
