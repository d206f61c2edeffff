/* fw-demo.c — Willow Creek, a demo farm whose water behaves like water
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every reading is a pure function of the sensor and the time (see
 * fw-pond-model.c for the physics): the same farm comes out on every
 * machine, and topping the history up to "now" later continues it without
 * a seam. Here live only the farm's layout and the writing to the cache.
 *
 * Earthen ponds hold channel catfish, recirculating tanks Nile tilapia and
 * spring-fed raceways rainbow trout; probes drop out now and then for a
 * few hours, so the history has real gaps.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fw-alert.h"
#include "fw-demo.h"
#include "fw-pond-model.h"

typedef struct
{
  const char *site;
  const char *name;
  FwUnitKind  kind;       /* which also says how its water behaves */
  double      area;       /* m² */
  double      volume;     /* m³ */
  const char *species;
  double      load;       /* stocking and feeding pressure, 1 = typical */
} DemoUnit;

static const DemoUnit demo_units[] = {
  { "North Ponds", "Pond 1", FW_UNIT_KIND_POND, 40000, 52000, "channel_catfish", 0.85 },
  { "North Ponds", "Pond 2", FW_UNIT_KIND_POND, 36000, 46800, "channel_catfish", 1.00 },
  { "North Ponds", "Pond 3", FW_UNIT_KIND_POND, 52000, 67600, "channel_catfish", 0.95 },
  { "North Ponds", "Pond 4", FW_UNIT_KIND_POND, 30000, 39000, "channel_catfish", 1.35 },
  { "North Ponds", "Pond 5", FW_UNIT_KIND_POND, 44000, 57200, "channel_catfish", 1.10 },
  { "North Ponds", "Pond 6", FW_UNIT_KIND_POND, 25000, 32500, "channel_catfish", 0.75 },
  { "Hatchery Hall", "Tank A1", FW_UNIT_KIND_TANK, 12.6, 20, "nile_tilapia", 1.0 },
  { "Hatchery Hall", "Tank A2", FW_UNIT_KIND_TANK, 12.6, 20, "nile_tilapia", 1.1 },
  { "Hatchery Hall", "Tank B1", FW_UNIT_KIND_TANK, 19.6, 32, "nile_tilapia", 0.9 },
  { "Hatchery Hall", "Tank B2", FW_UNIT_KIND_TANK, 19.6, 32, "nile_tilapia", 1.2 },
  { "Spring Raceways", "Raceway 1", FW_UNIT_KIND_RACEWAY, 90, 81, "rainbow_trout", 1.0 },
  { "Spring Raceways", "Raceway 2", FW_UNIT_KIND_RACEWAY, 90, 81, "rainbow_trout", 1.1 },
  { "Spring Raceways", "Raceway 3", FW_UNIT_KIND_RACEWAY, 90, 81, "rainbow_trout", 0.9 },
};

static const FwParameter pond_parameters[] = {
  FW_PARAMETER_TEMPERATURE, FW_PARAMETER_DISSOLVED_OXYGEN, FW_PARAMETER_PH, FW_PARAMETER_TOTAL_AMMONIA,
};
static const FwParameter raceway_parameters[] = {
  FW_PARAMETER_TEMPERATURE, FW_PARAMETER_DISSOLVED_OXYGEN, FW_PARAMETER_PH,
};

#define DEMO_INTERVAL FW_POND_DEFAULT_INTERVAL
/* The pond model's sun is highest around 18:00 UTC, as near 90° W: the
 * farm keeps Chicago's clocks. */
#define DEMO_TIMEZONE "America/Chicago"

typedef struct
{
  const DemoUnit *unit;
  guint           unit_index;
  FwParameter     parameter;
  FwPondSpec      spec;
} DemoSensor;

static guint
n_parameters (const DemoUnit  *unit,
              const FwParameter **parameters)
{
  if (unit->kind == FW_UNIT_KIND_RACEWAY)
    {
      *parameters = raceway_parameters;
      return G_N_ELEMENTS (raceway_parameters);
    }

  *parameters = pond_parameters;
  return G_N_ELEMENTS (pond_parameters);
}

