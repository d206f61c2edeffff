/* test-alerts.c — the alert evaluator: limits, hysteresis, durations,
 * silence, stuck probes, trends, the dawn projection and maintenance
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "fw-core.h"
#include "fw-test-util.h"

/* 2025-07-01 00:00 UTC; the pond model's solar time is UTC−6 there. */
#define JULY_FIRST ((FwTime) 1751328000)

static GTimeZone *
farm_zone (void)
{
  return g_time_zone_new_identifier ("-06:00");
}

static FwAlertWatch *
catfish_oxygen_watch (guint interval)
{
  g_autoptr(GTimeZone) zone = farm_zone ();
  FwAlertSettings settings;

  fw_alert_settings_get_default ("channel_catfish", FW_PARAMETER_DISSOLVED_OXYGEN, &settings);
  return fw_alert_watch_new (FW_PARAMETER_DISSOLVED_OXYGEN, interval, &settings, zone);
}

static guint
count_events (GArray           *events,
              FwAlertEventKind  kind,
              FwAlertCondition  condition)
{
  guint n = 0;

  for (guint i = 0; i < events->len; i++)
    {
      const FwAlertEvent *event = &g_array_index (events, FwAlertEvent, i);

      if (event->kind == kind && event->condition == condition)
        n++;
    }

  return n;
}

static const FwAlertEvent *
find_event (GArray           *events,
            FwAlertEventKind  kind,
            FwAlertCondition  condition)
{
  for (guint i = 0; i < events->len; i++)
    {
      const FwAlertEvent *event = &g_array_index (events, FwAlertEvent, i);

      if (event->kind == kind && event->condition == condition)
        return event;
    }

  return NULL;
}

static void
test_defaults (void)
{
  const char *const *species = fw_alert_species_list ();
  FwAlertSettings generic, catfish, trout;

  /* The four at least, each with a source. */
  g_assert_true (g_strv_contains (species, "nile_tilapia"));
  g_assert_true (g_strv_contains (species, "channel_catfish"));
  g_assert_true (g_strv_contains (species, "rainbow_trout"));
  g_assert_true (g_strv_contains (species, "whiteleg_shrimp"));

  for (guint i = 0; species[i] != NULL; i++)
    {
      g_assert_nonnull (strstr (fw_alert_settings_get_source (species[i]), "("));
      for (guint p = 0; p < FW_N_PARAMETERS; p++)
        {
          g_autoptr(GError) error = NULL;
          FwAlertSettings settings;

          fw_alert_settings_get_default (species[i], p, &settings);
          g_assert_true (fw_alert_settings_validate (&settings, p, NULL, &error));
          g_assert_no_error (error);
        }
    }

  fw_alert_settings_get_default (NULL, FW_PARAMETER_DISSOLVED_OXYGEN, &generic);
  fw_alert_settings_get_default ("channel_catfish", FW_PARAMETER_DISSOLVED_OXYGEN, &catfish);
  fw_alert_settings_get_default ("rainbow_trout", FW_PARAMETER_DISSOLVED_OXYGEN, &trout);
  g_assert_cmpfloat (generic.limits.critical_low, ==, 3.0);
  g_assert_cmpfloat (catfish.limits.critical_low, ==, 2.0);
  g_assert_cmpfloat (catfish.dawn_limit, ==, 3.0);
  g_assert_cmpfloat (trout.limits.warning_low, ==, 7.0);
  g_assert_cmpfloat (catfish.falling_per_hour, >, 0);

  /* Only dissolved oxygen is projected to dawn. */
  fw_alert_settings_get_default ("channel_catfish", FW_PARAMETER_PH, &catfish);
  g_assert_true (isnan (catfish.dawn_limit));
}

