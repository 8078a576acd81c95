/**
 * Functions and triggers behind the report tables of migration 1764400000000. Triggers rather than application
 * code, so that every writer (the collector, a repair by hand, a test fixture) keeps the reports right in its own
 * transaction. WIB days are computed with an explicit zone, never the server's.
 */
export const LATEST_COLUMNS = `feature_id, business_id, rubric, kecamatan, platform, status, slot_day, "window", collected_at,
  reach, views, likes, comments, shares, saves, engagement, failure_reason`;

const latestSelect = (where: string, snapshot: string, failure: string): string => `
  SELECT p.id, p.feature_id, f.business_id, f.rubric, b.kecamatan, p.platform, p.status,
         (p.scheduled_at AT TIME ZONE 'Asia/Jakarta')::date,
         m."window", m.collected_at, m.reach, m.views, m.likes, m.comments, m.shares, m.saves, m.engagement, c.reason
    FROM publication p
    JOIN feature f ON f.id = p.feature_id
    JOIN business b ON b.id = f.business_id
    ${snapshot}
    ${failure}
   ${where}`;

/** Snapshots and failures of one publication (or all), as rows to sum per window. */
const WINDOW_PARTS = (publication: string | null): string => `
  SELECT publication_id, "window" AS w, 1 AS snapshots, 0 AS failures, coalesce(reach, 0) AS reach, coalesce(views, 0) AS views,
         likes, comments, shares, saves, engagement
    FROM metric_snapshot ${publication === null ? '' : `WHERE publication_id = ${publication}`}
  UNION ALL
  SELECT publication_id, "window", 0, 1, 0, 0, 0, 0, 0, 0, 0
    FROM metric_collection_failure ${publication === null ? '' : `WHERE publication_id = ${publication}`}`;

const WINDOW_SUMS = `snapshots = d.snapshots + EXCLUDED.snapshots, failures = d.failures + EXCLUDED.failures,
  reach = d.reach + EXCLUDED.reach, views = d.views + EXCLUDED.views, likes = d.likes + EXCLUDED.likes,
  comments = d.comments + EXCLUDED.comments, shares = d.shares + EXCLUDED.shares, saves = d.saves + EXCLUDED.saves,
  engagement = d.engagement + EXCLUDED.engagement`;

const DAILY_SUMS = `publications = d.publications + EXCLUDED.publications, with_metrics = d.with_metrics + EXCLUDED.with_metrics,
  collection_failed = d.collection_failed + EXCLUDED.collection_failed, reach = d.reach + EXCLUDED.reach,
  views = d.views + EXCLUDED.views, likes = d.likes + EXCLUDED.likes, comments = d.comments + EXCLUDED.comments,
  shares = d.shares + EXCLUDED.shares, saves = d.saves + EXCLUDED.saves, engagement = d.engagement + EXCLUDED.engagement`;

export const featuredDay = `CASE WHEN f.chosen_by = 'import' THEN (f.week_start AT TIME ZONE 'Asia/Jakarta')::date ELSE fd.day END`;

/** Feature `fid`'s featured row (feature_id, business_id, rubric, kecamatan, day), if it counts as featured. */
export const FEATURED_OF_FEATURE = `SELECT f.id, f.business_id, f.rubric, b.kecamatan, ${featuredDay}
       FROM feature f
       JOIN business b ON b.id = f.business_id
       LEFT JOIN LATERAL (SELECT min(l.slot_day) AS day FROM publication_metrics_latest l
                           WHERE l.feature_id = f.id AND l.status = 'published') fd ON true
      WHERE f.id = fid AND f.status <> 'cancelled' AND ${featuredDay} IS NOT NULL`;

/** Every feature's featured row from the latest rows, for the rebuilds. */
export const FEATURED_FROM_LATEST = `INSERT INTO feature_featured (feature_id, business_id, rubric, kecamatan, day)
     SELECT f.id, f.business_id, f.rubric, b.kecamatan, ${featuredDay}
       FROM feature f
       JOIN business b ON b.id = f.business_id
       LEFT JOIN (SELECT feature_id, min(slot_day) AS day FROM publication_metrics_latest
                   WHERE status = 'published' GROUP BY feature_id) fd ON fd.feature_id = f.id
      WHERE f.status <> 'cancelled' AND ${featuredDay} IS NOT NULL`;