guint
fw_demo_get_n_units (void)
{
  return G_N_ELEMENTS (demo_units);
}

guint
fw_demo_get_n_sensors (void)
{
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (demo_units); i++)
    {
      const FwParameter *parameters;

      n += n_parameters (&demo_units[i], &parameters);
    }

  return n;
}

/* A stable uuid for each demo record, so that populating twice updates the
 * same records instead of making a second farm. */
static char *
demo_uuid (const char *a,
           const char *b)
{
  guint64 h1 = fw_pond_mix (fw_pond_seed_for (a, b));
  guint64 h2 = fw_pond_mix (h1);

  return g_strdup_printf ("%08x-%04x-4%03x-8%03x-%012" G_GINT64_MODIFIER "x",
                          (guint) (h1 >> 32), (guint) (h1 >> 16) & 0xffff,
                          (guint) h1 & 0xfff, (guint) (h2 >> 48) & 0xfff,
                          h2 & G_GUINT64_CONSTANT (0xffffffffffff));
}

/* Adds a unit and its sensors to @records, and the sensors' physics to
 * @specs when given. */
static void
add_unit (GPtrArray      *records,
          GArray         *specs,
          const DemoUnit *spec,
          guint           index,
          const char     *site_uuid,
          const char     *unit_uuid)
{
  const FwParameter *parameters;
  guint n = n_parameters (spec, &parameters);

  g_ptr_array_add (records, g_object_new (FW_TYPE_UNIT,
                                          "uuid", unit_uuid,
                                          "site-uuid", site_uuid,
                                          "name", spec->name,
                                          "kind", spec->kind,
                                          "area", spec->area,
                                          "volume", spec->volume,
                                          "species", spec->species,
                                          NULL));

  for (guint p = 0; p < n; p++)
    {
      g_autofree char *sensor_uuid = demo_uuid (unit_uuid, fw_parameter_to_id (parameters[p]));
      DemoSensor demo = {
        spec, index, parameters[p],
        {
          fw_pond_regime_for_kind (spec->kind), spec->load,
          fw_pond_seed_for (sensor_uuid, "demo"), DEMO_INTERVAL,
        },
      };

      g_ptr_array_add (records, g_object_new (FW_TYPE_SENSOR,
                                              "uuid", sensor_uuid,
                                              "unit-uuid", unit_uuid,
                                              "parameter", parameters[p],
                                              "interval", DEMO_INTERVAL,
                                              NULL));
      if (specs != NULL)
        g_array_append_val (specs, demo);
    }
}

static GPtrArray *
build_model (guint   extra_units,
             GArray *specs)
{
  GPtrArray *records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) sites = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  /* The extra ponds share one static description; only names differ. */
  static const DemoUnit load_pond = {
    "Load Test Ponds", NULL, FW_UNIT_KIND_POND, 40000, 52000, "channel_catfish", 1.0,
  };

  g_ptr_array_add (records, g_object_new (FW_TYPE_FARM,
                                          "uuid", FW_DEMO_FARM_UUID,
                                          "name", "Willow Creek Fish Farm",
                                          "timezone", DEMO_TIMEZONE,
                                          NULL));

  for (guint i = 0; i < G_N_ELEMENTS (demo_units) + extra_units; i++)
    {
      const DemoUnit *spec = i < G_N_ELEMENTS (demo_units) ? &demo_units[i] : &load_pond;
      g_autofree char *name = NULL;
      g_autofree char *unit_uuid = NULL;
      const char *site_uuid = g_hash_table_lookup (sites, spec->site);
      DemoUnit named;

      if (site_uuid == NULL)
        {
          char *uuid = demo_uuid ("site", spec->site);

          g_hash_table_insert (sites, (gpointer) spec->site, uuid);
          site_uuid = uuid;
          g_ptr_array_add (records, g_object_new (FW_TYPE_SITE,
                                                  "uuid", uuid,
                                                  "farm-uuid", FW_DEMO_FARM_UUID,
                                                  "name", spec->site,
                                                  NULL));
        }

      if (spec == &load_pond)
        {
          name = g_strdup_printf ("Load Pond %u", (guint) (i - G_N_ELEMENTS (demo_units) + 1));
          named = *spec;
          named.name = name;
          spec = &named;
        }

      unit_uuid = demo_uuid (spec->site, spec->name);
      add_unit (records, specs, spec, i, site_uuid, unit_uuid);
    }

  return records;
}

