/* test-logbook.c — entry checks and the stock ledger, on worked examples
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "fw-core.h"
#include "fw-test-util.h"

#define UNIT  "a0000000-0000-4000-8000-00000000000a"
#define OTHER "b0000000-0000-4000-8000-00000000000b"
#define DAY   86400
#define START G_GINT64_CONSTANT (1767225600)   /* 2026-01-01 00:00 UTC */

static JsonObject *
object (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return json_object_ref (json_node_get_object (node));
}

/* The problems of an entry, joined, or "" when there is none. */
static char *
problems (const char *kind,
          FwTime      occurred_at,
          const char *json,
          gint64      fish_alive)
{
  g_autoptr(JsonObject) payload = object (json);
  FwLogbookContext context = { UNIT, fish_alive, START };
  g_autoptr(GPtrArray) found = fw_logbook_validate (kind, occurred_at, payload, &context);

  return fw_field_problems_to_string (found);
}

static void
assert_problem (const char *kind,
                const char *json,
                gint64      fish_alive,
                const char *expected)
{
  g_autofree char *text = problems (kind, START, json, fish_alive);

  g_assert_cmpstr (text, ==, expected);
}

/* Each bad input is refused with a message that names it; good ones pass. */
static void
test_validation (void)
{
  g_autofree char *future = NULL;
  g_autofree char *ahead = NULL;

  assert_problem ("feeding", "{\"feed_type\": \"Grower 32%\", \"kg\": 12.5, \"method\": \"hand\"}", -1, "");
  assert_problem ("feeding", "{\"kg\": 12.5}", -1, "Feed type is needed");
  assert_problem ("feeding", "{\"feed_type\": \"Grower\", \"kg\": -3}", -1,
                  "Amount of -3 kg is not plausible: expect 0 to 10000 kg");
  assert_problem ("feeding", "{\"feed_type\": \"Grower\", \"kg\": \"lots\"}", -1,
                  "Amount must be a number, not “lots”");
  assert_problem ("feeding", "{\"feed_type\": \"Grower\", \"kg\": 5, \"method\": \"catapult\"}", -1,
                  "“catapult” is not one of the choices for Method");

  assert_problem ("water_sample", "{\"dissolved_oxygen_mg_l\": 35}", -1,
                  "Dissolved oxygen of 35 mg/L is not plausible: expect 0 to 30 mg/L");
  assert_problem ("water_sample", "{\"ph\": 14.5}", -1, "pH of 14.5 is not plausible: expect 0 to 14");
  assert_problem ("water_sample", "{\"ph\": 7.4, \"temperature_c\": 28}", -1, "");
  assert_problem ("water_sample", "{}", -1, "Enter at least one measurement");

  assert_problem ("mortality", "{\"count\": 2.5}", -1, "Dead fish must be a whole number, not 2.5");
  assert_problem ("mortality", "{\"count\": 0}", -1, "Dead fish must be at least 1");
  assert_problem ("mortality", "{\"count\": 120}", 100, "Only 100 fish are alive in this unit, fewer than 120");
  assert_problem ("mortality", "{\"count\": 100, \"cause\": \"low_oxygen\"}", 100, "");
  assert_problem ("harvest", "{\"count\": 5000, \"total_kg\": 2000}", 4000,
                  "Only 4000 fish are alive in this unit, fewer than 5000");

  assert_problem ("transfer", "{\"to_unit\": \"" UNIT "\", \"count\": 10, \"mean_weight_g\": 50}", 100,
                  "A transfer must go to another unit");
  assert_problem ("transfer", "{\"to_unit\": \"" OTHER "\", \"count\": 10, \"mean_weight_g\": 50}", 100, "");

  assert_problem ("observation", "{\"text\": \"   \"}", -1, "Observation is needed");
  assert_problem ("coffee_break", "{}", -1, "“coffee_break” is not a kind of logbook entry");

  /* Ten minutes ahead is a drifting clock; an hour is a mistake. */
  ahead = problems ("observation", START + 9 * 60, "{\"text\": \"Birds\"}", -1);
  g_assert_cmpstr (ahead, ==, "");
  future = problems ("observation", START + 3600, "{\"text\": \"Birds\"}", -1);
  g_assert_cmpstr (future, ==, "The time is in the future: an entry can be dated at most 10 minutes ahead");
}

