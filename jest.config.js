const { availableParallelism } = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testTimeout: 30000,
  // At least two workers: jest's default on the 2-core machines is one, and many suites wait on
  // child processes and sockets, so a second one is not idle. The whole suite there (2026-12-02):
  // 591 s with one worker, 423 and 434 s with two.
  maxWorkers: Math.max(2, availableParallelism() - 1),
};
