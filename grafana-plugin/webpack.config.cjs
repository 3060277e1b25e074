// Builds dist/ the way @grafana/create-plugin's .config/webpack/webpack.config.ts does: an AMD module.js that
// Grafana loads with SystemJS, with Grafana's shared packages left external so the plugin uses Grafana's copies.
const path = require('node:path');
const CopyWebpackPlugin = require('copy-webpack-plugin');
const pluginJson = require('./src/plugin.json');
const { version } = require('./package.json');

const SOURCE_DIR = path.resolve(__dirname, 'src');
const DIST_DIR = path.resolve(__dirname, 'dist');

/** Packages Grafana provides at runtime (public/app/features/plugins/loader/sharedDependencies.ts). */
const EXTERNALS = [
  { 'amd-module': 'module' },
  'lodash',
  'jquery',
  'moment',
  'slate',
  'emotion',
  '@emotion/react',
  '@emotion/css',
  'prismjs',
  'slate-plain-serializer',
  '@grafana/slate-react',
  'react',
  'react-dom',
  'react/jsx-runtime',
  'react-redux',
  'redux',
  'rxjs',
  'i18next',
  'react-router',
  'd3',
  'angular',
  /^@grafana\/ui/i,
  /^@grafana\/runtime/i,
  /^@grafana\/data/i,
];

module.exports = (env = {}) => ({
  context: SOURCE_DIR,
  devtool: env.production ? 'source-map' : 'eval-source-map',
  entry: { module: './module.tsx' },
  externals: EXTERNALS,
  mode: env.production ? 'production' : 'development',
  module: {
    rules: [
      {
        exclude: /node_modules/,
        test: /\.[tj]sx?$/,
        use: {
          loader: 'swc-loader',
          options: {
            jsc: {
              baseUrl: SOURCE_DIR,
              target: 'es2020',
              loose: false,
              parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true },
              transform: { react: { runtime: 'automatic' } },
            },
          },
        },
      },
    ],
  },
  output: {
    clean: { keep: /(\.zip)$/ },
    filename: '[name].js',
    chunkFilename: '[name].js?_cache=[contenthash]',
    library: { type: 'amd' },
    path: DIST_DIR,
    publicPath: `public/plugins/${pluginJson.id}/`,
    uniqueName: pluginJson.id,
  },
  plugins: [
    new CopyWebpackPlugin({
      patterns: [
        { from: '../README.md', to: '.' },
        { from: '../CHANGELOG.md', to: '.' },
        { from: 'img/**/*', to: '.' },
        {
          from: 'plugin.json',
          to: '.',
          // create-plugin fills these with replace-in-file-webpack-plugin; a transform does the same here.
          transform: (content) =>
            content
              .toString()
              .replace(/%VERSION%/g, version)
              .replace(/%TODAY%/g, new Date().toISOString().slice(0, 10)),
        },
      ],
    }),
  ],
  resolve: {
    extensions: ['.js', '.jsx', '.ts', '.tsx'],
    // Sources import siblings as `./x.js` (NodeNext style); resolve those to the TypeScript files.
    extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
    modules: [SOURCE_DIR, 'node_modules'],
  },
  performance: { hints: false },
});
