/* main.c — fishwatch-cli: Fish Watch without a window
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same cache, outbox and sync engine as the app, for scripts, cron and
 * tests. Exit codes a script can rely on:
 *   0  done
 *   1  sync failed for now (no link, server busy or failing): try later
 *   2  the command line is wrong
 *   3  sign in first (no session, or the server forgot it)
 *   4  refused: by the server, or for bad settings; trying again won't help
 *   5  the local cache failed (damaged, disk full, newer format)
 * Messages go to standard error; results to standard output.
 *
 * --timeout SECONDS (login, sync) waits that long for each answer of the
 * server instead of 30 s. It is left out of --help: people have no reason
 * to change it, but tests of a server that stalls need a short one.
 */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <glib/gi18n.h>

#include "fw-core.h"

enum {
  EXIT_DONE = 0,
  EXIT_RETRY = 1,
  EXIT_USAGE = 2,
  EXIT_SIGN_IN = 3,
  EXIT_REFUSED = 4,
  EXIT_CACHE = 5,
};

#define STATE_SERVER "server_url"
#define STATE_USERNAME "username"
#define STATE_TOKEN "token"

static char *cache_path;
static char *server_url;
static char *ca_file;
static int raw_days = -1;
static int timeout_seconds;

static const GOptionEntry entries[] = {
  { "cache", 'c', 0, G_OPTION_ARG_FILENAME, &cache_path, N_("The local cache (default: the app’s)"), N_("FILE") },
  { "server", 's', 0, G_OPTION_ARG_STRING, &server_url, N_("The Fish Watch server, for login"), N_("URL") },
  { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, N_("Trust the certificate authorities in FILE (self-hosted servers)"), N_("FILE") },
  { "raw-days", 0, 0, G_OPTION_ARG_INT, &raw_days, N_("sync: days of sensor readings to keep (default 90; 0 for none)"), N_("DAYS") },
  { "timeout", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &timeout_seconds, N_("Seconds to wait for each answer of the server (default 30)"), N_("SECONDS") },
  { NULL }
};

static int
fail (int         status,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static int
fail (int         status,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("fishwatch-cli: %s\n", message);
  return status;
}

static int
exit_for_sync_error (const GError *error)
{
  if (error->domain != FW_SYNC_ERROR)
    return EXIT_CACHE;

  switch ((FwSyncError) error->code)
    {
    case FW_SYNC_ERROR_UNAUTHORIZED:
      return EXIT_SIGN_IN;
    case FW_SYNC_ERROR_UNREACHABLE:
    case FW_SYNC_ERROR_THROTTLED:
    case FW_SYNC_ERROR_SERVER:
    case FW_SYNC_ERROR_PROTOCOL:
      return EXIT_RETRY;
    case FW_SYNC_ERROR_CERTIFICATE:
    case FW_SYNC_ERROR_REFUSED:
    case FW_SYNC_ERROR_INVALID:
    default:
      return EXIT_REFUSED;
    }
}

static char *
read_password (void)
{
  char line[1024];
  size_t length;

  if (fgets (line, sizeof line, stdin) == NULL)
    return NULL;

  length = strlen (line);
  while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r'))
    line[--length] = '\0';

  return g_strdup (line);
}

static int
command_login (FwCache    *cache,
               const char *username)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  g_autofree char *token = NULL;
  g_autofree char *stored_server = NULL;
  FwSyncConfig config = { 0, };

  stored_server = fw_cache_get_sync_state (cache, STATE_SERVER, NULL);
  config.server_url = server_url ?: stored_server;
  config.ca_file = ca_file;
  config.timeout = (guint) timeout_seconds;
  if (config.server_url == NULL)
    return fail (EXIT_USAGE, _("Say which server with --server URL"));

  password = read_password ();
  if (password == NULL || *password == '\0')
    return fail (EXIT_USAGE, _("Give the password on standard input"));

  token = fw_sync_sign_in (&config, username, password, NULL, &error);
  if (token == NULL)
    return fail (exit_for_sync_error (error), "%s", error->message);

  /* The cache file is the user's own (mode 0600 folder): a headless
   * machine has no keyring. The desktop app keeps its token in the
   * keyring instead. */
  if (!fw_cache_set_sync_state (cache, STATE_SERVER, config.server_url, &error) ||
      !fw_cache_set_sync_state (cache, STATE_USERNAME, username, &error) ||
      !fw_cache_set_sync_state (cache, STATE_TOKEN, token, &error))
    return fail (EXIT_CACHE, "%s", error->message);

  g_print (_("Signed in to %s as %s\n"), config.server_url, username);
  return EXIT_DONE;
}