static void
test_settings_json (void)
{
  FwAlertSettings settings, read;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *field = NULL;
  static const struct {
    const char *json;
    const char *field;
  } bad[] = {
    { "{\"warning_low\": 2.0, \"critical_low\": 3.0}", "warning_low" },
    { "{\"critical_low\": \"low\"}", "critical_low" },
    { "{\"critical_low\": 45}", "critical_low" },
    { "{\"hysteresis\": -1}", "hysteresis" },
    { "{\"hysteresis\": null}", "hysteresis" },
    { "{\"min_duration_s\": 1.5}", "min_duration_s" },
    { "{\"min_duration_s\": 999999}", "min_duration_s" },
    { "{\"dawn\": \"25:00\"}", "dawn" },
    { "{\"dusk\": \"6pm\"}", "dusk" },
    { "{\"falling_window_s\": 60}", "falling_window_s" },
    { "{\"remind_every_s\": 0}", "remind_every_s" },
  };

  fw_alert_settings_get_default ("nile_tilapia", FW_PARAMETER_DISSOLVED_OXYGEN, &settings);
  settings.limits.warning_low = 3.5;
  settings.limits.warning_high = NAN;
  settings.dawn_minute = 5 * 60 + 45;

  node = fw_alert_settings_to_json (&settings);
  fw_alert_settings_get_default (NULL, FW_PARAMETER_DISSOLVED_OXYGEN, &read);
  g_assert_true (fw_alert_settings_from_json (node, FW_PARAMETER_DISSOLVED_OXYGEN, &read, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (read.limits.warning_low, ==, 3.5);
  g_assert_true (isnan (read.limits.warning_high));
  g_assert_cmpint (read.dawn_minute, ==, 5 * 60 + 45);
  g_assert_cmpint (read.min_duration, ==, settings.min_duration);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) bad_node = json_from_string (bad[i].json, NULL);
      FwAlertSettings kept = read;

      g_clear_error (&error);
      g_clear_pointer (&field, g_free);
      g_assert_false (fw_alert_settings_from_json (bad_node, FW_PARAMETER_DISSOLVED_OXYGEN,
                                                   &kept, &field, &error));
      g_assert_error (error, FW_ALERT_SETTINGS_ERROR, FW_ALERT_SETTINGS_ERROR_INVALID);
      g_assert_cmpstr (field, ==, bad[i].field);
      /* Nothing half-read. */
      g_assert_cmpmem (&kept, sizeof kept, &read, sizeof read);
    }
}

/* Oxygen wobbling across the 3 mg/L warning limit for two hours, by more
 * than a probe's noise, raises one alert, which resolves once the water is
 * back above 3 + 0.5. */
static void
test_flapping (void)
{
  g_autoptr(FwAlertWatch) watch = catfish_oxygen_watch (60);
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (FwAlertEvent));
  FwTime t = JULY_FIRST + 15 * 3600;   /* 09:00 local: daytime */
  const FwAlertEvent *fire;

  for (guint i = 0; i < 120; i++, t += 60)
    fw_alert_watch_add (watch, t, 3.0 + (i % 2 ? 0.25 : -0.25) + (i % 7) * 0.01, events);

  g_assert_cmpuint (count_events (events, FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_LOW), ==, 1);
  g_assert_cmpuint (count_events (events, FW_ALERT_EVENT_RESOLVE, FW_ALERT_CONDITION_LOW), ==, 0);
  fire = find_event (events, FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_LOW);
  g_assert_cmpint (fire->severity, ==, FW_SEVERITY_WARNING);
  g_assert_cmpfloat (fire->limit, ==, 3.0);

  /* Back inside, but not by the hysteresis: still open. */
  fw_alert_watch_add (watch, t, 3.4, events);
  t += 60;
  g_assert_cmpuint (count_events (events, FW_ALERT_EVENT_RESOLVE, FW_ALERT_CONDITION_LOW), ==, 0);
  fw_alert_watch_add (watch, t, 3.6, events);
  t += 60;
  g_assert_cmpuint (count_events (events, FW_ALERT_EVENT_RESOLVE, FW_ALERT_CONDITION_LOW), ==, 1);

  /* A new excursion after resolution is a new alert. */
  for (guint i = 0; i < 10; i++, t += 60)
    fw_alert_watch_add (watch, t, 2.8, events);
  g_assert_cmpuint (count_events (events, FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_LOW), ==, 2);
}

/* The limit must be crossed for five minutes: four minutes of low oxygen
 * raise nothing; the fifth fires, at the fifth minute. */
