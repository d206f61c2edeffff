/* bench-alerts.c — what evaluating alerts costs at ingest
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A farm of 100 units with five sensors each (dissolved oxygen,
 * temperature, pH, total ammonia, nitrite), rainbow trout, the species'
 * default rules. A day of minute readings per sensor goes into a fresh
 * store twice in the same run: once through fw_store_ingest() alone, once
 * followed by the alert engine, as handle_ingest() does. Both in-process,
 * so that HTTP and JSON, the same for both, do not hide the difference.
 *
 * The two stores take the same requests in turn, so that whatever else
 * the machine does (the disk's flushes above all) weighs on both alike.
 * Two ways of sending the same day: streaming, a request a minute with a
 * reading of every sensor (fishwatch-sim's default once live), and
 * backfill, a request per sensor with its whole day, two days running:
 * the first pays for building each watch from the store.
 *
 * Goal: evaluation adds less than 10% to ingest.
 */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "fw-alert-engine.h"
#include "fw-sqlite-store.h"
#include "fw-test-util.h"

#define N_UNITS      100
#define HOURS        24
#define INTERVAL     60
#define SPECIES      "rainbow_trout"

static const FwParameter parameters[] = {
  FW_PARAMETER_DISSOLVED_OXYGEN,
  FW_PARAMETER_TEMPERATURE,
  FW_PARAMETER_PH,
  FW_PARAMETER_TOTAL_AMMONIA,
  FW_PARAMETER_NITRITE,
};

#define N_SENSORS (N_UNITS * G_N_ELEMENTS (parameters))

typedef struct
{
  char       *dir;
  FwStore    *store;
  FwDevice   *device;
  GPtrArray  *sensor_uuids;
  GArray     *sensor_parameters;   /* FwParameter */
} Farm;

/* A fresh store holding the farm, written as an admin would. */
static Farm *
farm_new (void)
{
  Farm *farm = g_new0 (Farm, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) mutations = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_mutation_free);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(FwUser) admin = fw_user_new ();
  g_autofree char *path = NULL;
  g_autoptr(FwRecord) farm_record = NULL;
  g_autoptr(FwRecord) site = NULL;

  farm->dir = fw_test_make_tmpdir ();
  path = g_build_filename (farm->dir, "store.db", NULL);
  farm->store = FW_STORE (fw_sqlite_store_open (path, 4, &error));
  g_assert_no_error (error);

  farm->sensor_uuids = g_ptr_array_new_with_free_func (g_free);
  farm->sensor_parameters = g_array_new (FALSE, FALSE, sizeof (FwParameter));

  farm_record = g_object_new (FW_TYPE_FARM, "name", "Bench Farm", "timezone", "Europe/Oslo", NULL);
  site = g_object_new (FW_TYPE_SITE, "farm-uuid", fw_record_get_uuid (farm_record), "name", "Raceways", NULL);
  g_ptr_array_add (mutations, fw_mutation_new_upsert (farm_record));
  g_ptr_array_add (mutations, fw_mutation_new_upsert (site));

  for (guint u = 0; u < N_UNITS; u++)
    {
      g_autofree char *name = g_strdup_printf ("Raceway %u", u + 1);
      g_autoptr(FwRecord) unit = g_object_new (FW_TYPE_UNIT,
                                               "site-uuid", fw_record_get_uuid (site),
                                               "name", name, "kind", FW_UNIT_KIND_RACEWAY,
                                               "area", 300.0, "volume", 450.0, "species", SPECIES,
                                               NULL);

      g_ptr_array_add (mutations, fw_mutation_new_upsert (unit));
      for (guint p = 0; p < G_N_ELEMENTS (parameters); p++)
        {
          g_autoptr(FwRecord) sensor = g_object_new (FW_TYPE_SENSOR,
                                                     "unit-uuid", fw_record_get_uuid (unit),
                                                     "parameter", parameters[p],
                                                     "interval", (guint) INTERVAL, NULL);

          g_ptr_array_add (farm->sensor_uuids, g_strdup (fw_record_get_uuid (sensor)));
          g_array_append_val (farm->sensor_parameters, parameters[p]);
          g_ptr_array_add (mutations, fw_mutation_new_upsert (sensor));
        }
    }

  admin->role = FW_ROLE_ADMIN;
  admin->uuid = g_uuid_string_random ();
  results = fw_store_apply_mutations (farm->store, admin, mutations, g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < results->len; i++)
    g_assert_cmpint (((FwMutationResult *) g_ptr_array_index (results, i))->status, ==, FW_MUTATION_APPLIED);

  farm->device = g_new0 (FwDevice, 1);
  farm->device->uuid = g_uuid_string_random ();
  farm->device->farm_uuid = g_strdup (fw_record_get_uuid (farm_record));
  farm->device->name = g_strdup ("Bench gateway");
  return farm;
}