static FwLogbookEntry *
entry (const char *unit,
       const char *kind,
       int         day,
       const char *json)
{
  return g_object_new (FW_TYPE_LOGBOOK_ENTRY,
                       "unit-uuid", unit,
                       "kind", kind,
                       "occurred-at", START + (FwTime) day * DAY,
                       "payload", json,
                       NULL);
}

/* A worked example, figures checked by hand:
 *   day 0   stock 10,000 fish of 5 g (50 kg)
 *   days 1–40 feed 100 kg a day (4,000 kg)
 *   day 30  500 dead
 *   day 60  weighed: 100 g; then 1,000 fish (100 g) moved to another unit
 *   day 90  4,000 harvested, 720 kg
 * SGR = 100 ln (100 / 5) / 60 = 4.99288 % a day. At day 30 the mean weight
 * is 5 × √20 = 22.3607 g, so the dead weighed 11.1803 kg. At day 90 it is
 * 100 × e^(0.0499288 × 30) = 447.214 g; 4,500 fish alive, 2,012.46 kg.
 * Gain = 2,012.46 + (100 + 720) − 50 = 2,782.46 kg: economic FCR
 * 4,000 / 2,782.46 = 1.43757; biological 4,000 / 2,793.64 = 1.43182.
 * Survival 100 (1 − 500 / 10,000) = 95 %. */
static void
test_stock_worked_example (void)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  FwStock stock, before, other;

  g_ptr_array_add (entries, entry (UNIT, "harvest", 90, "{\"count\": 4000, \"total_kg\": 720}"));
  g_ptr_array_add (entries, entry (UNIT, "stocking", 0,
                                   "{\"species\": \"nile_tilapia\", \"count\": 10000, \"mean_weight_g\": 5}"));
  for (int day = 1; day <= 40; day++)
    g_ptr_array_add (entries, entry (UNIT, "feeding", day, "{\"feed_type\": \"Grower\", \"kg\": 100}"));
  g_ptr_array_add (entries, entry (UNIT, "mortality", 30, "{\"count\": 500, \"cause\": \"disease\"}"));
  g_ptr_array_add (entries, entry (UNIT, "weight_sample", 60, "{\"fish_weighed\": 50, \"mean_weight_g\": 100}"));
  g_ptr_array_add (entries, entry (UNIT, "transfer", 60,
                                   "{\"to_unit\": \"" OTHER "\", \"count\": 1000, \"mean_weight_g\": 100}"));
  /* Deleted, and not JSON: both left out. */
  g_ptr_array_add (entries, entry (UNIT, "mortality", 31, "{\"count\": 9000}"));
  fw_record_set_deleted (g_ptr_array_index (entries, entries->len - 1), TRUE);
  g_ptr_array_add (entries, entry (UNIT, "feeding", 32, "not json"));

  fw_stock_compute (UNIT, entries, 500, 0, START + 90 * DAY, &stock);

  g_assert_cmpint (stock.stocked, ==, 10000);
  g_assert_cmpint (stock.dead, ==, 500);
  g_assert_cmpint (stock.transferred_out, ==, 1000);
  g_assert_cmpint (stock.harvested, ==, 4000);
  g_assert_cmpint (stock.alive, ==, 4500);
  g_assert_cmpfloat_with_epsilon (stock.feed_kg, 4000, 1e-9);
  g_assert_cmpfloat_with_epsilon (stock.sgr, 4.99288, 1e-5);
  g_assert_cmpfloat_with_epsilon (stock.dead_kg, 11.1803, 1e-4);
  g_assert_cmpfloat_with_epsilon (stock.mean_weight_g, 447.214, 1e-3);
  g_assert_cmpfloat_with_epsilon (stock.biomass_kg, 2012.46, 1e-2);
  g_assert_true (stock.density_per_m3);
  g_assert_cmpfloat_with_epsilon (stock.density, 4.02492, 1e-4);
  g_assert_cmpfloat_with_epsilon (stock.fcr_economic, 1.43757, 1e-5);
  g_assert_cmpfloat_with_epsilon (stock.fcr_biological, 1.43182, 1e-5);
  g_assert_cmpfloat_with_epsilon (stock.survival_percent, 95, 1e-9);
  g_assert_cmpfloat_with_epsilon (stock.days_in_culture, 90, 1e-9);

  /* Before the sample: one weight, no growth rate, no projection. */
  fw_stock_compute (UNIT, entries, 500, 0, START + 45 * DAY, &before);
  g_assert_cmpint (before.alive, ==, 9500);
  g_assert_true (isnan (before.sgr));
  g_assert_cmpfloat (before.mean_weight_g, ==, 5);

  /* The other unit received the thousand fish at 100 g; kg/m² without
   * a volume. */
  fw_stock_compute (OTHER, entries, 0, 200, START + 90 * DAY, &other);
  g_assert_cmpint (other.stocked, ==, 1000);
  g_assert_cmpint (other.alive, ==, 1000);
  g_assert_cmpfloat (other.mean_weight_g, ==, 100);
  g_assert_false (other.density_per_m3);
  g_assert_cmpfloat_with_epsilon (other.density, 0.5, 1e-9);
  g_assert_true (isnan (other.fcr_economic));
}