static void
test_min_duration (void)
{
  g_autoptr(FwAlertWatch) watch = catfish_oxygen_watch (60);
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (FwAlertEvent));
  FwTime start = JULY_FIRST + 15 * 3600;
  const FwAlertEvent *fire;
  FwTime t = start;

  for (guint i = 0; i < 5; i++, t += 60)
    fw_alert_watch_add (watch, t, 1.5, events);    /* 0 … 4 minutes */
  fw_alert_watch_add (watch, t, 5.0, events);
  t += 60;
  g_assert_cmpuint (events->len, ==, 0);

  start = t;
  for (guint i = 0; i < 6; i++, t += 60)
    fw_alert_watch_add (watch, t, 1.5, events);
  fire = find_event (events, FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_LOW);
  g_assert_nonnull (fire);
  g_assert_cmpint (fire->time, ==, start + 300);
  /* Below both limits for the whole time: critical at once, no warning
   * first. */
  g_assert_cmpint (fire->severity, ==, FW_SEVERITY_CRITICAL);
  g_assert_cmpuint (count_events (events, FW_ALERT_EVENT_ESCALATE, FW_ALERT_CONDITION_LOW), ==, 0);
}

static void
test_escalation (void)
{
  g_autoptr(FwAlertWatch) watch = catfish_oxygen_watch (60);
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (FwAlertEvent));
  FwTime t = JULY_FIRST + 15 * 3600;
  const FwAlertEvent *escalate;

  for (guint i = 0; i < 10; i++, t += 60)
    fw_alert_watch_add (watch, t, 2.5, events);
  for (guint i = 0; i < 10; i++, t += 60)
    fw_alert_watch_add (watch, t, 1.8, events);
  /* Recovering to a warning level does not downgrade the alert. */
  for (guint i = 0; i < 10; i++, t += 60)
    fw_alert_watch_add (watch, t, 2.9, events);

  g_assert_cmpuint (count_events (events, FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_LOW), ==, 1);
  escalate = find_event (events, FW_ALERT_EVENT_ESCALATE, FW_ALERT_CONDITION_LOW);
  g_assert_nonnull (escalate);
  g_assert_cmpint (escalate->severity, ==, FW_SEVERITY_CRITICAL);
  g_assert_cmpfloat (escalate->limit, ==, 2.0);
  g_assert_cmpint (fw_alert_watch_get_severity (watch, FW_ALERT_CONDITION_LOW), ==, FW_SEVERITY_CRITICAL);
  g_assert_cmpuint (count_events (events, FW_ALERT_EVENT_RESOLVE, FW_ALERT_CONDITION_LOW), ==, 0);
}

/* Three missed reports: silent. Dissolved oxygen is critical at night, a
 * warning by day; the next reading ends it. */
static void
test_silence (void)
{
  g_autoptr(FwAlertWatch) watch = catfish_oxygen_watch (60);
  g_autoptr(FwAlertWatch) night = catfish_oxygen_watch (60);
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (FwAlertEvent));
  FwTime day = JULY_FIRST + 18 * 3600;    /* 12:00 local */
  FwTime midnight = JULY_FIRST + 6 * 3600;
  const FwAlertEvent *fire;

  fw_alert_watch_add (watch, day, 6.0, events);
  fw_alert_watch_tick (watch, day + 180, events);
  g_assert_cmpuint (events->len, ==, 0);
  fw_alert_watch_tick (watch, day + 181, events);
  fire = find_event (events, FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_SILENT);
  g_assert_nonnull (fire);
  g_assert_cmpint (fire->severity, ==, FW_SEVERITY_WARNING);
  g_assert_true (isnan (fire->value));

  /* Ticking on does not raise it again. */
  fw_alert_watch_tick (watch, day + 600, events);
  g_assert_cmpuint (count_events (events, FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_SILENT), ==, 1);

  fw_alert_watch_add (watch, day + 700, 6.1, events);
  g_assert_cmpuint (count_events (events, FW_ALERT_EVENT_RESOLVE, FW_ALERT_CONDITION_SILENT), ==, 1);

  g_array_set_size (events, 0);
  fw_alert_watch_add (night, midnight, 6.0, events);
  fw_alert_watch_tick (night, midnight + 1800, events);
  fire = find_event (events, FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_SILENT);
  g_assert_nonnull (fire);
  g_assert_cmpint (fire->severity, ==, FW_SEVERITY_CRITICAL);
}