static void
farm_free (Farm *farm)
{
  g_object_unref (farm->store);
  fw_device_free (farm->device);
  g_ptr_array_unref (farm->sensor_uuids);
  g_array_unref (farm->sensor_parameters);
  fw_test_remove_tree (farm->dir);
  g_free (farm->dir);
  g_free (farm);
}

/* Healthy raceway water with a daily cycle and probe noise: the watches
 * do all their work, and an alert is rare, as on a normal day. */
static double
value_at (FwParameter  parameter,
          FwTime       t,
          guint        sensor,
          GRand       *rand)
{
  double day = sin (2 * G_PI * (t % 86400) / 86400.0 + sensor * 0.1);
  double noise = g_rand_double_range (rand, -1, 1);

  switch (parameter)
    {
    case FW_PARAMETER_DISSOLVED_OXYGEN:
      return 9.0 + 0.8 * day + 0.05 * noise;
    case FW_PARAMETER_TEMPERATURE:
      return 12.0 + 1.5 * day + 0.02 * noise;
    case FW_PARAMETER_PH:
      return 7.4 + 0.15 * day + 0.01 * noise;
    case FW_PARAMETER_TOTAL_AMMONIA:
      return 0.15 + 0.05 * day + 0.005 * noise;
    case FW_PARAMETER_NITRITE:
      return 0.03 + 0.01 * day + 0.001 * noise;
    case FW_PARAMETER_SALINITY:
    case FW_PARAMETER_TURBIDITY:
    default:
      g_assert_not_reached ();
    }
}

static void
readings_free (gpointer readings)
{
  if (readings != NULL)
    g_array_unref (readings);
}

/* The readings of one sensor in one request, from @from on. */
static GArray *
make_readings (Farm   *farm,
               guint   sensor,
               FwTime  from,
               guint   n,
               GRand  *rand)
{
  GArray *readings = g_array_sized_new (FALSE, FALSE, sizeof (FwReading), n);
  FwParameter parameter = g_array_index (farm->sensor_parameters, FwParameter, sensor);

  for (guint i = 0; i < n; i++)
    {
      FwReading reading = { from + (FwTime) i * INTERVAL, 0 };

      reading.value = value_at (parameter, reading.time, sensor, rand);
      g_array_append_val (readings, reading);
    }

  return readings;
}

static FwIngestBatch *
batch_new (Farm   *farm,
           guint   sensor,
           GArray *readings)
{
  FwIngestBatch *batch = fw_ingest_batch_new (g_ptr_array_index (farm->sensor_uuids, sensor));

  g_array_append_vals (batch->readings, readings->data, readings->len);
  for (guint i = 0; i < readings->len; i++)
    g_array_append_val (batch->indexes, i);

  return batch;
}

typedef struct
{
  gint64  ingest_usec;     /* fw_store_ingest() */
  gint64  evaluate_usec;   /* fw_alert_engine_ingest() */
  guint64 readings;
  guint   alerts;
} Figures;

static void
time_request (Farm          *farm,
              FwAlertEngine *engine,
              GPtrArray     *batches,
              FwTime         now,
              Figures       *figures)
{
  g_autoptr(GError) error = NULL;
  gint64 t0, t1, t2;

  t0 = g_get_monotonic_time ();
  g_assert_true (fw_store_ingest (farm->store, farm->device, batches, now, &error));
  g_assert_no_error (error);
  t1 = g_get_monotonic_time ();
  if (engine != NULL)
    figures->alerts += fw_alert_engine_ingest (engine, batches, now);
  t2 = g_get_monotonic_time ();

  figures->ingest_usec += t1 - t0;
  figures->evaluate_usec += t2 - t1;
  for (guint b = 0; b < batches->len; b++)
    figures->readings += ((FwIngestBatch *) g_ptr_array_index (batches, b))->accepted;
}

/* One request's readings into both stores: the plain one, and the one the
 * engine watches. Which goes first alternates, so that neither always
 * finds the other's pages in the disk cache. */
static void
send_to_both (Farm          *plain,
              Farm          *watched,
              FwAlertEngine *engine,
              GPtrArray     *readings,   /* GArray per sensor, or NULL */
              guint          request,
              FwTime         now,
              Figures       *plain_figures,
              Figures       *watched_figures)
{
  g_autoptr(GPtrArray) plain_batches = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_ingest_batch_free);
  g_autoptr(GPtrArray) watched_batches = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_ingest_batch_free);

  for (guint s = 0; s < readings->len; s++)
    {
      GArray *values = g_ptr_array_index (readings, s);

      if (values == NULL)
        continue;
      g_ptr_array_add (plain_batches, batch_new (plain, s, values));
      g_ptr_array_add (watched_batches, batch_new (watched, s, values));
    }

  if (request % 2 == 0)
    {
      time_request (plain, NULL, plain_batches, now, plain_figures);
      time_request (watched, engine, watched_batches, now, watched_figures);
    }
  else
    {
      time_request (watched, engine, watched_batches, now, watched_figures);
      time_request (plain, NULL, plain_batches, now, plain_figures);
    }
}