/* A second stocking mixes in: the mean weight is the weighted mean, and
 * losses never take the count below zero. */
static void
test_stock_mixing_and_floors (void)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  FwStock stock;

  g_ptr_array_add (entries, entry (UNIT, "stocking", 0, "{\"species\": \"common_carp\", \"count\": 1000, \"mean_weight_g\": 10}"));
  g_ptr_array_add (entries, entry (UNIT, "stocking", 0, "{\"species\": \"common_carp\", \"count\": 3000, \"mean_weight_g\": 30}"));
  g_ptr_array_add (entries, entry (UNIT, "mortality", 5, "{\"count\": 5000}"));

  fw_stock_compute (UNIT, entries, 0, 0, START + 10 * DAY, &stock);
  g_assert_cmpint (stock.stocked, ==, 4000);
  g_assert_cmpint (stock.alive, ==, 0);
  g_assert_cmpint (stock.dead, ==, 4000);
  g_assert_cmpfloat (stock.mean_weight_g, ==, 25);
  g_assert_cmpfloat_with_epsilon (stock.stocked_kg, 100, 1e-9);
  g_assert_true (isnan (stock.density));
  g_assert_cmpfloat (stock.survival_percent, ==, 0);

  /* Nothing stocked: no figures to make up. */
  fw_stock_compute (OTHER, entries, 10, 0, START, &stock);
  g_assert_cmpint (stock.alive, ==, 0);
  g_assert_true (isnan (stock.mean_weight_g));
  g_assert_true (isnan (stock.survival_percent));
  g_assert_true (isnan (stock.days_in_culture));
}

static FwLogbookEntry *
entry_with_id (gint64      id,
               const char *kind,
               int         day,
               const char *json)
{
  FwLogbookEntry *made = entry (UNIT, kind, day, json);

  g_object_set (made, "id", id, NULL);
  return made;
}

/* Entries of one moment go in the order they were made; a backdated death
 * that would leave a later harvest short is caught; an emptied unit
 * restocked starts a new growth cycle. */