static void
test_stuck (void)
{
  g_autoptr(FwAlertWatch) watch = catfish_oxygen_watch (60);
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (FwAlertEvent));
  FwTime start = JULY_FIRST + 15 * 3600;
  FwTime t = start;
  const FwAlertEvent *fire;

  /* A live probe: never stuck, however long. */
  for (guint i = 0; i < 300; i++, t += 60)
    fw_alert_watch_add (watch, t, 6.0 + 0.01 * (i % 3), events);
  g_assert_cmpuint (events->len, ==, 0);

  start = t;
  for (guint i = 0; i <= 125; i++, t += 60)
    fw_alert_watch_add (watch, t, 6.42, events);
  fire = find_event (events, FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_STUCK);
  g_assert_nonnull (fire);
  g_assert_cmpint (fire->time, ==, start + 2 * 3600);
  g_assert_cmpint (fire->severity, ==, FW_SEVERITY_WARNING);

  fw_alert_watch_add (watch, t, 6.40, events);
  g_assert_cmpuint (count_events (events, FW_ALERT_EVENT_RESOLVE, FW_ALERT_CONDITION_STUCK), ==, 1);
  g_assert_cmpuint (count_events (events, FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_STUCK), ==, 1);
}

/* Oxygen falling 2.4 mg/L an hour, well above any limit: the trend rule
 * warns before the limits would. A steady hour ends it. */
static void
test_falling_trend (void)
{
  g_autoptr(FwAlertWatch) watch = catfish_oxygen_watch (60);
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (FwAlertEvent));
  FwTime start = JULY_FIRST + 15 * 3600;
  FwTime t = start;
  const FwAlertEvent *fire;

  for (guint i = 0; i < 60; i++, t += 60)
    fw_alert_watch_add (watch, t, 9.0 + 0.05 * sin (i), events);
  g_assert_cmpuint (events->len, ==, 0);

  for (guint i = 0; i < 90; i++, t += 60)
    fw_alert_watch_add (watch, t, 9.0 - 0.04 * i + 0.05 * sin (i), events);

  fire = find_event (events, FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_FALLING);
  g_assert_nonnull (fire);
  g_assert_cmpint (fire->severity, ==, FW_SEVERITY_WARNING);
  g_assert_cmpfloat (fire->value, <, -1.5);
  /* Warned while oxygen was still well above the warning limit. */
  g_assert_null (find_event (events, FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_LOW));

  for (guint i = 0; i < 120; i++, t += 60)
    fw_alert_watch_add (watch, t, 5.4 + 0.05 * sin (i), events);
  g_assert_cmpuint (count_events (events, FW_ALERT_EVENT_RESOLVE, FW_ALERT_CONDITION_FALLING), ==, 1);
  g_assert_cmpuint (count_events (events, FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_FALLING), ==, 1);
}

/* One night of a catfish pond from the pond model behind the demo farm
 * and the simulator (fw-pond-model.c), minute by minute from noon to noon,
 * with what happened at dawn known from the same series. */
typedef struct
{
  double      load;
  double      dawn_value;   /* what the series shows at dawn */
  FwSeverity  expected;
  gboolean    ahead_of_limit; /* the warning comes before the water crosses a limit */
} Night;

static void
run_night (const Night *night,
           GArray      *events,
           FwTime      *dawn)
{
  g_autoptr(FwAlertWatch) watch = catfish_oxygen_watch (60);
  FwPondSpec spec = { FW_POND_REGIME_POND, night->load, 42, 60 };
  FwTime noon = JULY_FIRST - 6 * 3600;                 /* 12:00 local on 30 June */

  *dawn = JULY_FIRST + 12 * 3600;                     /* 06:00 local on 1 July */
  g_assert_cmpfloat_with_epsilon (fw_pond_model_value (&spec, FW_PARAMETER_DISSOLVED_OXYGEN, *dawn),
                                  night->dawn_value, 0.05);

  for (FwTime t = noon; t <= noon + 24 * 3600; t += 60)
    fw_alert_watch_add (watch, t, fw_pond_model_value (&spec, FW_PARAMETER_DISSOLVED_OXYGEN, t), events);
}