/**
 * fw_demo_build_records:
 * @extra_units: more ponds, four sensors each, beyond the demo farm's own
 *   (for load tests)
 *
 * The demo farm as records with their stable uuids, parents first: the
 * farm, then each site before its units and each unit before its sensors.
 * What a server seeds its store with.
 *
 * Returns: (transfer container) (element-type FwRecord): the records
 */
GPtrArray *
fw_demo_build_records (guint extra_units)
{
  return build_model (extra_units, NULL);
}

typedef struct
{
  GPtrArray *sensors;   /* FwSensor, parallel to specs */
  GArray    *specs;     /* DemoSensor */
} DemoModel;

static gboolean
save_model_cb (FwCache  *cache,
               gpointer  user_data,
               GError  **error)
{
  DemoModel *model = user_data;
  g_autoptr(GPtrArray) records = build_model (0, model->specs);

  for (guint i = 0; i < records->len; i++)
    {
      FwRecord *record = g_ptr_array_index (records, i);

      if (!fw_cache_save_record (cache, record, error))
        return FALSE;

      if (FW_IS_SENSOR (record))
        g_ptr_array_add (model->sensors, g_object_ref (record));
    }

  return TRUE;
}

static gboolean
raise_alerts (FwCache          *cache,
              FwSensor         *sensor,
              const DemoSensor *spec,
              GArray           *readings,
              GError          **error)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier (DEMO_TIMEZONE);
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (FwAlertEvent));
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(FwAlertWatch) watch = NULL;
  FwAlert *open[FW_N_ALERT_CONDITIONS] = { NULL, };
  FwAlertSettings settings;
  gboolean ok = TRUE;

  if (zone == NULL)
    zone = g_time_zone_new_utc ();

  fw_alert_settings_get_default (spec->unit->species, spec->parameter, &settings);
  watch = fw_alert_watch_new (spec->parameter, DEMO_INTERVAL, &settings, zone);

  for (guint i = 0; i < readings->len; i++)
    {
      const FwReading *reading = &g_array_index (readings, FwReading, i);

      fw_alert_watch_add (watch, reading->time, reading->value, events);
    }

  fw_alert_apply_events (open, fw_sensor_get_unit_uuid (sensor), fw_record_get_uuid (FW_RECORD (sensor)),
                         spec->parameter, events, FALSE, changed);
  for (guint c = 0; c < FW_N_ALERT_CONDITIONS; c++)
    g_clear_object (&open[c]);

  /* Each alert's last state is what counts: save them newest last. */
  for (guint i = 0; ok && i < changed->len; i++)
    ok = fw_cache_save_record (cache, g_ptr_array_index (changed, i), error);

  return ok;
}

/**
 * fw_demo_populate:
 * @now: the end of the history
 * @days: how much history each sensor has, at 5-minute intervals
 * @progress: (nullable): told how far the work has come
 *
 * Writes the demo farm into @cache, or brings the history of a demo farm
 * already there up to @now. Each sensor's history is committed whole, so a
 * cancelled run leaves a consistent cache that a later run completes.
 */
