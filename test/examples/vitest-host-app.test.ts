/**
 * Runs the host-app example's own suite (examples/vitest-host-app/onboarding.test.ts) as part of
 * `npm test`: importing it registers its tests here, exactly as written for a user's project.
 */
import '../../examples/vitest-host-app/onboarding.test.js';