static void
test_dawn_projection (void)
{
  static const Night nights[] = {
    { 0.5, 6.0, FW_SEVERITY_NONE, FALSE },     /* a light load: fine at dawn */
    { 0.75, 4.0, FW_SEVERITY_NONE, FALSE },    /* close, but above the 3 mg/L line */
    { 1.25, 1.9, FW_SEVERITY_WARNING, TRUE },  /* aerators needed before dawn */
    /* A pond that crashes within two hours of dusk: the limits fire
     * first, the projection adds that it will not recover by itself. */
    { 2.0, 0.2, FW_SEVERITY_WARNING, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (nights); i++)
    {
      g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (FwAlertEvent));
      const FwAlertEvent *fire, *resolve, *low;
      FwTime dawn;

      run_night (&nights[i], events, &dawn);
      fire = find_event (events, FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_DAWN);
      resolve = find_event (events, FW_ALERT_EVENT_RESOLVE, FW_ALERT_CONDITION_DAWN);

      g_test_message ("load %.2f: dawn %.1f mg/L; warned %.1f h before dawn (projected %.1f), "
                      "stood down %.1f h before dawn",
                      nights[i].load, nights[i].dawn_value,
                      fire != NULL ? (double) (dawn - fire->time) / 3600 : 0.0,
                      fire != NULL ? fire->value : NAN,
                      resolve != NULL ? (double) (dawn - resolve->time) / 3600 : 0.0);

      /* One alert a night at most, never flapping. */
      g_assert_cmpuint (count_events (events, FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_DAWN), <=, 1);

      if (nights[i].expected == FW_SEVERITY_NONE)
        {
          /* A false alarm early in the evening, when the curve is still a
           * straight line, is allowed; it must be withdrawn before dawn,
           * and the last word must be close to what dawn brought. */
          if (fire != NULL)
            {
              g_assert_nonnull (resolve);
              g_assert_cmpint (resolve->time, <, dawn - 3600);
            }
          continue;
        }

      /* In time to start aerators: hours before dawn, and, where the fall
       * is gradual, an hour or more before the oxygen crossed a limit. */
      g_assert_nonnull (fire);
      g_assert_cmpint (fire->severity, ==, nights[i].expected);
      g_assert_cmpint (dawn - fire->time, >=, 3 * 3600);
      low = find_event (events, FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_LOW);
      g_assert_nonnull (low);
      if (nights[i].ahead_of_limit)
        g_assert_cmpint (fire->time + 3600, <, low->time);
      g_assert_cmpfloat (fire->value, <, 3.0);
      g_assert_cmpfloat (fire->value, >=, 0.0);

      /* It stands all night, and the night's end ends it. */
      g_assert_nonnull (resolve);
      g_assert_cmpint (resolve->time, >=, dawn);
      g_assert_cmpint (resolve->time, <, dawn + 600);
    }
}

/* Maintenance mutes warnings while it lasts, never critical alerts; a
 * warning that still holds when it ends fires then. */
static void
test_maintenance (void)
{
  g_autoptr(FwAlertWatch) watch = catfish_oxygen_watch (60);
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (FwAlertEvent));
  FwTime start = JULY_FIRST + 15 * 3600;
  FwMaintenance window = { start, start + 3600 };
  FwTime t = start;
  const FwAlertEvent *fire;

  fw_alert_watch_set_maintenance (watch, &window, 1);

  for (; t < start + 1800; t += 60)
    fw_alert_watch_add (watch, t, 2.6, events);
  g_assert_cmpuint (events->len, ==, 0);

  for (; t < start + 2400; t += 60)
    fw_alert_watch_add (watch, t, 1.5, events);
  fire = find_event (events, FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_LOW);
  g_assert_nonnull (fire);
  g_assert_cmpint (fire->severity, ==, FW_SEVERITY_CRITICAL);
  g_assert_cmpint (fire->time, <, window.to);

  /* Another watch: a warning through the window fires when it ends. */
  {
    g_autoptr(FwAlertWatch) other = catfish_oxygen_watch (60);

    g_array_set_size (events, 0);
    fw_alert_watch_set_maintenance (other, &window, 1);
    for (t = start; t < start + 5400; t += 60)
      fw_alert_watch_add (other, t, 2.6, events);
    fire = find_event (events, FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_LOW);
    g_assert_nonnull (fire);
    g_assert_cmpint (fire->time, ==, window.to);
    g_assert_cmpuint (count_events (events, FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_LOW), ==, 1);
  }
}

