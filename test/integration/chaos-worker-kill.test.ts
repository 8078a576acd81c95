import { describeWorkerKillChaos } from '../support/worker-kill-chaos.js';

// Issue 5: 50 runs killing the worker mid-publish, in every `npm test` (test/bench runs a larger one).
describeWorkerKillChaos(50);
