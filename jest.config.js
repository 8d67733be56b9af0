const { availableParallelism } = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testTimeout: 30000,
  // At least three workers: jest's default on the 2-core machines is one, and many suites wait on
  // child processes and sockets, so a worker beyond the cores is rarely idle. The whole suite there:
  // 591 s with one worker, 423 and 434 s with two (2026-12-02); 342 s with two, 295 s with three
  // (2026-12-07, another machine).
  maxWorkers: Math.max(3, availableParallelism() - 1),
};