static double
ns_per_reading (gint64  usec,
                guint64 readings)
{
  return usec * 1000.0 / readings;
}

static void
print_figures (const char *label,
               Figures    *p,
               Figures    *w)
{
  double plain_ns = ns_per_reading (p->ingest_usec, p->readings);
  double store_ns = ns_per_reading (w->ingest_usec, w->readings);
  double evaluate_ns = ns_per_reading (w->evaluate_usec, w->readings);
  double with_ns = store_ns + evaluate_ns;

  g_assert_cmpuint (w->readings, ==, p->readings);

  g_print ("  %s (%" G_GUINT64_FORMAT " readings):\n", label, p->readings);
  g_print ("    ingest without evaluation: %8.1f ns/reading\n", plain_ns);
  g_print ("    ingest with evaluation:    %8.1f ns/reading (store %.1f + evaluation %.1f), %u alert writes\n",
           with_ns, store_ns, evaluate_ns, w->alerts);
  g_print ("    ratio %.3f (%+.1f%%); evaluation against ingest without it: %.1f%%\n",
           with_ns / plain_ns, (with_ns / plain_ns - 1) * 100, evaluate_ns / plain_ns * 100);
}

/* Days into two fresh stores, request by request, the same readings in
 * both; the engine evaluates what goes into the second. The first day
 * pays for building every watch from the store, once per sensor and
 * process; a second day shows the cost from then on. */
static void
bench_mode (gboolean backfill,
            guint    days)
{
  Farm *plain = farm_new ();
  Farm *watched = farm_new ();
  g_autoptr(FwAlertEngine) engine = fw_alert_engine_new (watched->store);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  FwTime now = g_get_real_time () / G_USEC_PER_SEC;
  FwTime first = now - now % 3600 - ((FwTime) days * HOURS + 1) * 3600;
  guint per_sensor = HOURS * 3600 / INTERVAL;
  Figures p[2] = { { 0, }, }, w[2] = { { 0, }, };
  int saved_stdout;

  g_assert_cmpuint (days, <=, G_N_ELEMENTS (p));

  /* The server logs every alert it writes to standard output; that cost
   * stays in the figures, its lines stay out of the report. */
  fflush (stdout);
  saved_stdout = dup (STDOUT_FILENO);
  g_assert_true (freopen ("/dev/null", "w", stdout) != NULL);

  for (guint day = 0; day < days; day++)
    {
      FwTime start = first + (FwTime) day * HOURS * 3600;

      if (backfill)
        {
          for (guint s = 0; s < N_SENSORS; s++)
            {
              g_autoptr(GPtrArray) readings = g_ptr_array_new_full (N_SENSORS, readings_free);

              g_ptr_array_set_size (readings, N_SENSORS);
              g_ptr_array_index (readings, s) = make_readings (plain, s, start, per_sensor, rand);
              send_to_both (plain, watched, engine, readings, s, now, &p[day], &w[day]);
            }
        }
      else
        {
          for (guint m = 0; m < per_sensor; m++)
            {
              g_autoptr(GPtrArray) readings = g_ptr_array_new_full (N_SENSORS, readings_free);

              for (guint s = 0; s < N_SENSORS; s++)
                g_ptr_array_add (readings, make_readings (plain, s, start + (FwTime) m * INTERVAL, 1, rand));
              send_to_both (plain, watched, engine, readings, m, now, &p[day], &w[day]);
            }
        }
    }

  fflush (stdout);
  dup2 (saved_stdout, STDOUT_FILENO);
  close (saved_stdout);

  g_assert_cmpuint (fw_alert_engine_get_n_watches (engine), ==, N_SENSORS);

  g_print ("%s, %s:\n", backfill ? "backfill" : "streaming",
           backfill ? "a request per sensor with its whole day" : "a request a minute with a reading of every sensor");
  for (guint day = 0; day < days; day++)
    {
      g_assert_cmpuint (p[day].readings, ==, (guint64) N_SENSORS * per_sensor);
      print_figures (day == 0 ? "first day, every watch built from the store" : "second day, watches built",
                     &p[day], &w[day]);
    }

  g_clear_object (&engine);
  farm_free (plain);
  farm_free (watched);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_print ("Alert evaluation at ingest: %u units × %u sensors (%s, default rules), days of %d h of readings\n"
           "every %d s, into two fresh stores in turn, one evaluated\n",
           N_UNITS, (guint) G_N_ELEMENTS (parameters), SPECIES, HOURS, INTERVAL);

  bench_mode (FALSE, 1);
  bench_mode (TRUE, 2);

  return 0;
}
