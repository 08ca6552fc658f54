// Lint for every package. The layering rule is the one that matters most: each layer
// may import itself and the layers below it (core-net <- devices <- ipv4 <- sockets <-
// procfs); the command package and the tools sit on top and may import any layer.
import nx from '@nx/eslint-plugin';

const layers = ['core-net', 'devices', 'ipv4', 'sockets', 'procfs'];
const allLayers = layers.map((l) => `layer:${l}`);

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', 'docs', '**/node_modules', '**/test/fixtures'] },
  {
    files: ['**/*.ts'],
    rules: {
      // A leading underscore marks a parameter an override or interface requires but
      // this implementation does not read.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            ...layers.map((l, i) => ({
              sourceTag: `layer:${l}`,
              onlyDependOnLibsWithTags: allLayers.slice(0, i + 1),
            })),
            { sourceTag: 'layer:cli', onlyDependOnLibsWithTags: allLayers },
            { sourceTag: 'layer:tools', onlyDependOnLibsWithTags: [...allLayers, 'layer:cli'] },
          ],
        },
      ],
    },
  },
];