static int
command_sync (FwCache *cache)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *stored_server = fw_cache_get_sync_state (cache, STATE_SERVER, NULL);
  g_autofree char *token = fw_cache_get_sync_state (cache, STATE_TOKEN, NULL);
  FwSyncConfig config = { 0, };
  FwSyncReport report;

  if (stored_server == NULL || token == NULL)
    return fail (EXIT_SIGN_IN, _("Sign in first: fishwatch-cli --server URL login NAME"));

  config.server_url = stored_server;
  config.token = token;
  config.ca_file = ca_file;
  config.timeout = (guint) timeout_seconds;
  config.raw_history_days = raw_days >= 0 ? (guint) raw_days : 90;

  if (!fw_sync_run (cache, &config, &report, NULL, &error))
    {
      if (report.retry_after > 0)
        g_printerr (_("The server asks to wait %u s before trying again\n"), report.retry_after);
      return fail (exit_for_sync_error (error), "%s", error->message);
    }

  g_print ("pushed: %u\napplied: %u\nrejected: %u\nconflicts: %u\nchanges pulled: %u\nreadings pulled: %" G_GINT64_FORMAT "\n",
           report.pushed, report.applied, report.rejected, report.conflicts, report.changes, report.readings);
  if (report.resynced)
    g_print ("resynced: yes\n");

  return EXIT_DONE;
}

static int
command_status (FwCache *cache)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server = fw_cache_get_sync_state (cache, STATE_SERVER, NULL);
  g_autofree char *username = fw_cache_get_sync_state (cache, STATE_USERNAME, NULL);
  g_autofree char *token = fw_cache_get_sync_state (cache, STATE_TOKEN, NULL);
  g_autofree char *cursor = fw_cache_get_sync_state (cache, "cursor", NULL);
  FwTime last_success = fw_sync_get_last_success (cache);
  g_autofree char *last_error = fw_sync_dup_last_error (cache);
  g_autofree char *last = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  guint pending = 0, rejected = 0, conflicts = 0;

  if (!fw_cache_count_outbox (cache, &pending, &rejected, &conflicts, &error))
    return fail (EXIT_CACHE, "%s", error->message);

  if (last_success > 0)
    last = fw_wire_format_time (last_success);

  g_print ("server: %s\n", server ?: "none");
  g_print ("user: %s%s\n", username ?: "none", username != NULL && token == NULL ? " (signed out)" : "");
  g_print ("pending: %u\nrejected: %u\nconflicts: %u\n", pending, rejected, conflicts);
  g_print ("last sync: %s\n", last ?: "never");
  g_print ("cursor: %s\n", cursor ?: "none");
  if (last_error != NULL)
    g_print ("last error: %s\n", last_error);

  refused = fw_cache_list_outbox (cache, FW_OUTBOX_REJECTED, 100, &error);
  for (guint i = 0; refused != NULL && i < refused->len; i++)
    {
      FwOutboxEntry *entry = g_ptr_array_index (refused, i);

      g_print ("rejected %s %s: %s\n", fw_entity_to_string (entry->entity), entry->record_uuid,
               entry->error ?: "no reason given");
    }

  return EXIT_DONE;
}

/* A value as its field's type says: a number for a number or a count
 * (kept as typed when it is not one, for the check to name it), text for
 * the rest; a field this version does not know, by how it looks. */