static void
test_restore_and_order (void)
{
  g_autoptr(FwAlertWatch) watch = catfish_oxygen_watch (60);
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (FwAlertEvent));
  FwTime t = JULY_FIRST + 15 * 3600;

  /* An alert open before a restart is resolved, not raised again. */
  fw_alert_watch_restore (watch, FW_ALERT_CONDITION_LOW, FW_SEVERITY_WARNING);
  fw_alert_watch_add (watch, t, 2.8, events);
  g_assert_cmpuint (events->len, ==, 0);
  fw_alert_watch_add (watch, t + 60, 6.0, events);
  g_assert_cmpuint (count_events (events, FW_ALERT_EVENT_RESOLVE, FW_ALERT_CONDITION_LOW), ==, 1);

  /* Late and repeated readings are not taken; NAN neither. */
  g_assert_false (fw_alert_watch_add (watch, t + 30, 1.0, events));
  g_assert_false (fw_alert_watch_add (watch, t + 60, 1.0, events));
  g_assert_false (fw_alert_watch_add (watch, t + 120, NAN, events));
  g_assert_cmpint (fw_alert_watch_get_last_time (watch), ==, t + 60);
}

static void
test_sample (void)
{
  FwAlertSettings settings;
  FwAlertCondition condition;
  double limit;

  fw_alert_settings_get_default ("nile_tilapia", FW_PARAMETER_PH, &settings);
  g_assert_cmpint (fw_alert_check_sample (&settings, 7.5, &condition, &limit), ==, FW_SEVERITY_NONE);
  g_assert_cmpint (fw_alert_check_sample (&settings, 9.3, &condition, &limit), ==, FW_SEVERITY_WARNING);
  g_assert_cmpint (condition, ==, FW_ALERT_CONDITION_HIGH);
  g_assert_cmpfloat (limit, ==, 9.0);
  g_assert_cmpint (fw_alert_check_sample (&settings, 4.2, &condition, &limit), ==, FW_SEVERITY_CRITICAL);
  g_assert_cmpint (condition, ==, FW_ALERT_CONDITION_LOW);
  g_assert_cmpfloat (limit, ==, 5.0);
}

static void
test_night (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("Europe/Oslo");
  FwAlertSettings settings;
  FwTime dawn;
  /* 2025-03-30: clocks go forward at 02:00 local. 23:00 local on the 29th
   * is 22:00 UTC; dawn at 06:00 CEST is 04:00 UTC. */
  FwTime evening = 1743285600;

  fw_alert_settings_get_default (NULL, FW_PARAMETER_DISSOLVED_OXYGEN, &settings);
  g_assert_true (fw_alert_is_night (&settings, zone, evening, &dawn));
  g_assert_cmpint (dawn, ==, 1743307200);
  g_assert_false (fw_alert_is_night (&settings, zone, dawn, NULL));
  g_assert_false (fw_alert_is_night (&settings, zone, evening - 6 * 3600, NULL));
}

/* The lifecycle on records: events become alerts, an acknowledgement and
 * the server's resolution merge whichever order they meet in, and a new
 * excursion is a new alert. */
