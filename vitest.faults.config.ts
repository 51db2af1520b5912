import { defineConfig } from 'vitest/config';

// `npm run test:faults`: the fault scenarios (test/faults/*.fault.ts), apart from `npm test` because each
// one runs whole worker processes against real servers for tens of seconds. One file at a time: they
// measure recovery, and two scenarios sharing the 2 cores would measure each other.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.fault.ts'],
    testTimeout: 240_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
