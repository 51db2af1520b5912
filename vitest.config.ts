import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Property and fuzz tests parse thousands of messages; the default 5 s is too tight on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