static void
test_records (void)
{
  const char *unit = "0b8c6d1e-2222-4222-8222-222222222222";
  const char *sensor = "0b8c6d1e-3333-4333-8333-333333333333";
  FwAlert *open[FW_N_ALERT_CONDITIONS] = { NULL, };
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (FwAlertEvent));
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_object_unref);
  FwAlertEvent fire = { FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_LOW, FW_SEVERITY_WARNING, JULY_FIRST + 1000, 2.8, 3.0 };
  FwAlertEvent worse = { FW_ALERT_EVENT_ESCALATE, FW_ALERT_CONDITION_LOW, FW_SEVERITY_CRITICAL, JULY_FIRST + 1300, 1.9, 2.0 };
  FwAlertEvent end = { FW_ALERT_EVENT_RESOLVE, FW_ALERT_CONDITION_LOW, FW_SEVERITY_CRITICAL, JULY_FIRST + 5000, 3.6, NAN };
  g_autoptr(FwAlert) acknowledged = NULL;
  g_autoptr(FwAlert) merged = NULL;
  g_autoptr(FwAlert) merged_again = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(FwRecord) decoded = NULL;
  g_autoptr(GError) error = NULL;
  FwAlert *first, *resolved;

  g_array_append_val (events, fire);
  g_array_append_val (events, worse);
  fw_alert_apply_events (open, unit, sensor, FW_PARAMETER_DISSOLVED_OXYGEN, events, FALSE, changed);
  g_assert_cmpuint (changed->len, ==, 2);
  first = g_ptr_array_index (changed, 1);
  g_assert_true (open[FW_ALERT_CONDITION_LOW] != NULL);
  g_assert_cmpint (fw_alert_get_severity (first), ==, FW_SEVERITY_CRITICAL);
  g_assert_cmpstr (fw_record_get_uuid (FW_RECORD (first)), ==,
                   fw_record_get_uuid (g_ptr_array_index (changed, 0)));

  /* A worker acknowledges the copy they have; meanwhile the server
   * resolves its own. Both survive the merge. */
  acknowledged = fw_alert_acknowledge (first, "Night crew", "Aerator 2 on", JULY_FIRST + 1400);
  g_assert_cmpint (fw_alert_get_state (acknowledged), ==, FW_ALERT_STATE_ACKNOWLEDGED);

  g_array_set_size (events, 0);
  g_array_append_val (events, end);
  fw_alert_apply_events (open, unit, sensor, FW_PARAMETER_DISSOLVED_OXYGEN, events, FALSE, changed);
  g_assert_null (open[FW_ALERT_CONDITION_LOW]);
  resolved = g_ptr_array_index (changed, changed->len - 1);
  g_assert_cmpint (fw_alert_get_state (resolved), ==, FW_ALERT_STATE_RESOLVED);

  merged = fw_alert_merge (resolved, acknowledged);
  g_assert_cmpint (fw_alert_get_state (merged), ==, FW_ALERT_STATE_RESOLVED);
  g_assert_cmpint (fw_alert_get_fields (merged)->resolved_at, ==, JULY_FIRST + 5000);
  g_assert_cmpstr (fw_alert_get_fields (merged)->acknowledged_by, ==, "Night crew");
  g_assert_cmpstr (fw_alert_get_fields (merged)->acknowledge_note, ==, "Aerator 2 on");

  /* The first acknowledgement stands. */
  {
    g_autoptr(FwAlert) other = fw_alert_acknowledge (first, "Day shift", NULL, JULY_FIRST + 1500);

    merged_again = fw_alert_merge (merged, other);
    g_assert_cmpstr (fw_alert_get_fields (merged_again)->acknowledged_by, ==, "Night crew");
  }

  /* Through the wire and back, whole. */
  node = fw_wire_encode_record (FW_RECORD (merged));
  decoded = fw_wire_decode_record (FW_ENTITY_ALERT, node, JULY_FIRST + 6000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fw_alert_get_state (FW_ALERT (decoded)), ==, FW_ALERT_STATE_RESOLVED);
  g_assert_cmpfloat (fw_alert_get_fields (FW_ALERT (decoded))->limit, ==, 2.0);
  g_assert_cmpstr (fw_alert_get_fields (FW_ALERT (decoded))->acknowledge_note, ==, "Aerator 2 on");

  /* The next excursion is a new alert. */
  g_array_set_size (events, 0);
  fire.time = JULY_FIRST + 9000;
  g_array_append_val (events, fire);
  fw_alert_apply_events (open, unit, sensor, FW_PARAMETER_DISSOLVED_OXYGEN, events, FALSE, changed);
  g_assert_cmpstr (fw_record_get_uuid (FW_RECORD (open[FW_ALERT_CONDITION_LOW])), !=,
                   fw_record_get_uuid (FW_RECORD (first)));
  g_clear_object (&open[FW_ALERT_CONDITION_LOW]);
}

