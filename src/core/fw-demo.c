/* fw-demo.c — Willow Creek, a demo farm whose water behaves like water
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every reading is a pure function of the sensor and the time: the same
 * farm comes out on every machine, and topping the history up to "now"
 * later continues it without a seam.
 *
 * The physics is deliberately simple but has the shapes a farmer knows:
 * - earthen ponds (channel catfish): water temperature follows the season
 *   and the weather with an afternoon peak; algae push dissolved oxygen
 *   above saturation by mid-afternoon on a sunny day and respiration draws
 *   it down overnight to a low at dawn, lowest after a cloudy day in a
 *   heavily stocked pond, where aerators then hold it up; pH rises and
 *   falls with photosynthesis (CO₂ uptake);
 * - recirculating tanks (Nile tilapia): heated water, oxygen injected to a
 *   set point with dips after each feed, pH drifting down between weekly
 *   bicarbonate doses, ammonia peaking a few hours after feeding;
 * - spring-fed raceways (rainbow trout): cold, steady water near oxygen
 *   saturation.
 * Probes drop out now and then for a few hours: the history has real gaps.
 */

#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "fw-demo.h"

typedef enum
{
  REGIME_POND,
  REGIME_TANK,
  REGIME_RACEWAY,
} Regime;

typedef struct
{
  const char *site;
  const char *name;
  FwUnitKind  kind;
  double      area;     /* m² */
  double      volume;   /* m³ */
  const char *species;
  Regime      regime;
  double      load;     /* stocking and feeding pressure, 1 = typical */
} DemoUnit;

static const DemoUnit demo_units[] = {
  { "North Ponds", "Pond 1", FW_UNIT_KIND_POND, 40000, 52000, "channel_catfish", REGIME_POND, 0.85 },
  { "North Ponds", "Pond 2", FW_UNIT_KIND_POND, 36000, 46800, "channel_catfish", REGIME_POND, 1.00 },
  { "North Ponds", "Pond 3", FW_UNIT_KIND_POND, 52000, 67600, "channel_catfish", REGIME_POND, 0.95 },
  { "North Ponds", "Pond 4", FW_UNIT_KIND_POND, 30000, 39000, "channel_catfish", REGIME_POND, 1.35 },
  { "North Ponds", "Pond 5", FW_UNIT_KIND_POND, 44000, 57200, "channel_catfish", REGIME_POND, 1.10 },
  { "North Ponds", "Pond 6", FW_UNIT_KIND_POND, 25000, 32500, "channel_catfish", REGIME_POND, 0.75 },
  { "Hatchery Hall", "Tank A1", FW_UNIT_KIND_TANK, 12.6, 20, "nile_tilapia", REGIME_TANK, 1.0 },
  { "Hatchery Hall", "Tank A2", FW_UNIT_KIND_TANK, 12.6, 20, "nile_tilapia", REGIME_TANK, 1.1 },
  { "Hatchery Hall", "Tank B1", FW_UNIT_KIND_TANK, 19.6, 32, "nile_tilapia", REGIME_TANK, 0.9 },
  { "Hatchery Hall", "Tank B2", FW_UNIT_KIND_TANK, 19.6, 32, "nile_tilapia", REGIME_TANK, 1.2 },
  { "Spring Raceways", "Raceway 1", FW_UNIT_KIND_RACEWAY, 90, 81, "rainbow_trout", REGIME_RACEWAY, 1.0 },
  { "Spring Raceways", "Raceway 2", FW_UNIT_KIND_RACEWAY, 90, 81, "rainbow_trout", REGIME_RACEWAY, 1.1 },
  { "Spring Raceways", "Raceway 3", FW_UNIT_KIND_RACEWAY, 90, 81, "rainbow_trout", REGIME_RACEWAY, 0.9 },
};

static const FwParameter pond_parameters[] = {
  FW_PARAMETER_TEMPERATURE, FW_PARAMETER_DISSOLVED_OXYGEN, FW_PARAMETER_PH, FW_PARAMETER_TOTAL_AMMONIA,
};
static const FwParameter raceway_parameters[] = {
  FW_PARAMETER_TEMPERATURE, FW_PARAMETER_DISSOLVED_OXYGEN, FW_PARAMETER_PH,
};

#define DEMO_INTERVAL 300
#define DEMO_TIMEZONE "America/Chicago"
/* The farm lies near 90° W: the sun is highest around 18:00 UTC. */
#define SOLAR_OFFSET_HOURS (-6.0)

typedef struct
{
  const DemoUnit *unit;
  guint           unit_index;
  FwParameter     parameter;
  guint64         seed;
} DemoSensor;

