import { describeWorkerKillChaos } from '../support/worker-kill-chaos.js';

// The larger chaos run (issue 5): 200 runs killing the worker mid-publish; prints the counts as JSON.
describeWorkerKillChaos(200);
