/* fw-cache-migrations.c — the cache's schema, one step per version
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Never edit a step that has shipped: add the next one. Each step runs in
 * its own transaction together with the PRAGMA user_version that records
 * it, so a cache is always at exactly one version.
 *
 * Every synced table shares the same bookkeeping columns:
 *   id          this cache's row id; never leaves the machine
 *   uuid        made by whoever created the record, so an offline record is
 *               the same record everywhere
 *   revision    the server's revision of the record, 0 until it has one
 *   created_at, updated_at   seconds since the epoch, UTC
 *   deleted     a tombstone: deletes travel through sync like edits
 */

#include "config.h"

#include "fw-cache-private.h"

static const char migration_1[] =
  "CREATE TABLE farms ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  revision INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
  "  name TEXT NOT NULL,"
  "  timezone TEXT NOT NULL DEFAULT 'UTC'"
  ");"
  "CREATE TABLE sites ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  revision INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
  "  farm_id INTEGER NOT NULL REFERENCES farms (id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL"
  ");"
  "CREATE INDEX sites_farm ON sites (farm_id);"
  "CREATE TABLE units ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  revision INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
  "  site_id INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('pond', 'tank', 'cage', 'raceway')),"
  "  area_m2 REAL NOT NULL DEFAULT 0 CHECK (area_m2 >= 0),"
  "  volume_m3 REAL NOT NULL DEFAULT 0 CHECK (volume_m3 >= 0),"
  "  species TEXT NOT NULL DEFAULT ''"
  ");"
  "CREATE INDEX units_site ON units (site_id);"
  "CREATE TABLE sensors ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  revision INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
  "  unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,"
  "  parameter TEXT NOT NULL,"
  "  unit_of_measure TEXT NOT NULL,"
  "  interval_s INTEGER NOT NULL CHECK (interval_s > 0)"
  ");"
  "CREATE INDEX sensors_unit ON sensors (unit_id);"
  /* Years of minute readings per sensor: no rowid, the key is the order
   * every query reads in, and the sensor is this cache's small integer. */
  "CREATE TABLE readings ("
  "  sensor_id INTEGER NOT NULL REFERENCES sensors (id) ON DELETE CASCADE,"
  "  t INTEGER NOT NULL,"
  "  value REAL NOT NULL,"
  "  PRIMARY KEY (sensor_id, t)"
  ") WITHOUT ROWID;";