static void
add_payload_value (JsonBuilder *builder,
                   const char  *kind,
                   const char  *key,
                   const char  *text)
{
  const FwField *fields;
  const FwField *field = NULL;
  guint n_fields;
  double number;
  char *end = NULL;

  fields = fw_logbook_kind_get_fields (kind, &n_fields);
  for (guint i = 0; fields != NULL && i < n_fields; i++)
    if (g_str_equal (fields[i].key, key))
      field = &fields[i];

  number = g_ascii_strtod (text, &end);
  if (field != NULL && field->type != FW_FIELD_NUMBER && field->type != FW_FIELD_COUNT)
    json_builder_add_string_value (builder, text);
  else if (*text != '\0' && end != NULL && *end == '\0' && isfinite (number))
    json_builder_add_double_value (builder, number);
  else
    json_builder_add_string_value (builder, text);
}

static FwUnit *
find_unit (FwCache     *cache,
           const char  *name,
           GError     **error)
{
  g_autoptr(GPtrArray) farms = fw_cache_list_farms (cache, error);

  if (farms == NULL)
    return NULL;

  for (guint f = 0; f < farms->len; f++)
    {
      g_autoptr(GPtrArray) units = fw_cache_list_units (cache, fw_record_get_id (g_ptr_array_index (farms, f)), 0, error);

      if (units == NULL)
        return NULL;

      for (guint u = 0; u < units->len; u++)
        {
          FwUnit *unit = g_ptr_array_index (units, u);

          if (g_strcmp0 (fw_unit_get_name (unit), name) == 0 ||
              g_strcmp0 (fw_record_get_uuid (FW_RECORD (unit)), name) == 0)
            return g_object_ref (unit);
        }
    }

  g_set_error (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_NOT_FOUND, _("No unit named “%s” in the cache"), name);
  return NULL;
}

static int
command_log (FwCache  *cache,
             int       argc,
             char    **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;
  g_autoptr(FwUnit) unit = NULL;
  g_autoptr(FwRecord) entry = NULL;
  g_autofree char *payload_text = NULL;
  const char *kind = argv[0];
  const char *unit_name = NULL;
  FwTime now = g_get_real_time () / G_USEC_PER_SEC;
  FwTime occurred = now;

  if (!fw_logbook_kind_is_valid (kind))
    return fail (EXIT_USAGE, _("“%s” is not a kind of logbook entry (feeding, mortality, water_sample, observation, …)"), kind);

  json_builder_begin_object (builder);
  for (int i = 1; i < argc; i++)
    {
      g_auto(GStrv) pair = g_strsplit (argv[i], "=", 2);

      if (g_strv_length (pair) != 2 || *pair[0] == '\0')
        return fail (EXIT_USAGE, _("“%s” is not KEY=VALUE"), argv[i]);

      if (g_str_equal (pair[0], "unit"))
        unit_name = argv[i] + strlen ("unit=");
      else if (g_str_equal (pair[0], "time"))
        {
          if (!fw_wire_parse_time (pair[1], &occurred))
            return fail (EXIT_USAGE, _("time=%s is not an RFC 3339 time such as 2026-11-27T06:30:00Z"), pair[1]);
          if (occurred > now + FW_WIRE_FUTURE_TOLERANCE)
            return fail (EXIT_USAGE, _("time=%s is in the future"), pair[1]);
        }
      else
        {
          g_autoptr(FwUnit) to = NULL;
          const char *value = pair[1];

          /* A transfer names the unit the fish go to, as people call it. */
          if (g_str_equal (pair[0], "to_unit"))
            {
              to = find_unit (cache, pair[1], &error);
              if (to == NULL)
                return fail (EXIT_USAGE, "%s", error->message);
              value = fw_record_get_uuid (FW_RECORD (to));
            }

          json_builder_set_member_name (builder, pair[0]);
          add_payload_value (builder, kind, pair[0], value);
        }
    }
  json_builder_end_object (builder);

  if (unit_name == NULL)
    return fail (EXIT_USAGE, _("Say which unit: unit=NAME"));

  unit = find_unit (cache, unit_name, &error);
  if (unit == NULL)
    return fail (error->domain == FW_DATABASE_ERROR && error->code == FW_DATABASE_ERROR_NOT_FOUND ? EXIT_USAGE : EXIT_CACHE,
                 "%s", error->message);

  payload = json_builder_get_root (builder);

  payload_text = json_to_string (payload, FALSE);
  entry = g_object_new (FW_TYPE_LOGBOOK_ENTRY,
                        "unit-uuid", fw_record_get_uuid (FW_RECORD (unit)),
                        "kind", kind,
                        "occurred-at", occurred,
                        "payload", payload_text,
                        NULL);

  /* Checked as the app checks it: the fields, the time, the fish alive
   * then and after, a transfer's destination. */
  {
    g_autoptr(GPtrArray) problems = NULL;

    if (!fw_logbook_check (cache, FW_LOGBOOK_ENTRY (entry), now, &problems, &error))
      return fail (EXIT_CACHE, "%s", error->message);
    if (problems->len > 0)
      {
        g_autofree char *text = fw_field_problems_to_string (problems);

        return fail (EXIT_USAGE, _("Not saved: %s"), text);
      }
  }

  if (!fw_cache_record_change (cache, entry, FALSE, &error))
    return fail (EXIT_CACHE, "%s", error->message);

  /* Printed only once the entry and its outbox row are committed. */
  g_print ("saved %s\n", fw_record_get_uuid (entry));
  return EXIT_DONE;
}

