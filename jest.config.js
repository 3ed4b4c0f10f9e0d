/** @type {import('jest').Config} */
const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleNameMapper: { '^@sift/(.*)$': '<rootDir>/$1/src/index.ts' },
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/*/test/**/*.test.ts', '<rootDir>/test/scripts/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/integration/'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/*/test/integration/**/*.test.ts',
        '<rootDir>/test/integration/**/*.test.ts',
      ],
      globalSetup: '<rootDir>/test/services/global-setup.mjs',
      globalTeardown: '<rootDir>/test/services/global-teardown.mjs',
      setupFilesAfterEnv: ['<rootDir>/test/services/integration-timeout.js'],
    },
  ],
};
