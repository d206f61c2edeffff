/* test-water.c — the water chemistry calculators against published tables
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "fw-core.h"
#include "fw-test-util.h"

/* Emerson K., Russo R. C., Lund R. E., Thurston R. V. (1975), J. Fish.
 * Res. Board Can. 32: 2379–2383, Table 2: percent un-ionised ammonia in
 * fresh water, to three significant figures. */
static void
test_ammonia_against_emerson (void)
{
  static const struct { double t, ph, percent; } table[] = {
    { 5, 7.0, 0.125 },
    { 10, 8.0, 1.83 },
    { 20, 7.0, 0.396 },
    { 20, 8.0, 3.82 },
    { 20, 9.0, 28.4 },
    { 25, 7.0, 0.566 },
    { 25, 8.0, 5.38 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr(GError) error = NULL;
      double fraction = -1;

      g_assert_true (fw_water_unionised_ammonia_fraction (table[i].t, table[i].ph, &fraction, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (100 * fraction, table[i].percent, table[i].percent * 0.005);
    }
}

/* APHA, Standard Methods 4500-O, table of oxygen solubility at 1 atm
 * (Benson and Krause 1984): fresh water, and chlorinity 10 and 20 g/kg
 * (salinity = 1.80655 × chlorinity). */
static void
test_oxygen_against_apha (void)
{
  static const struct { double t, salinity, mg_l; } table[] = {
    { 0, 0, 14.621 },
    { 10, 0, 11.288 },
    { 20, 0, 9.092 },
    { 25, 0, 8.263 },
    { 30, 0, 7.559 },
    { 35, 0, 6.950 },
    { 0, 1.80655 * 10, 12.888 },
    { 20, 1.80655 * 10, 8.174 },
    { 0, 1.80655 * 20, 11.355 },
    { 20, 1.80655 * 20, 7.346 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr(GError) error = NULL;
      double saturation = -1;

      g_assert_true (fw_water_oxygen_saturation (table[i].t, table[i].salinity, &saturation, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (saturation, table[i].mg_l, 0.005);
    }
}

/* Outside the range the equations were fitted over: refused, named. */
static void
test_out_of_range (void)
{
  g_autoptr(GError) error = NULL;
  double value = 42;

  g_assert_false (fw_water_unionised_ammonia_fraction (25, 15, &value, &error));
  g_assert_error (error, FW_WATER_ERROR, FW_WATER_ERROR_OUT_OF_RANGE);
  g_assert_cmpstr (error->message, ==, "pH 15 is outside 0–14, where the equation holds");
  g_clear_error (&error);

  g_assert_false (fw_water_oxygen_saturation (52, 0, &value, &error));
  g_assert_nonnull (strstr (error->message, "Temperature 52 °C"));
  g_clear_error (&error);

  g_assert_false (fw_water_oxygen_saturation (20, NAN, &value, &error));
  g_assert_nonnull (strstr (error->message, "Salinity"));
  g_clear_error (&error);

  g_assert_false (fw_water_unionised_ammonia_fraction (-3, 7, &value, &error));
  g_assert_cmpfloat (value, ==, 42);
}

static char *
run_cli (const char * const *args,
         int                *status)
{
  const char *cli = g_getenv ("FISHWATCH_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, status, &error));
  g_assert_no_error (error);
  return out;
}

/* fishwatch-cli calc prints name: value lines. */
static void
test_cli_calc (void)
{
  const char * const ammonia[] = { "calc", "ammonia", "--tan", "2", "--ph", "8", "--temp", "25", NULL };
  const char * const oxygen[] = { "calc", "oxygen", "--temp", "20", "--do", "6.5", NULL };
  const char * const missing[] = { "calc", "ammonia", "--tan", "2", NULL };
  const char * const bad[] = { "calc", "oxygen", "--temp", "warm", NULL };
  g_autofree char *out = NULL;
  int status = -1;

  if (g_getenv ("FISHWATCH_CLI") == NULL)
    {
      g_test_skip ("FISHWATCH_CLI is not set");
      return;
    }

  out = run_cli (ammonia, &status);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (out, ==, "unionised_fraction: 0.05384\nunionised_ammonia_mg_l: 0.1077\n");
  g_clear_pointer (&out, g_free);

  out = run_cli (oxygen, &status);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (out, ==, "saturation_mg_l: 9.092\nsaturation_percent: 71.5\n");
  g_clear_pointer (&out, g_free);

  out = run_cli (missing, &status);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 2);
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);

  out = run_cli (bad, &status);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 2);
}

int
main (int   argc,
      char *argv[])
{
  fw_test_init (&argc, &argv);

  g_test_add_func ("/water/ammonia-against-emerson-1975", test_ammonia_against_emerson);
  g_test_add_func ("/water/oxygen-against-apha-4500-o", test_oxygen_against_apha);
  g_test_add_func ("/water/out-of-range", test_out_of_range);
  g_test_add_func ("/water/cli-calc", test_cli_calc);

  return g_test_run ();
}