static guint
n_parameters (const DemoUnit  *unit,
              const FwParameter **parameters)
{
  if (unit->regime == REGIME_RACEWAY)
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

/* SplitMix64's finaliser: a cheap hash with every input bit reaching
 * every output bit, so neighbouring keys give unrelated values. */
static guint64
mix (guint64 x)
{
  x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return x ^ (x >> 31);
}

static double
hash01 (guint64 seed,
        gint64  key)
{
  return (mix (seed ^ mix ((guint64) key)) >> 11) * (1.0 / 9007199254740992.0);
}

/* Roughly normal, mean 0 and deviation 1: the sum of three uniforms. */
static double
hash_normal (guint64 seed,
             gint64  key)
{
  return (hash01 (seed, key) + hash01 (seed + 1, key) + hash01 (seed + 2, key) - 1.5) * 2.0;
}

/* Value noise in [-1, 1] that changes smoothly over @x knots. */
static double
smooth_noise (guint64 seed,
              double  x)
{
  double knot = floor (x);
  double f = x - knot;
  double a = hash01 (seed, (gint64) knot) * 2.0 - 1.0;
  double b = hash01 (seed, (gint64) knot + 1) * 2.0 - 1.0;

  f = f * f * (3.0 - 2.0 * f);
  return a + (b - a) * f;
}

static guint64
seed_for (const char *a,
          const char *b)
{
  return mix (g_str_hash (a) ^ ((guint64) g_str_hash (b) << 32));
}

static double
solar_hour (FwTime t)
{
  double h = fmod (t / 3600.0 + SOLAR_OFFSET_HOURS, 24.0);

  return h < 0 ? h + 24.0 : h;
}

static gint64
solar_day (FwTime t)
{
  return (gint64) floor ((t / 3600.0 + SOLAR_OFFSET_HOURS) / 24.0);
}

static double
day_of_year (FwTime t)
{
  return fmod (t / 86400.0, 365.2425);
}

/* Oxygen solubility in fresh water at sea level, mg/L, from the
 * polynomial fit to the Benson & Krause (1984) table used by APHA
 * Standard Methods 4500-O; good to about 0.05 mg/L from 0 to 35 °C. */
static double
oxygen_saturation (double celsius)
{
  return 14.652 - 0.41022 * celsius + 0.007991 * celsius * celsius
         - 0.000077774 * celsius * celsius * celsius;
}

static double
weather (FwTime t)
{
  static const guint64 farm_seed = 0x77696c6c6f77ULL;

  return 2.0 * smooth_noise (farm_seed, t / (3.0 * 86400.0))
         + 0.8 * smooth_noise (farm_seed + 7, t / 86400.0);
}

/* How sunny a solar day is, from 0.15 (overcast) to 1. */
static double
sunshine (gint64 day)
{
  static const guint64 sky_seed = 0x736b79ULL;

  return 0.15 + 0.85 * pow (hash01 (sky_seed, day), 0.6);
}

static double
pond_temperature (const DemoSensor *sensor,
                  FwTime            t)
{
  double season = 20.5 + 8.5 * cos (2 * G_PI * (day_of_year (t) - 205.0) / 365.2425);
  double diurnal = 1.2 * sin (2 * G_PI * (solar_hour (t) - 10.0) / 24.0);
  double own = 0.4 * smooth_noise (sensor->seed + 11, t / (5.0 * 86400.0));

  return season + weather (t) + diurnal + own;
}

/* The afternoon peak of a day's oxygen, and how much respiration takes
 * away over the following night. */
static void
pond_oxygen_day (const DemoSensor *sensor,
                 gint64            day,
                 double           *peak,
                 double           *night_loss)
{
  FwTime afternoon = (day * 24 + 16) * 3600 - (FwTime) (SOLAR_OFFSET_HOURS * 3600);
  double celsius = pond_temperature (sensor, afternoon);
  double warmth = CLAMP (celsius / 26.0, 0.2, 1.3);
  double algae = 0.45 * warmth * sunshine (day) * (0.8 + 0.2 * sensor->unit->load);

  *peak = oxygen_saturation (celsius) * (1.02 + algae);
  *night_loss = 6.2 * sensor->unit->load * pow (warmth, 1.5)
                * (0.9 + 0.2 * hash01 (sensor->seed + 3, day));
}

static double
pond_oxygen (const DemoSensor *sensor,
             FwTime            t)
{
  double hour = solar_hour (t);
  gint64 day = solar_day (t);
  double peak, loss, prev_peak, prev_loss, value;

  pond_oxygen_day (sensor, day, &peak, &loss);

  if (hour >= 6.0 && hour < 16.0)
    {
      /* Morning: from the dawn low up to the afternoon peak. */
      double dawn;

      pond_oxygen_day (sensor, day - 1, &prev_peak, &prev_loss);
      dawn = prev_peak - prev_loss;
      value = dawn + (peak - dawn) * (1.0 - cos (G_PI * (hour - 6.0) / 10.0)) / 2.0;
    }
  else
    {
      /* Night: from the peak of the afternoon before down to dawn. */
      double since_peak = hour >= 16.0 ? hour - 16.0 : hour + 8.0;

      if (hour < 6.0)
        pond_oxygen_day (sensor, day - 1, &peak, &loss);

      value = peak - loss * sin (G_PI / 2.0 * since_peak / 14.0);
    }

  /* Below 3 mg/L the aerators run and slow the fall. */
  if (value < 3.0)
    value = 3.0 - (3.0 - value) * 0.35;

  return MAX (0.2, value + 0.08 * hash_normal (sensor->seed, t / DEMO_INTERVAL));
}

static double
feeding_pulse (FwTime t,
               double decay_hours)
{
  /* Feeds at 08:00 and 15:00 solar time; the effect fades exponentially. */
  double hour = solar_hour (t);
  double since_morning = hour >= 8.0 ? hour - 8.0 : hour + 16.0;
  double since_afternoon = hour >= 15.0 ? hour - 15.0 : hour + 9.0;

  return exp (-since_morning / decay_hours) + exp (-since_afternoon / decay_hours);
}

static double
demo_value (const DemoSensor *sensor,
            FwTime            t)
{
  const DemoUnit *unit = sensor->unit;
  double noise = hash_normal (sensor->seed, t / DEMO_INTERVAL);
  double drift = smooth_noise (sensor->seed + 5, t / (7.0 * 86400.0));

  switch (unit->regime)
    {
    case REGIME_POND:
      switch (sensor->parameter)
        {
        case FW_PARAMETER_TEMPERATURE:
          return pond_temperature (sensor, t) + 0.05 * noise;

        case FW_PARAMETER_DISSOLVED_OXYGEN:
          return pond_oxygen (sensor, t);

        case FW_PARAMETER_PH:
          {
            double celsius = pond_temperature (sensor, t);
            double oxygen = pond_oxygen (sensor, t);
            double ph = 7.45 + 0.2 * (oxygen - 0.8 * oxygen_saturation (celsius)) + 0.15 * drift;

            return CLAMP (ph, 6.6, 9.4) + 0.02 * noise;
          }

        case FW_PARAMETER_TOTAL_AMMONIA:
          return MAX (0.02, 0.2 + 0.3 * unit->load + 0.15 * drift
                            + 0.06 * feeding_pulse (t, 4.0) + 0.015 * noise);

        case FW_PARAMETER_NITRITE:
        case FW_PARAMETER_SALINITY:
        case FW_PARAMETER_TURBIDITY:
        default:
          g_assert_not_reached ();
        }

    case REGIME_TANK:
      switch (sensor->parameter)
        {
        case FW_PARAMETER_TEMPERATURE:
          return 27.5 + 0.3 * drift + 0.15 * sin (2 * G_PI * (solar_hour (t) - 10.0) / 24.0)
                 + 0.03 * noise;

        case FW_PARAMETER_DISSOLVED_OXYGEN:
          return 7.0 + 0.4 * drift - 1.1 * unit->load * feeding_pulse (t, 0.8) + 0.07 * noise;

        case FW_PARAMETER_PH:
          {
            /* Bicarbonate every seventh day lifts the pH back up. */
            double days_since_dose = fmod (t / 86400.0 + unit->load * 2.0, 7.0);

            return 7.45 - 0.075 * days_since_dose * unit->load + 0.03 * drift + 0.015 * noise;
          }

        case FW_PARAMETER_TOTAL_AMMONIA:
          return MAX (0.02, 0.25 + 0.35 * unit->load * feeding_pulse (t, 2.5)
                            + 0.05 * drift + 0.01 * noise);

        case FW_PARAMETER_NITRITE:
        case FW_PARAMETER_SALINITY:
        case FW_PARAMETER_TURBIDITY:
        default:
          g_assert_not_reached ();
        }

    case REGIME_RACEWAY:
      {
        double celsius = 11.5 + 1.2 * cos (2 * G_PI * (day_of_year (t) - 220.0) / 365.2425)
                         + 0.3 * sin (2 * G_PI * (solar_hour (t) - 10.0) / 24.0);

        switch (sensor->parameter)
          {
          case FW_PARAMETER_TEMPERATURE:
            return celsius + 0.03 * noise;

          case FW_PARAMETER_DISSOLVED_OXYGEN:
            return oxygen_saturation (celsius) * 0.93 - 0.7 * unit->load * feeding_pulse (t, 1.0)
                   + 0.2 * drift + 0.06 * noise;

          case FW_PARAMETER_PH:
            return 7.6 + 0.06 * drift + 0.01 * noise;

          case FW_PARAMETER_TOTAL_AMMONIA:
          case FW_PARAMETER_NITRITE:
          case FW_PARAMETER_SALINITY:
          case FW_PARAMETER_TURBIDITY:
          default:
            g_assert_not_reached ();
          }
      }

    default:
      g_assert_not_reached ();
    }
}

/* About one day in 25 a probe drops out for one to eight hours. */
static gboolean
demo_missing (const DemoSensor *sensor,
              FwTime            t)
{
  gint64 day = t / 86400;

  for (gint64 d = day - 1; d <= day; d++)
    {
      FwTime start, length;

      if (hash01 (sensor->seed + 17, d) >= 0.04)
        continue;

      start = d * 86400 + (FwTime) (hash01 (sensor->seed + 19, d) * 86400);
      length = 3600 + (FwTime) (hash01 (sensor->seed + 23, d) * 7 * 3600);

      if (t >= start && t < start + length)
        return TRUE;
    }

  return FALSE;
}

/* A stable uuid for each demo record, so that populating twice updates the
 * same records instead of making a second farm. */
static char *
demo_uuid (const char *a,
           const char *b)
{
  guint64 h1 = mix (seed_for (a, b));
  guint64 h2 = mix (h1);

  return g_strdup_printf ("%08x-%04x-4%03x-8%03x-%012" G_GINT64_MODIFIER "x",
                          (guint) (h1 >> 32), (guint) (h1 >> 16) & 0xffff,
                          (guint) h1 & 0xfff, (guint) (h2 >> 48) & 0xfff,
                          h2 & G_GUINT64_CONSTANT (0xffffffffffff));
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
  g_autoptr(FwFarm) farm = NULL;
  g_autoptr(GHashTable) sites = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);

  farm = g_object_new (FW_TYPE_FARM,
                       "uuid", FW_DEMO_FARM_UUID,
                       "name", "Willow Creek Fish Farm",
                       "timezone", DEMO_TIMEZONE,
                       NULL);
  if (!fw_cache_save_farm (cache, farm, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (demo_units); i++)
    {
      const DemoUnit *spec = &demo_units[i];
      const FwParameter *parameters;
      guint n = n_parameters (spec, &parameters);
      g_autoptr(FwUnit) unit = NULL;
      g_autofree char *unit_uuid = demo_uuid (spec->site, spec->name);
      FwSite *site = g_hash_table_lookup (sites, spec->site);

      if (site == NULL)
        {
          g_autofree char *site_uuid = demo_uuid ("site", spec->site);

          site = g_object_new (FW_TYPE_SITE,
                               "uuid", site_uuid,
                               "farm-uuid", FW_DEMO_FARM_UUID,
                               "name", spec->site,
                               NULL);
          g_hash_table_insert (sites, (gpointer) spec->site, site);
          if (!fw_cache_save_site (cache, site, error))
            return FALSE;
        }

      unit = g_object_new (FW_TYPE_UNIT,
                           "uuid", unit_uuid,
                           "site-uuid", fw_record_get_uuid (FW_RECORD (site)),
                           "name", spec->name,
                           "kind", spec->kind,
                           "area", spec->area,
                           "volume", spec->volume,
                           "species", spec->species,
                           NULL);
      if (!fw_cache_save_unit (cache, unit, error))
        return FALSE;

      for (guint p = 0; p < n; p++)
        {
          g_autofree char *sensor_uuid = demo_uuid (unit_uuid, fw_parameter_to_id (parameters[p]));
          FwSensor *sensor;
          DemoSensor demo = { spec, i, parameters[p], seed_for (sensor_uuid, "demo") };

          sensor = g_object_new (FW_TYPE_SENSOR,
                                 "uuid", sensor_uuid,
                                 "unit-uuid", unit_uuid,
                                 "parameter", parameters[p],
                                 "interval", DEMO_INTERVAL,
                                 NULL);
          g_ptr_array_add (model->sensors, sensor);
          g_array_append_val (model->specs, demo);

          if (!fw_cache_save_sensor (cache, sensor, error))
            return FALSE;
        }
    }

  return TRUE;
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

          if (demo_missing (spec, t))
            continue;

          reading.value = demo_value (spec, t);
          g_array_append_val (batch, reading);
        }

      if (!fw_cache_insert_readings (cache, sensor_id, (FwReading *) batch->data, batch->len, error))
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