/** Every publication's latest row computed from the raw snapshots and failures, for the rebuilds. */
export const LATEST_FROM_RAW = latestSelect(
  '',
  `LEFT JOIN (SELECT DISTINCT ON (publication_id) * FROM metric_snapshot
                    ORDER BY publication_id, collected_at DESC, "window" DESC) m ON m.publication_id = p.id`,
  `LEFT JOIN (SELECT DISTINCT ON (publication_id) publication_id, reason FROM metric_collection_failure
                    ORDER BY publication_id, failed_at DESC) c ON c.publication_id = p.id`,
);

/**
 * How report_on_latest begins: nothing while a rebuild runs; the day's status counts always move; a change of the
 * numbers alone stops there.
 */
export const LATEST_TRIGGER_HEAD = `IF current_setting('report.rebuilding', true) = 'on' THEN RETURN NULL; END IF;
     IF TG_OP <> 'INSERT' THEN PERFORM report_daily_add(OLD, -1); END IF;
     IF TG_OP <> 'DELETE' THEN PERFORM report_daily_add(NEW, 1); END IF;
     -- New metrics alone (the hot path) cannot change whether or when a feature was featured.
     IF TG_OP = 'UPDATE' AND (NEW.feature_id, NEW.status, NEW.slot_day, NEW.business_id, NEW.rubric, NEW.kecamatan)
                             IS NOT DISTINCT FROM (OLD.feature_id, OLD.status, OLD.slot_day, OLD.business_id, OLD.rubric, OLD.kecamatan) THEN
       RETURN NULL;
     END IF;`;

/** A function definition that replaces one of the same signature. */
export const orReplace = (sql: string): string => sql.replace(/^CREATE FUNCTION/, 'CREATE OR REPLACE FUNCTION');