/* fishwatch-cli import FILE time=COLUMN [format=F] [zone=Z] [unit=NAME]
 *                      COLUMN=PARAMETER[*SCALE]… */
static int
command_import (FwCache  *cache,
                int       argc,
                char    **argv)
{
  g_autoptr(FwImportMapping) mapping = NULL;
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) parameters = g_array_new (FALSE, FALSE, sizeof (FwParameter));
  g_autoptr(GArray) scales = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  g_autoptr(FwUnit) unit = NULL;
  g_autofree char *text = NULL;
  g_autofree char *report = NULL;
  const char *path = argv[0];
  const char *time_column = NULL;
  const char *format = "%Y-%m-%d %H:%M:%S";
  const char *zone_name = "UTC";
  const char *unit_name = NULL;
  FwImportResult result;
  gsize length;
  guint saved = 0;

  for (int i = 1; i < argc; i++)
    {
      const char *equals = strrchr (argv[i], '=');
      g_autofree char *key = NULL;
      const char *value;

      if (equals == NULL || equals == argv[i])
        return fail (EXIT_USAGE, _("“%s” is not KEY=VALUE"), argv[i]);
      key = g_strndup (argv[i], equals - argv[i]);
      value = equals + 1;

      if (g_str_equal (key, "time"))
        time_column = value;
      else if (g_str_equal (key, "format"))
        format = value;
      else if (g_str_equal (key, "zone"))
        zone_name = value;
      else if (g_str_equal (key, "unit"))
        unit_name = value;
      else
        {
          g_auto(GStrv) parts = g_strsplit (value, "*", 2);
          FwParameter parameter;
          double scale = 1;

          if (!fw_parameter_from_id (parts[0], &parameter))
            return fail (EXIT_USAGE, _("“%s” is not a parameter (temperature, dissolved_oxygen, ph, …)"), parts[0]);
          if (parts[1] != NULL)
            {
              char *end = NULL;

              scale = g_ascii_strtod (parts[1], &end);
              if (*end != '\0' || !isfinite (scale) || scale == 0)
                return fail (EXIT_USAGE, _("“%s” is not a scale factor"), parts[1]);
            }

          g_ptr_array_add (columns, g_steal_pointer (&key));
          g_array_append_val (parameters, parameter);
          g_array_append_val (scales, scale);
        }
    }

  if (time_column == NULL || columns->len == 0)
    return fail (EXIT_USAGE, _("Say which column holds the time (time=COLUMN) and what the others measure (COLUMN=PARAMETER)"));

  zone = g_time_zone_new_identifier (zone_name);
  if (zone == NULL)
    return fail (EXIT_USAGE, _("“%s” is not a time zone (UTC, +06:00, Asia/Dhaka, …)"), zone_name);

  if (!g_file_get_contents (path, &text, &length, &error))
    return fail (EXIT_USAGE, "%s", error->message);

  mapping = fw_import_mapping_new (time_column, format, zone);
  for (guint c = 0; c < columns->len; c++)
    fw_import_mapping_add (mapping, g_ptr_array_index (columns, c),
                           g_array_index (parameters, FwParameter, c), g_array_index (scales, double, c));

  if (!fw_import_csv (text, length, mapping, &result, &error))
    return fail (EXIT_USAGE, "%s: %s", path, error->message);

  report = fw_import_result_describe (&result);
  g_print ("%s", report);

  if (unit_name == NULL)
    {
      g_print (_("nothing saved: give unit=NAME to save the readings into the cache\n"));
      fw_import_result_clear (&result);
      return EXIT_DONE;
    }

  unit = find_unit (cache, unit_name, &error);
  if (unit == NULL)
    {
      fw_import_result_clear (&result);
      return fail (EXIT_USAGE, "%s", error->message);
    }

  if (!fw_import_save (cache, fw_record_get_id (FW_RECORD (unit)), mapping, &result, &saved, &error))
    {
      fw_import_result_clear (&result);
      return fail (error->domain == FW_IMPORT_ERROR ? EXIT_USAGE : EXIT_CACHE,
                   "%s: %s", fw_unit_get_name (unit), error->message);
    }

  g_print (_("readings saved: %u\n"), saved);
  fw_import_result_clear (&result);
  return EXIT_DONE;
}