static const char migration_2[] =
  "CREATE TABLE users ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  revision INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
  "  username TEXT NOT NULL UNIQUE,"
  "  display_name TEXT NOT NULL DEFAULT '',"
  "  role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'worker'))"
  ");"
  "CREATE TABLE user_farms ("
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  farm_id INTEGER NOT NULL REFERENCES farms (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (user_id, farm_id)"
  ") WITHOUT ROWID;"
  /* The kind decides what the JSON payload holds; the wire format of each
   * kind lives beside the logbook code, not in the schema. */
  "CREATE TABLE logbook_entries ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  revision INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
  "  unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,"
  "  kind TEXT NOT NULL CHECK (kind IN ('feeding', 'mortality', 'water_sample',"
  "    'observation', 'treatment', 'stocking', 'weight_sample', 'harvest', 'transfer')),"
  "  occurred_at INTEGER NOT NULL,"
  "  author_uuid TEXT,"
  "  payload TEXT NOT NULL DEFAULT '{}' CHECK (json_valid (payload))"
  ");"
  "CREATE INDEX logbook_unit_time ON logbook_entries (unit_id, occurred_at);"
  "CREATE INDEX logbook_time ON logbook_entries (occurred_at);"
  /* A rule with a NULL unit applies to the whole farm. */
  "CREATE TABLE alert_rules ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  revision INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
  "  farm_id INTEGER NOT NULL REFERENCES farms (id) ON DELETE CASCADE,"
  "  unit_id INTEGER REFERENCES units (id) ON DELETE CASCADE,"
  "  parameter TEXT NOT NULL,"
  "  kind TEXT NOT NULL DEFAULT 'limits',"
  "  critical_low REAL, warning_low REAL, warning_high REAL, critical_high REAL,"
  "  hysteresis REAL NOT NULL DEFAULT 0 CHECK (hysteresis >= 0),"
  "  min_duration_s INTEGER NOT NULL DEFAULT 0 CHECK (min_duration_s >= 0),"
  "  silent_after_intervals INTEGER NOT NULL DEFAULT 3,"
  "  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),"
  "  settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid (settings))"
  ");"
  "CREATE INDEX alert_rules_farm ON alert_rules (farm_id);"
  "CREATE TABLE alerts ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  revision INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
  "  rule_id INTEGER REFERENCES alert_rules (id) ON DELETE SET NULL,"
  "  unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,"
  "  sensor_id INTEGER REFERENCES sensors (id) ON DELETE SET NULL,"
  "  severity TEXT NOT NULL CHECK (severity IN ('warning', 'critical')),"
  "  state TEXT NOT NULL CHECK (state IN ('firing', 'acknowledged', 'resolved')),"
  "  reason TEXT NOT NULL DEFAULT '',"
  "  started_at INTEGER NOT NULL,"
  "  acknowledged_at INTEGER,"
  "  acknowledged_by TEXT,"
  "  acknowledge_note TEXT,"
  "  resolved_at INTEGER,"
  "  raised_offline INTEGER NOT NULL DEFAULT 0 CHECK (raised_offline IN (0, 1))"
  ");"
  "CREATE INDEX alerts_unit_state ON alerts (unit_id, state);"
  /* Local changes waiting for the server. A change and its outbox row are
   * written in one transaction; the mutation id makes a push idempotent. */
  "CREATE TABLE outbox ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  mutation_id TEXT NOT NULL UNIQUE,"
  "  entity TEXT NOT NULL,"
  "  record_uuid TEXT NOT NULL,"
  "  op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),"
  "  base_revision INTEGER NOT NULL DEFAULT 0,"
  "  payload TEXT NOT NULL CHECK (json_valid (payload)),"
  "  created_at INTEGER NOT NULL,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'rejected', 'conflict')),"
  "  error TEXT"
  ");"
  "CREATE INDEX outbox_state ON outbox (state, seq);"
  /* Both sides of a conflict are kept until the user chooses. */
  "CREATE TABLE conflicts ("
  "  id INTEGER PRIMARY KEY,"
  "  entity TEXT NOT NULL,"
  "  record_uuid TEXT NOT NULL,"
  "  local_payload TEXT NOT NULL,"
  "  server_payload TEXT NOT NULL,"
  "  server_revision INTEGER NOT NULL,"
  "  detected_at INTEGER NOT NULL,"
  "  resolved_at INTEGER"
  ");"
  /* Cursor, last success, server identity: small values, read rarely. */
  "CREATE TABLE sync_state ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ") WITHOUT ROWID;";

/* Records a pull delivered before the record they belong to: a parent
 * edited after its child was made comes later in revision order. They
 * wait here, saved with the page and its cursor, until the parent comes. */
static const char migration_3[] =
  "CREATE TABLE waiting_records ("
  "  uuid TEXT PRIMARY KEY,"
  "  entity TEXT NOT NULL,"
  "  parent_uuid TEXT NOT NULL,"
  "  payload TEXT NOT NULL"
  ") WITHOUT ROWID;"
  "CREATE INDEX waiting_records_parent ON waiting_records (parent_uuid);";

/* Raw readings older than the kept history, folded into one row per
 * sensor and hour: charts over months stay possible in a small cache. */
static const char migration_4[] =
  "CREATE TABLE reading_rollups ("
  "  sensor_id INTEGER NOT NULL REFERENCES sensors (id) ON DELETE CASCADE,"
  "  hour INTEGER NOT NULL,"
  "  lowest REAL NOT NULL,"
  "  highest REAL NOT NULL,"
  "  total REAL NOT NULL,"
  "  count INTEGER NOT NULL CHECK (count > 0),"
  "  PRIMARY KEY (sensor_id, hour)"
  ") WITHOUT ROWID;";

/* The records a full download (after the server refused the cursor) has
 * brought so far, saved with each page, so that a download cut short goes
 * on where it stopped and what it never brought can be retired. */
static const char migration_5[] =
  "CREATE TABLE resync_seen ("
  "  uuid TEXT PRIMARY KEY"
  ") WITHOUT ROWID;";

