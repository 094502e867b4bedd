import pkg from '../../package.json'

/** The version `p2engine --version` prints and the logs record (package.json's, as the app's). */
export const APP_VERSION: string = pkg.version
