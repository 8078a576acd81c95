import { InitialSchema1764000000000 } from './1764000000000-initial-schema.js';
import { Registry1764100000000 } from './1764100000000-registry.js';
import { Calendar1764200000000 } from './1764200000000-calendar.js';
import { Reconcile1764300000000 } from './1764300000000-reconcile.js';
import { ReachReports1764400000000 } from './1764400000000-reach-reports.js';
import { ReportRollups1764500000000 } from './1764500000000-report-rollups.js';
import { BusinessPrefixSums1764600000000 } from './1764600000000-business-prefix-sums.js';
import { BusinessWindowSums1764700000000 } from './1764700000000-business-window-sums.js';
import { QuietFeatureRefresh1764800000000 } from './1764800000000-quiet-feature-refresh.js';
import { LeanStatusTriggers1764900000000 } from './1764900000000-lean-status-triggers.js';
import { ReconcileAbsentStreak1765000000000 } from './1765000000000-reconcile-absent-streak.js';
import { XTokenRefresh1765100000000 } from './1765100000000-x-token-refresh.js';
import { UniqueExternalPost1765200000000 } from './1765200000000-unique-external-post.js';

export const MIGRATIONS = [InitialSchema1764000000000, Registry1764100000000, Calendar1764200000000, Reconcile1764300000000, ReachReports1764400000000, ReportRollups1764500000000, BusinessPrefixSums1764600000000, BusinessWindowSums1764700000000, QuietFeatureRefresh1764800000000, LeanStatusTriggers1764900000000, ReconcileAbsentStreak1765000000000, XTokenRefresh1765100000000, UniqueExternalPost1765200000000];