/* Every reading summed up per hour and per UTC day, kept up to date on
 * every insert, so that a chart of any range reads about as many rows as
 * it has pixels. Raw rows before the folding point are gone; their
 * summaries stay. */
static const char migration_6[] =
  "CREATE TABLE reading_summaries ("
  "  sensor_id INTEGER NOT NULL REFERENCES sensors (id) ON DELETE CASCADE,"
  "  span INTEGER NOT NULL CHECK (span IN (3600, 86400)),"
  "  start INTEGER NOT NULL,"
  "  lowest REAL NOT NULL,"
  "  highest REAL NOT NULL,"
  "  total REAL NOT NULL,"
  "  count INTEGER NOT NULL CHECK (count > 0),"
  "  PRIMARY KEY (sensor_id, span, start)"
  ") WITHOUT ROWID;"
  "INSERT INTO sync_state (key, value) "
  "  SELECT 'readings-folded-before', max (hour) + 3600 FROM reading_rollups HAVING count (*) > 0;"
  /* Migration 4 let a late reading for a folded hour stay raw until the
   * next fold; such a reading is folded now. With nothing folded the
   * bound is NULL and nothing moves. Hours and days start at the floor
   * of a time, before 1970 too. */
  "INSERT INTO reading_rollups (sensor_id, hour, lowest, highest, total, count) "
  "  SELECT sensor_id, t - ((t % 3600) + 3600) % 3600, min (value), max (value), sum (value), count (*) "
  "  FROM readings WHERE t < (SELECT max (hour) + 3600 FROM reading_rollups) GROUP BY 1, 2 "
  "  ON CONFLICT (sensor_id, hour) DO UPDATE SET "
  "  lowest = min (lowest, excluded.lowest), highest = max (highest, excluded.highest), "
  "  total = total + excluded.total, count = count + excluded.count;"
  "DELETE FROM readings WHERE t < (SELECT max (hour) + 3600 FROM reading_rollups);"
  "INSERT INTO reading_summaries "
  "  SELECT sensor_id, 3600, hour, lowest, highest, total, count FROM reading_rollups;"
  "INSERT INTO reading_summaries "
  "  SELECT sensor_id, 3600, t - ((t % 3600) + 3600) % 3600, min (value), max (value), sum (value), count (*) "
  "  FROM readings GROUP BY 1, 3;"
  "INSERT INTO reading_summaries "
  "  SELECT sensor_id, 86400, start - ((start % 86400) + 86400) % 86400, "
  "         min (lowest), max (highest), sum (total), sum (count) "
  "  FROM reading_summaries WHERE span = 3600 GROUP BY 1, 3;"
  "DROP TABLE reading_rollups;";

/* Alerts and their rules, as they travel: the wire form is kept whole in
 * body, and the columns that lists filter and sort by beside it. The
 * tables of migration 1 were never written to. */
static const char migration_7[] =
  "DROP TABLE alerts;"
  "DROP TABLE alert_rules;"
  "CREATE TABLE alert_rules ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  revision INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
  "  farm_id INTEGER NOT NULL REFERENCES farms (id) ON DELETE CASCADE,"
  "  unit_uuid TEXT,"
  "  kind TEXT NOT NULL CHECK (kind IN ('limits', 'maintenance')),"
  "  body TEXT NOT NULL CHECK (json_valid (body))"
  ");"
  "CREATE INDEX alert_rules_farm ON alert_rules (farm_id);"
  "CREATE TABLE alerts ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  revision INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
  "  unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,"
  "  severity TEXT NOT NULL CHECK (severity IN ('warning', 'critical')),"
  "  state TEXT NOT NULL CHECK (state IN ('firing', 'acknowledged', 'resolved')),"
  "  started_at INTEGER NOT NULL,"
  "  body TEXT NOT NULL CHECK (json_valid (body))"
  ");"
  "CREATE INDEX alerts_state ON alerts (state, started_at);"
  "CREATE INDEX alerts_unit ON alerts (unit_id, started_at);";

const char * const fw_cache_migrations[] = {
  migration_1,
  migration_2,
  migration_3,
  migration_4,
  migration_5,
  migration_6,
  migration_7,
};

const guint fw_cache_n_migrations = G_N_ELEMENTS (fw_cache_migrations);
