import { dirname, join } from 'node:path';

/** Where a package's files are (its `exports` do not list its prebuilt browser files). */
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/**
 * The IDE's browser files, served from the installed packages: GraphiQL's prebuilt bundle (it
 * expects React and ReactDOM as globals) and React 18's UMD builds. Nothing comes from a CDN.
 */
export const IDE_ASSETS: Record<string, string> = {
  'react.production.min.js': join(packageDir('react'), 'umd/react.production.min.js'),
  'react-dom.production.min.js': join(packageDir('react-dom'), 'umd/react-dom.production.min.js'),
  'graphiql.min.js': join(packageDir('graphiql'), 'graphiql.min.js'),
  'graphiql.min.css': join(packageDir('graphiql'), 'graphiql.min.css'),
};