/* A number option of `calc`, NAN until given. */
static gboolean
parse_number (const char  *name,
              const char  *text,
              double      *value,
              GError     **error)
{
  char *end = NULL;

  *value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (*value))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s needs a number, not “%s”"), name, text);
      return FALSE;
    }

  return TRUE;
}

static double calc_tan = NAN;
static double calc_ph = NAN;
static double calc_temp = NAN;
static double calc_salinity = 0;
static double calc_do = NAN;

static gboolean
calc_option_cb (const char  *option,
                const char  *value,
                gpointer     data,
                GError     **error)
{
  double number;

  if (!parse_number (option, value, &number, error))
    return FALSE;

  if (g_str_equal (option, "--tan"))
    calc_tan = number;
  else if (g_str_equal (option, "--ph"))
    calc_ph = number;
  else if (g_str_equal (option, "--temp"))
    calc_temp = number;
  else if (g_str_equal (option, "--salinity"))
    calc_salinity = number;
  else if (g_str_equal (option, "--do"))
    calc_do = number;

  return TRUE;
}

static const GOptionEntry calc_entries[] = {
  { "tan", 0, 0, G_OPTION_ARG_CALLBACK, calc_option_cb, N_("Total ammonia nitrogen"), N_("MG_L") },
  { "ph", 0, 0, G_OPTION_ARG_CALLBACK, calc_option_cb, N_("pH"), N_("PH") },
  { "temp", 0, 0, G_OPTION_ARG_CALLBACK, calc_option_cb, N_("Water temperature"), N_("C") },
  { "salinity", 0, 0, G_OPTION_ARG_CALLBACK, calc_option_cb, N_("Salinity, 0 for fresh water"), N_("PPT") },
  { "do", 0, 0, G_OPTION_ARG_CALLBACK, calc_option_cb, N_("Dissolved oxygen measured"), N_("MG_L") },
  G_OPTION_ENTRY_NULL
};

static void
print_number (const char *name,
              double      value,
              int         digits)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  char format[8];

  /* Machine-readable: a decimal point whatever the locale. */
  g_snprintf (format, sizeof format, "%%.%df", digits);
  g_print ("%s: %s\n", name, g_ascii_formatd (buffer, sizeof buffer, format, value));
}

/* fishwatch-cli calc ammonia --tan MG_L --ph PH --temp C
 * fishwatch-cli calc oxygen --temp C [--salinity PPT] [--do MG_L] */