export const REPORT_FUNCTIONS_SQL: readonly string[] = [
  `CREATE FUNCTION report_refresh_publication(pid uuid) RETURNS void LANGUAGE plpgsql AS $$
   BEGIN
     -- Wait for any other writer of this row first: the INSERT below then reads what that writer committed, instead
     -- of a snapshot from before the wait that would overwrite it with stale dimensions or numbers.
     PERFORM 1 FROM publication_metrics_latest WHERE publication_id = pid FOR UPDATE;
     INSERT INTO publication_metrics_latest AS l (publication_id, ${LATEST_COLUMNS})
     ${latestSelect(
       'WHERE p.id = pid',
       `LEFT JOIN LATERAL (SELECT s.* FROM metric_snapshot s WHERE s.publication_id = p.id
                            ORDER BY s.collected_at DESC, s."window" DESC LIMIT 1) m ON true`,
       `LEFT JOIN LATERAL (SELECT x.reason FROM metric_collection_failure x WHERE x.publication_id = p.id
                            ORDER BY x.failed_at DESC LIMIT 1) c ON true`,
     )}
     ON CONFLICT (publication_id) DO UPDATE SET (${LATEST_COLUMNS}) = (
       EXCLUDED.feature_id, EXCLUDED.business_id, EXCLUDED.rubric, EXCLUDED.kecamatan, EXCLUDED.platform, EXCLUDED.status,
       EXCLUDED.slot_day, EXCLUDED."window", EXCLUDED.collected_at, EXCLUDED.reach, EXCLUDED.views, EXCLUDED.likes,
       EXCLUDED.comments, EXCLUDED.shares, EXCLUDED.saves, EXCLUDED.engagement, EXCLUDED.failure_reason)
     -- A publication update that changes nothing the reports see (lease, attempts) must not touch the rollups.
     WHERE (l.${LATEST_COLUMNS.replace(/,\s*/g, ', l.')}) IS DISTINCT FROM (EXCLUDED.${LATEST_COLUMNS.replace(/,\s*/g, ', EXCLUDED.')});
   END $$`,

  // Appends a delta instead of updating the shared sum row: concurrent transactions touching several publications
  // in any order would otherwise deadlock on those rows. report_compact() folds deltas into the sums.
  `CREATE FUNCTION report_daily_add(r publication_metrics_latest, sign int) RETURNS void LANGUAGE sql AS $$
     INSERT INTO report_daily_delta (day, platform, rubric, kecamatan, status, publications, with_metrics, collection_failed,
                                     reach, views, likes, comments, shares, saves, engagement)
     VALUES (r.slot_day, r.platform, r.rubric, r.kecamatan, r.status, sign, sign * (r."window" IS NOT NULL)::int,
             sign * (r.failure_reason IS NOT NULL)::int, sign * coalesce(r.reach, 0), sign * coalesce(r.views, 0),
             sign * coalesce(r.likes, 0), sign * coalesce(r.comments, 0), sign * coalesce(r.shares, 0),
             sign * coalesce(r.saves, 0), sign * coalesce(r.engagement, 0))
   $$`,

  // A feature counts as featured on the WIB day of its first published slot; an imported one in its week. An upsert,
  // not delete-and-insert: a feature's publications are published by concurrent transactions, and each must see
  // the other's row. LEAST keeps the earliest day when two of them each saw only their own publication.
  `CREATE FUNCTION report_refresh_feature(fid uuid) RETURNS void LANGUAGE plpgsql AS $$
   BEGIN
     INSERT INTO feature_featured AS ff (feature_id, business_id, rubric, kecamatan, day)
     ${FEATURED_OF_FEATURE}
     ON CONFLICT (feature_id) DO UPDATE SET business_id = EXCLUDED.business_id, rubric = EXCLUDED.rubric,
       kecamatan = EXCLUDED.kecamatan, day = LEAST(ff.day, EXCLUDED.day);
     IF NOT FOUND THEN DELETE FROM feature_featured WHERE feature_id = fid; END IF;
   END $$`,

  `CREATE FUNCTION report_on_latest() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     ${LATEST_TRIGGER_HEAD}
     -- Dimensions or status changed: the window rows move with the publication.
     IF TG_OP <> 'INSERT' THEN PERFORM report_window_move(OLD, -1); END IF;
     IF TG_OP <> 'DELETE' THEN PERFORM report_window_move(NEW, 1); END IF;
     IF TG_OP <> 'INSERT' THEN PERFORM report_refresh_feature(OLD.feature_id); END IF;
     IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.feature_id <> OLD.feature_id) THEN PERFORM report_refresh_feature(NEW.feature_id); END IF;
     RETURN NULL;
   END $$`,

  `CREATE FUNCTION report_on_publication() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM report_refresh_publication(NEW.id);
     RETURN NULL;
   END $$`,

  // Adds (sign 1) or removes (-1) every snapshot and failure of one published publication to its window rows.
  `CREATE FUNCTION report_window_move(l publication_metrics_latest, sign int) RETURNS void LANGUAGE sql AS $$
     INSERT INTO report_window_delta (day, "window", platform, rubric, kecamatan, snapshots, failures, reach, views, likes,
                                      comments, shares, saves, engagement)
     SELECT l.slot_day, x.w, l.platform, l.rubric, l.kecamatan, sign * sum(x.snapshots), sign * sum(x.failures), sign * sum(x.reach),
            sign * sum(x.views), sign * sum(x.likes), sign * sum(x.comments), sign * sum(x.shares), sign * sum(x.saves), sign * sum(x.engagement)
       FROM (${WINDOW_PARTS('l.publication_id')}) x
      WHERE l.status = 'published'
      GROUP BY x.w
   $$`,

  `CREATE FUNCTION report_window_add(l publication_metrics_latest, w text, snapshots int, failures int, s metric_snapshot) RETURNS void LANGUAGE sql AS $$
     INSERT INTO report_window_delta (day, "window", platform, rubric, kecamatan, snapshots, failures, reach, views, likes,
                                      comments, shares, saves, engagement)
     SELECT l.slot_day, w, l.platform, l.rubric, l.kecamatan, snapshots, failures, snapshots * coalesce(s.reach, 0),
            snapshots * coalesce(s.views, 0), snapshots * coalesce(s.likes, 0), snapshots * coalesce(s.comments, 0),
            snapshots * coalesce(s.shares, 0), snapshots * coalesce(s.saves, 0), snapshots * coalesce(s.engagement, 0)
      WHERE l.status = 'published'
   $$`,

  // A snapshot or failure changes its window's rows by its own delta, then the publication's latest row.
  `CREATE FUNCTION report_on_snapshot() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE
     l publication_metrics_latest;
     none metric_snapshot;
     snap int := CASE WHEN TG_TABLE_NAME = 'metric_snapshot' THEN 1 ELSE 0 END;
   BEGIN
     SELECT * INTO l FROM publication_metrics_latest
      WHERE publication_id = CASE WHEN TG_OP = 'DELETE' THEN OLD.publication_id ELSE NEW.publication_id END FOR UPDATE;
     -- Separate statements per table: OLD and NEW have the row type of the table that fired.
     IF FOUND AND snap = 1 THEN
       IF TG_OP <> 'INSERT' THEN PERFORM report_window_add(l, OLD."window", -1, 0, OLD); END IF;
       IF TG_OP <> 'DELETE' THEN PERFORM report_window_add(l, NEW."window", 1, 0, NEW); END IF;
     ELSIF FOUND THEN
       IF TG_OP <> 'INSERT' THEN PERFORM report_window_add(l, OLD."window", 0, -1, none); END IF;
       IF TG_OP <> 'DELETE' THEN PERFORM report_window_add(l, NEW."window", 0, 1, none); END IF;
     END IF;
     PERFORM report_refresh_publication(CASE WHEN TG_OP = 'DELETE' THEN OLD.publication_id ELSE NEW.publication_id END);
     RETURN NULL;
   END $$`,

  `CREATE FUNCTION report_on_feature() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'UPDATE' AND (NEW.business_id, NEW.rubric) IS DISTINCT FROM (OLD.business_id, OLD.rubric) THEN
       PERFORM report_refresh_publication(p.id) FROM publication p WHERE p.feature_id = NEW.id;
     END IF;
     PERFORM report_refresh_feature(NEW.id);
     RETURN NULL;
   END $$`,

  `CREATE FUNCTION report_on_business() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF NEW.kecamatan IS DISTINCT FROM OLD.kecamatan THEN
       PERFORM report_refresh_publication(p.id) FROM publication p JOIN feature f ON f.id = p.feature_id WHERE f.business_id = NEW.id;
       PERFORM report_refresh_feature(f.id) FROM feature f WHERE f.business_id = NEW.id;
     END IF;
     RETURN NULL;
   END $$`,

  // Folds the deltas into the sums, one compactor at a time. Readers add pending deltas, so this changes no number.
  `CREATE FUNCTION report_compact() RETURNS int LANGUAGE plpgsql AS $$
   DECLARE moved int := 0;
   BEGIN
     IF NOT pg_try_advisory_xact_lock(hashtext('report_compact')) THEN RETURN 0; END IF;
     WITH gone AS (DELETE FROM report_daily_delta RETURNING *),
          agg AS (SELECT day, platform, rubric, kecamatan, status, sum(publications) AS publications, sum(with_metrics) AS with_metrics,
                         sum(collection_failed) AS collection_failed, sum(reach) AS reach, sum(views) AS views, sum(likes) AS likes,
                         sum(comments) AS comments, sum(shares) AS shares, sum(saves) AS saves, sum(engagement) AS engagement, count(*) AS n
                    FROM gone GROUP BY 1, 2, 3, 4, 5),
          daily AS (INSERT INTO report_daily AS d
                    SELECT day, platform, rubric, kecamatan, status, publications, with_metrics, collection_failed, reach, views, likes,
                           comments, shares, saves, engagement FROM agg
                    ON CONFLICT (day, platform, rubric, kecamatan, status) DO UPDATE SET ${DAILY_SUMS})
     INSERT INTO report_monthly AS d
     SELECT date_trunc('month', day)::date, platform, rubric, kecamatan, status, sum(publications), sum(with_metrics), sum(collection_failed),
            sum(reach), sum(views), sum(likes), sum(comments), sum(shares), sum(saves), sum(engagement)
       FROM agg GROUP BY 1, 2, 3, 4, 5
     ON CONFLICT (day, platform, rubric, kecamatan, status) DO UPDATE SET ${DAILY_SUMS};
     GET DIAGNOSTICS moved = ROW_COUNT;
     WITH gone AS (DELETE FROM report_window_delta RETURNING *)
     INSERT INTO report_window_daily AS d
     SELECT day, "window", platform, rubric, kecamatan, sum(snapshots), sum(failures), sum(reach), sum(views), sum(likes),
            sum(comments), sum(shares), sum(saves), sum(engagement)
       FROM gone GROUP BY 1, 2, 3, 4, 5
     ON CONFLICT (day, "window", platform, rubric, kecamatan) DO UPDATE SET ${WINDOW_SUMS};
     RETURN moved;
   END $$`,

  // Rebuilds every report table from the raw rows in bulk (migration, bulk loads); row triggers stay quiet meanwhile.
  `CREATE FUNCTION report_rebuild() RETURNS void LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM set_config('report.rebuilding', 'on', true);
     TRUNCATE report_daily, report_monthly, report_window_daily, report_daily_delta, report_window_delta, feature_featured, publication_metrics_latest;
     INSERT INTO publication_metrics_latest (publication_id, ${LATEST_COLUMNS})
     ${LATEST_FROM_RAW};
     INSERT INTO report_daily (day, platform, rubric, kecamatan, status, publications, with_metrics, collection_failed,
                               reach, views, likes, comments, shares, saves, engagement)
     SELECT slot_day, platform, rubric, kecamatan, status, count(*), count("window"), count(failure_reason),
            coalesce(sum(reach), 0), coalesce(sum(views), 0), coalesce(sum(likes), 0), coalesce(sum(comments), 0),
            coalesce(sum(shares), 0), coalesce(sum(saves), 0), coalesce(sum(engagement), 0)
       FROM publication_metrics_latest GROUP BY 1, 2, 3, 4, 5;
     INSERT INTO report_monthly
     SELECT date_trunc('month', day)::date, platform, rubric, kecamatan, status, sum(publications), sum(with_metrics), sum(collection_failed),
            sum(reach), sum(views), sum(likes), sum(comments), sum(shares), sum(saves), sum(engagement)
       FROM report_daily GROUP BY 1, 2, 3, 4, 5;
     INSERT INTO report_window_daily
     SELECT l.slot_day, x.w, l.platform, l.rubric, l.kecamatan, sum(x.snapshots), sum(x.failures), sum(x.reach), sum(x.views),
            sum(x.likes), sum(x.comments), sum(x.shares), sum(x.saves), sum(x.engagement)
       FROM publication_metrics_latest l JOIN (${WINDOW_PARTS(null)}) x ON x.publication_id = l.publication_id
      WHERE l.status = 'published'
      GROUP BY 1, 2, 3, 4, 5;
     ${FEATURED_FROM_LATEST};
     PERFORM set_config('report.rebuilding', 'off', true);
   END $$`,
];