/* A manual sample past a limit raises an alert marked offline; a later bad
 * one keeps it (escalating), a good one ends it. */
static void
test_water_sample (void)
{
  const char *unit = "0b8c6d1e-2222-4222-8222-222222222222";
  g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(FwLogbookEntry) low = g_object_new (FW_TYPE_LOGBOOK_ENTRY, "unit-uuid", unit, "kind", "water_sample",
                                                "occurred-at", (gint64) 1000,
                                                "payload", "{\"dissolved_oxygen_mg_l\": 2.6, \"ph\": 7.4}", NULL);
  g_autoptr(FwLogbookEntry) lower = g_object_new (FW_TYPE_LOGBOOK_ENTRY, "unit-uuid", unit, "kind", "water_sample",
                                                  "occurred-at", (gint64) 2000,
                                                  "payload", "{\"dissolved_oxygen_mg_l\": 1.5}", NULL);
  g_autoptr(FwLogbookEntry) fine = g_object_new (FW_TYPE_LOGBOOK_ENTRY, "unit-uuid", unit, "kind", "water_sample",
                                                 "occurred-at", (gint64) 3000,
                                                 "payload", "{\"dissolved_oxygen_mg_l\": 6.0}", NULL);
  FwAlert *alert;

  changed = fw_alert_check_water_sample (low, NULL, "channel_catfish", alerts, TRUE);
  g_assert_cmpuint (changed->len, ==, 1);
  alert = g_ptr_array_index (changed, 0);
  g_assert_cmpint (fw_alert_get_severity (alert), ==, FW_SEVERITY_WARNING);
  g_assert_true (fw_alert_get_fields (alert)->raised_offline);
  g_assert_null (fw_alert_get_fields (alert)->sensor_uuid);
  g_assert_cmpint (fw_alert_get_fields (alert)->started_at, ==, 1000);
  g_ptr_array_add (alerts, g_object_ref (alert));
  g_clear_pointer (&changed, g_ptr_array_unref);

  changed = fw_alert_check_water_sample (lower, NULL, "channel_catfish", alerts, TRUE);
  g_assert_cmpuint (changed->len, ==, 1);
  alert = g_ptr_array_index (changed, 0);
  g_assert_cmpstr (fw_record_get_uuid (FW_RECORD (alert)), ==, fw_record_get_uuid (g_ptr_array_index (alerts, 0)));
  g_assert_cmpint (fw_alert_get_severity (alert), ==, FW_SEVERITY_CRITICAL);
  g_ptr_array_remove_index (alerts, 0);
  g_ptr_array_add (alerts, g_object_ref (alert));
  g_clear_pointer (&changed, g_ptr_array_unref);

  changed = fw_alert_check_water_sample (fine, NULL, "channel_catfish", alerts, FALSE);
  g_assert_cmpuint (changed->len, ==, 1);
  g_assert_cmpint (fw_alert_get_state (g_ptr_array_index (changed, 0)), ==, FW_ALERT_STATE_RESOLVED);
}

int
main (int   argc,
      char *argv[])
{
  fw_test_init (&argc, &argv);

  g_test_add_func ("/alerts/defaults", test_defaults);
  g_test_add_func ("/alerts/settings-json", test_settings_json);
  g_test_add_func ("/alerts/flapping", test_flapping);
  g_test_add_func ("/alerts/min-duration", test_min_duration);
  g_test_add_func ("/alerts/escalation", test_escalation);
  g_test_add_func ("/alerts/silence", test_silence);
  g_test_add_func ("/alerts/stuck", test_stuck);
  g_test_add_func ("/alerts/falling-trend", test_falling_trend);
  g_test_add_func ("/alerts/dawn-projection", test_dawn_projection);
  g_test_add_func ("/alerts/maintenance", test_maintenance);
  g_test_add_func ("/alerts/restore-and-order", test_restore_and_order);
  g_test_add_func ("/alerts/sample", test_sample);
  g_test_add_func ("/alerts/night", test_night);
  g_test_add_func ("/alerts/records", test_records);
  g_test_add_func ("/alerts/water-sample", test_water_sample);

  return g_test_run ();
}