static int
command_calc (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("ammonia|oxygen"));
  g_autoptr(GError) error = NULL;
  const char *what;

  g_option_context_add_main_entries (context, calc_entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Water chemistry from a sample:\n"
      "  ammonia --tan MG_L --ph PH --temp C          un-ionised ammonia (Emerson et al. 1975)\n"
      "  oxygen --temp C [--salinity PPT] [--do MG_L] oxygen saturation (Benson and Krause 1984)"));

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (EXIT_USAGE, "%s", error->message);
  if (argc != 2)
    return fail (EXIT_USAGE, _("calc needs “ammonia” or “oxygen”: try calc --help"));
  what = argv[1];

  if (g_str_equal (what, "ammonia"))
    {
      double fraction;

      if (isnan (calc_tan) || isnan (calc_ph) || isnan (calc_temp))
        return fail (EXIT_USAGE, _("calc ammonia needs --tan, --ph and --temp"));
      if (calc_tan < 0 || calc_tan > 100)
        return fail (EXIT_USAGE, _("--tan %g mg/L is outside 0–100 mg/L"), calc_tan);
      if (!fw_water_unionised_ammonia_fraction (calc_temp, calc_ph, &fraction, &error))
        return fail (EXIT_USAGE, "%s", error->message);

      print_number ("unionised_fraction", fraction, 5);
      print_number ("unionised_ammonia_mg_l", fraction * calc_tan, 4);
      return EXIT_DONE;
    }

  if (g_str_equal (what, "oxygen"))
    {
      double saturation;

      if (isnan (calc_temp))
        return fail (EXIT_USAGE, _("calc oxygen needs --temp"));
      if (!isnan (calc_do) && (calc_do < 0 || calc_do > 30))
        return fail (EXIT_USAGE, _("--do %g mg/L is outside 0–30 mg/L"), calc_do);
      if (!fw_water_oxygen_saturation (calc_temp, calc_salinity, &saturation, &error))
        return fail (EXIT_USAGE, "%s", error->message);

      print_number ("saturation_mg_l", saturation, 3);
      if (!isnan (calc_do))
        print_number ("saturation_percent", 100 * calc_do / saturation, 1);
      return EXIT_DONE;
    }

  return fail (EXIT_USAGE, _("calc knows “ammonia” and “oxygen”, not “%s”"), what);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FwCache) cache = NULL;
  g_autofree char *default_path = NULL;
  const char *command;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (_("COMMAND [ARGUMENTS…]"));
  g_option_context_set_summary (context,
    _("Fish Watch without a window: the app’s cache, outbox and sync.\n\n"
      "Commands:\n"
      "  login NAME                   sign in (the password on standard input)\n"
      "  sync                         push local changes, pull the server’s\n"
      "  status                       what waits, what was refused, the last sync\n"
      "  log KIND unit=NAME [time=T] [KEY=VALUE…]\n"
      "                               record a logbook entry, offline or not\n"
      "  calc ammonia|oxygen OPTIONS… water chemistry; calc --help for more\n"
      "  import FILE time=COLUMN [format=%Y-%m-%d %H:%M:%S] [zone=UTC] [unit=NAME]\n"
      "         COLUMN=PARAMETER[*SCALE]…\n"
      "                               sensor history from a CSV file into the cache\n"
      "                               (without unit=, only the report)\n\n"
      "Exit codes: 0 done, 1 try again later, 2 usage, 3 sign in first,\n"
      "4 refused, 5 local cache failed."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_strict_posix (context, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (EXIT_USAGE, "%s", error->message);
  if (timeout_seconds < 0)
    return fail (EXIT_USAGE, _("--timeout %d is not a number of seconds"), timeout_seconds);

  if (argc < 2)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("%s", help);
      return EXIT_USAGE;
    }
  command = argv[1];

  /* The calculators need no cache. */
  if (g_str_equal (command, "calc"))
    return command_calc (argc - 1, argv + 1);

  if (cache_path == NULL)
    cache_path = default_path = fw_cache_get_default_path ();

  cache = fw_cache_open (cache_path, NULL, &error);
  if (cache == NULL)
    return fail (EXIT_CACHE, "%s", error->message);

  if (g_str_equal (command, "login") && argc == 3)
    return command_login (cache, argv[2]);
  if (g_str_equal (command, "sync") && argc == 2)
    return command_sync (cache);
  if (g_str_equal (command, "status") && argc == 2)
    return command_status (cache);
  if (g_str_equal (command, "log") && argc >= 3)
    return command_log (cache, argc - 2, argv + 2);
  if (g_str_equal (command, "import") && argc >= 3)
    return command_import (cache, argc - 2, argv + 2);

  return fail (EXIT_USAGE, _("Unknown command or wrong arguments: try --help"));
}