export const REPORT_TRIGGERS_SQL: readonly string[] = [
  `CREATE TRIGGER report_latest_trg AFTER INSERT OR UPDATE OR DELETE ON publication_metrics_latest
     FOR EACH ROW EXECUTE FUNCTION report_on_latest()`,
  `CREATE TRIGGER report_publication_trg AFTER INSERT OR UPDATE OF status, scheduled_at, feature_id ON publication
     FOR EACH ROW EXECUTE FUNCTION report_on_publication()`,
  `CREATE TRIGGER report_snapshot_trg AFTER INSERT OR UPDATE OR DELETE ON metric_snapshot
     FOR EACH ROW EXECUTE FUNCTION report_on_snapshot()`,
  `CREATE TRIGGER report_failure_trg AFTER INSERT OR UPDATE OR DELETE ON metric_collection_failure
     FOR EACH ROW EXECUTE FUNCTION report_on_snapshot()`,
  `CREATE TRIGGER report_feature_trg AFTER INSERT OR UPDATE OF status, business_id, rubric, chosen_by, week_start ON feature
     FOR EACH ROW EXECUTE FUNCTION report_on_feature()`,
  `CREATE TRIGGER report_business_trg AFTER UPDATE OF kecamatan ON business
     FOR EACH ROW EXECUTE FUNCTION report_on_business()`,
];