static void
test_ledger_order_and_checks (void)
{
  g_autoptr(GPtrArray) history = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(FwLogbookEntry) backdated = entry (UNIT, "mortality", 5, "{\"count\": 30}");
  g_autoptr(FwLogbookEntry) small = entry (UNIT, "mortality", 5, "{\"count\": 0}");
  FwStock stock;

  /* Listed newest first, as the cache lists them. */
  g_ptr_array_add (history, entry_with_id (3, "harvest", 10, "{\"count\": 950, \"total_kg\": 500}"));
  g_ptr_array_add (history, entry_with_id (2, "mortality", 0, "{\"count\": 50}"));
  g_ptr_array_add (history, entry_with_id (1, "stocking", 0,
                                           "{\"species\": \"nile_tilapia\", \"count\": 1000, \"mean_weight_g\": 5}"));

  fw_stock_compute (UNIT, history, 0, 0, START + 20 * DAY, &stock);
  g_assert_cmpint (stock.dead, ==, 50);
  g_assert_cmpint (stock.harvested, ==, 950);
  g_assert_cmpint (stock.alive, ==, 0);
  g_assert_cmpint (stock.shortfall, ==, 0);
  g_assert_cmpfloat (stock.survival_percent, ==, 95);

  g_assert_cmpint (fw_stock_check_entry (UNIT, history, backdated), ==, 30);
  g_assert_cmpint (fw_stock_check_entry (UNIT, history, small), ==, 0);

  /* Restocked after the harvest: the new fish's weights alone. */
  g_ptr_array_add (history, entry_with_id (4, "stocking", 30,
                                           "{\"species\": \"nile_tilapia\", \"count\": 800, \"mean_weight_g\": 10}"));
  g_ptr_array_add (history, entry_with_id (5, "weight_sample", 40, "{\"fish_weighed\": 20, \"mean_weight_g\": 20}"));
  fw_stock_compute (UNIT, history, 0, 0, START + 40 * DAY, &stock);
  g_assert_cmpint (stock.alive, ==, 800);
  g_assert_cmpfloat_with_epsilon (stock.sgr, 100 * log (2) / 10, 1e-9);
  g_assert_cmpfloat_with_epsilon (stock.mean_weight_g, 20, 1e-9);
}

/* The CSV a spreadsheet gets: quoted where it must be, ISO times in the
 * farm's zone, the summary with what a water sample implies. */
static void
test_reports (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("+07:00");
  g_autoptr(FwLogbookEntry) sample = entry (UNIT, "water_sample", 0,
                                            "{\"total_ammonia_mg_l\": 2, \"ph\": 8, \"temperature_c\": 25}");
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  FwStock stock;

  fw_report_logbook_header (csv);
  fw_report_logbook_row (csv, sample, "Pond \"7\", east", "Waiting to sync", tz);
  g_assert_cmpstr (csv->str, ==,
                   "time,unit,kind,details,sync_state,payload\r\n"
                   "2026-01-01T07:00:00+07,\"Pond \"\"7\"\", east\",water_sample,"
                   "\"Temperature 25 °C, pH 8, Total ammonia nitrogen 2 mg/L; un-ionised ammonia 0.108 mg/L (5.4 %)\","
                   "Waiting to sync,"
                   "\"{\"\"total_ammonia_mg_l\"\": 2, \"\"ph\"\": 8, \"\"temperature_c\"\": 25}\"\r\n");

  g_ptr_array_add (entries, entry (UNIT, "stocking", 0, "{\"species\": \"nile_tilapia\", \"count\": 100, \"mean_weight_g\": 20}"));
  fw_stock_compute (UNIT, entries, 10, 0, START + DAY, &stock);
  g_string_truncate (csv, 0);
  fw_report_stock_row (csv, "Tank 1", &stock);
  g_assert_cmpstr (csv->str, ==, "Tank 1,100,100,0,0,0,20.0,2.0,0.200,kg/m3,0.0,,,,100.0,1.0\r\n");
}

int
main (int   argc,
      char *argv[])
{
  fw_test_init (&argc, &argv);

  g_test_add_func ("/logbook/validation", test_validation);
  g_test_add_func ("/logbook/stock-worked-example", test_stock_worked_example);
  g_test_add_func ("/logbook/stock-mixing-and-floors", test_stock_mixing_and_floors);
  g_test_add_func ("/logbook/reports", test_reports);
  g_test_add_func ("/logbook/ledger-order-and-checks", test_ledger_order_and_checks);

  return g_test_run ();
}