gboolean
fw_demo_populate (FwCache         *cache,
                  FwTime           now,
                  guint            days,
                  FwProgressFunc   progress,
                  gpointer         progress_data,
                  GCancellable    *cancellable,
                  GError         **error)
{
  DemoModel model;
  g_autoptr(GPtrArray) sensors = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) specs = g_array_new (FALSE, FALSE, sizeof (DemoSensor));
  g_autoptr(GArray) batch = g_array_new (FALSE, FALSE, sizeof (FwReading));
  FwTime end = now - now % DEMO_INTERVAL;
  FwTime first = end - (FwTime) days * 86400;

  g_return_val_if_fail (FW_IS_CACHE (cache), FALSE);
  g_return_val_if_fail (days > 0, FALSE);

  model.sensors = sensors;
  model.specs = specs;

  if (!fw_cache_run_in_transaction (cache, save_model_cb, &model, error))
    return FALSE;

  for (guint i = 0; i < sensors->len; i++)
    {
      FwSensor *sensor = g_ptr_array_index (sensors, i);
      const DemoSensor *spec = &g_array_index (specs, DemoSensor, i);
      gint64 sensor_id = fw_record_get_id (FW_RECORD (sensor));
      FwReading latest;
      FwTime start;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (!fw_cache_get_latest_reading (cache, sensor_id, &latest, error))
        return FALSE;

      start = MAX (first, latest.time + DEMO_INTERVAL);

      g_array_set_size (batch, 0);
      for (FwTime t = start; t <= end; t += DEMO_INTERVAL)
        {
          FwReading reading = { t, 0.0 };

          if (fw_pond_model_missing (&spec->spec, t))
            continue;

          reading.value = fw_pond_model_value (&spec->spec, spec->parameter, t);
          g_array_append_val (batch, reading);
        }

      if (!fw_cache_insert_readings (cache, sensor_id, (FwReading *) batch->data, batch->len, error))
        return FALSE;

      /* A fresh history gets the alerts a server would have raised from
       * it, by the same evaluator, so the demo farm has a past. */
      if (start == first && !raise_alerts (cache, sensor, spec, batch, error))
        return FALSE;

      if (progress != NULL)
        progress ((double) (i + 1) / sensors->len, progress_data);
    }

  return TRUE;
}

typedef struct
{
  FwTime          now;
  guint           days;
  FwProgressFunc  progress;
  gpointer        progress_data;
  GDestroyNotify  progress_destroy;
} PopulateData;

static void
populate_data_free (PopulateData *data)
{
  if (data->progress_destroy != NULL)
    data->progress_destroy (data->progress_data);
  g_free (data);
}

typedef struct
{
  GTask  *task;
  double  fraction;
} ProgressReport;

static gboolean
report_progress_cb (gpointer user_data)
{
  ProgressReport *report = user_data;
  PopulateData *data = g_task_get_task_data (report->task);

  data->progress (report->fraction, data->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_report_free (ProgressReport *report)
{
  g_object_unref (report->task);
  g_free (report);
}

/* Runs in the worker: hand the number to the thread that asked. */
static void
populate_progress_cb (double   fraction,
                      gpointer user_data)
{
  GTask *task = user_data;
  ProgressReport *report = g_new0 (ProgressReport, 1);

  report->task = g_object_ref (task);
  report->fraction = fraction;
  g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT,
                              report_progress_cb, report,
                              (GDestroyNotify) progress_report_free);
}

static void
populate_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  PopulateData *data = task_data;
  GError *error = NULL;

  if (fw_demo_populate (source_object, data->now, data->days,
                        data->progress != NULL ? populate_progress_cb : NULL, task,
                        cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * fw_demo_populate_async:
 * @progress: (nullable): called in the caller's main context
 *
 * fw_demo_populate() in a worker thread.
 */
void
fw_demo_populate_async (FwCache             *cache,
                        FwTime               now,
                        guint                days,
                        FwProgressFunc       progress,
                        gpointer             progress_data,
                        GDestroyNotify       progress_destroy,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PopulateData *data;

  g_return_if_fail (FW_IS_CACHE (cache));
  g_return_if_fail (days > 0);

  data = g_new0 (PopulateData, 1);
  data->now = now;
  data->days = days;
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_destroy = progress_destroy;

  task = g_task_new (cache, cancellable, callback, user_data);
  g_task_set_source_tag (task, fw_demo_populate_async);
  g_task_set_task_data (task, data, (GDestroyNotify) populate_data_free);
  g_task_run_in_thread (task, populate_thread);
}

gboolean
fw_demo_populate_finish (FwCache       *cache,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, cache), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fw_demo_populate_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
