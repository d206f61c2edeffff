/* main.c — fishwatch-sim, the pond sensor simulator
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "fw-sim.h"
#include "fw-sim-fault.h"

/* Past this many, rejections are only counted: a misconfigured server
 * would otherwise bury the progress under one line per batch. */
#define MAX_REJECTION_REPORTS 20

typedef struct
{
  FwSim        *sim;
  GCancellable *cancellable;
  GMainLoop    *loop;
  GError       *error;
  gboolean      quiet;
  gboolean      tty;
  guint         signals_seen;
  guint         rejection_reports;
  gint64        last_line;
} Run;

static char *
format_count (guint64 n)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, n);
}

static void
print_progress (Run      *run,
                gboolean  final)
{
  g_autofree char *pushed = format_count (fw_sim_get_pushed (run->sim));
  g_autofree char *rejected = format_count (fw_sim_get_rejected (run->sim));
  g_autofree char *line = NULL;
  double elapsed = fw_sim_get_elapsed (run->sim);
  double rate = elapsed > 0 ? fw_sim_get_pushed (run->sim) / elapsed : 0;
  double progress = fw_sim_get_backfill_progress (run->sim);

  if (progress < 1.0)
    {
      /* Translators: progress while pushing history; the numbers are
       * readings, readings per second and readings rejected */
      line = g_strdup_printf (_("Backfill %.0f%%: %s readings pushed, %.0f readings/s, %s rejected"),
                              progress * 100, pushed, rate, rejected);
    }
  else
    {
      FwTime simulated = fw_sim_get_simulated_time (run->sim);
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (simulated);
      g_autofree char *when = time != NULL ? g_date_time_format (time, "%F %T") : g_strdup ("?");

      /* Translators: progress while streaming; the first %s is a UTC date
       * and time, the others are readings, readings per second and
       * readings rejected */
      line = g_strdup_printf (_("Streaming at %s UTC: %s readings pushed, %.0f readings/s, %s rejected"),
                              when, pushed, rate, rejected);
    }

  if (run->tty)
    g_printerr ("\r\033[K%s%s", line, final ? "\n" : "");
  else
    g_printerr ("%s\n", line);
}

static gboolean
progress_cb (gpointer user_data)
{
  Run *run = user_data;
  gint64 now = g_get_monotonic_time ();

  /* A log file gets a line every ten seconds, a terminal a live one. */
  if (run->tty || now - run->last_line >= 10 * G_USEC_PER_SEC)
    {
      print_progress (run, FALSE);
      run->last_line = now;
    }

  return G_SOURCE_CONTINUE;
}

static void
end_progress_line (Run *run)
{
  if (!run->quiet && run->tty)
    g_printerr ("\r\033[K");
}

static void
on_retrying_cb (FwSim      *sim,
                const char *message,
                double      seconds,
                Run        *run)
{
  if (run->quiet)
    return;

  end_progress_line (run);
  if (seconds > 0)
    /* Translators: a failed request; it is sent again after a wait */
    g_printerr (_("%s; trying again in %.1f s\n"), message, seconds);
  else
    g_printerr ("%s\n", message);
}

static void
on_rejected_cb (FwSim      *sim,
                const char *sensor,
                guint       count,
                const char *reason,
                Run        *run)
{
  if (run->quiet || run->rejection_reports > MAX_REJECTION_REPORTS)
    return;

  end_progress_line (run);
  if (++run->rejection_reports > MAX_REJECTION_REPORTS)
    {
      g_printerr (_("More readings were rejected; the summary counts them\n"));
      return;
    }

  g_printerr (g_dngettext (GETTEXT_PACKAGE,
                           "Sensor %s: %u reading rejected (%s)\n",
                           "Sensor %s: %u readings rejected (%s)\n",
                           count),
              sensor != NULL ? sensor : "?", count, reason);
}

static gboolean
on_signal_cb (gpointer user_data)
{
  Run *run = user_data;

  /* The first interrupt lets the server have what is generated; a second
   * one is for a server that never answers. */
  if (run->signals_seen++ == 0)
    {
      if (!run->quiet)
        {
          end_progress_line (run);
          g_printerr (_("Stopping after sending what is due; interrupt again to abandon it\n"));
        }
      fw_sim_stop (run->sim);
    }
  else
    {
      g_cancellable_cancel (run->cancellable);
    }

  return G_SOURCE_CONTINUE;
}

static void
run_finished_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;

  fw_sim_run_finish (FW_SIM (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static gboolean
parse_count (const char  *option,
             const char  *text,
             guint64      min,
             guint64      max,
             guint64     *value,
             GError     **error)
{
  g_autofree char *lowest = NULL;
  g_autofree char *highest = NULL;

  if (g_ascii_string_to_unsigned (text, 10, min, max, value, NULL))
    return TRUE;

  lowest = format_count (min);
  highest = format_count (max);
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               /* Translators: the option, the smallest and the largest number allowed, the value given */
               _("%s wants a whole number from %s to %s, not “%s”"),
               option, lowest, highest, text);
  return FALSE;
}

static gboolean
parse_time (const char  *text,
            FwTime      *time,
            GError     **error)
{
  g_autoptr(GDateTime) parsed = NULL;
  gint64 seconds;

  if (g_ascii_string_to_signed (text, 10, 1, G_MAXINT64, &seconds, NULL))
    {
      *time = seconds;
      return TRUE;
    }

  parsed = g_date_time_new_from_iso8601 (text, g_time_zone_new_utc ());
  if (parsed != NULL && g_date_time_to_unix (parsed) > 0)
    {
      *time = g_date_time_to_unix (parsed);
      return TRUE;
    }

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("--now wants Unix seconds or an ISO 8601 time such as "
                 "2026-07-15T12:00:00Z, not “%s”"),
               text);
  return FALSE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FwSim) sim = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *server = NULL;
  g_autofree char *token = NULL;
  g_autofree char *backfill_text = NULL;
  g_autofree char *duration_text = NULL;
  g_autofree char *push_every_text = NULL;
  g_autofree char *seed_text = NULL;
  g_autofree char *now_text = NULL;
  g_autofree char *sensors_per_request_text = NULL;
  g_autofree char *readings_per_request_text = NULL;
  g_autofree char *concurrency_text = NULL;
  g_auto(GStrv) faults = NULL;
  g_autofree char *pushed = NULL;
  g_autofree char *rejected = NULL;
  double speed = 0;
  gboolean realtime = FALSE;
  gboolean quiet = FALSE;
  gboolean version = FALSE;
  gint64 backfill = 0, duration = -1, push_every = FW_SIM_DEFAULT_PUSH_EVERY;
  guint64 number;
  FwTime now = 0;
  Run run = { 0, };
  guint progress_id = 0;
  double elapsed;
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server,
      N_("The Fish Watch server, such as https://fishwatch.example"), N_("URL") },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token,
      N_("The device token (better: the FISHWATCH_DEVICE_TOKEN environment variable, "
         "which other users cannot see)"),
      N_("TOKEN") },
    { "backfill", 0, 0, G_OPTION_ARG_STRING, &backfill_text,
      N_("First push this much history up to now, as fast as the server takes it"), N_("DURATION") },
    { "speed", 0, 0, G_OPTION_ARG_DOUBLE, &speed,
      N_("Stream FACTOR simulated seconds per real second (60: a minute a second)"), N_("FACTOR") },
    { "realtime", 0, 0, G_OPTION_ARG_NONE, &realtime,
      N_("Stream in real time, the same as --speed 1 (the default)"), NULL },
    { "duration", 0, 0, G_OPTION_ARG_STRING, &duration_text,
      N_("Stream this much simulated time, then stop; 0 stops after the backfill "
         "(default: until interrupted)"),
      N_("DURATION") },
    { "push-every", 0, 0, G_OPTION_ARG_STRING, &push_every_text,
      N_("Push new readings every SECONDS of simulated time (default: 60)"), N_("SECONDS") },
    { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &faults,
      N_("Inject a fault, see below; may be given several times"), N_("SPEC") },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      N_("Simulate other water from the same physics (default: 0)"), N_("N") },
    { "now", 0, 0, G_OPTION_ARG_STRING, &now_text,
      N_("Take TIME as the present, for a reproducible run (Unix seconds or ISO 8601)"), N_("TIME") },
    { "sensors-per-request", 0, 0, G_OPTION_ARG_STRING, &sensors_per_request_text,
      N_("Share each request among N sensors (default: whole histories, as many as fit)"), N_("N") },
    { "readings-per-request", 0, 0, G_OPTION_ARG_STRING, &readings_per_request_text,
      N_("Put at most N readings in a request (default: 100000, the server’s limit)"), N_("N") },
    { "concurrency", 0, 0, G_OPTION_ARG_STRING, &concurrency_text,
      N_("Keep up to N requests on their way at once (default: 2)"), N_("N") },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
      N_("Print no progress, only the summary and errors"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version,
      N_("Print the version and exit"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
    _("Simulates the pond sensors of one farm's gateway and pushes their readings "
      "to a Fish Watch server."));
  g_option_context_set_description (context,
    _("The simulator asks the server which sensors the device has, pushes the\n"
      "backfill up to now and then streams new readings as simulated time goes\n"
      "by. An interrupt (Ctrl+C) or SIGTERM stops it after the server has what\n"
      "is due; a second one abandons that.\n"
      "\n"
      "Durations: 90d, 6h, 15m, 30s, or combined such as 1h30m.\n"
      "\n"
      "Faults (--fault KIND:TARGET[@START[..END]]):\n"
      "  oxygen-crash:UNIT[@START]  dissolved oxygen in UNIT crashes in the\n"
      "                             first night after START: it falls from\n"
      "                             01:30 to about 1 mg/L by 04:30 and\n"
      "                             recovers from 07:00 to 11:00, in the\n"
      "                             model farm's solar time (UTC−6); pH\n"
      "                             drops with it\n"
      "  silent:TARGET              the sensor stops reporting\n"
      "  stuck:TARGET               the sensor repeats its last reading\n"
      "  spikes:TARGET              about one reading in two hours jumps by\n"
      "                             5 to 10 times its normal deviation\n"
      "UNIT is a unit's name or id. TARGET is a sensor id, a unit (all its\n"
      "sensors) or UNIT/PARAMETER, such as \"Pond 1/dissolved_oxygen\" (also do,\n"
      "temp, tan). START and END are offsets from the start of streaming,\n"
      "which is where the backfill ends: @-6h lies in the backfilled history,\n"
      "@30m or @+30m in the stream. Without START a fault starts there; without\n"
      "END it lasts. Example: --fault 'stuck:Tank A1/ph@-2d..-1d'\n"
      "\n"
      "With --speed above 1 and a --duration, the streamed span is moved back\n"
      "so that it ends at the present, since servers refuse readings from the\n"
      "future; the backfill moves with it.\n"
      "\n"
      "At the end a summary goes to standard output:\n"
      "  pushed N readings in S s (R readings/s), rejected M"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    goto usage;

  if (version)
    {
      g_print ("fishwatch-sim %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (argc > 1)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Unexpected argument “%s”"), argv[1]);
      goto usage;
    }

  if (server == NULL)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("Give the server with --server URL"));
      goto usage;
    }

  if (token == NULL)
    token = g_strdup (g_getenv ("FISHWATCH_DEVICE_TOKEN"));
  if (token == NULL || *token == '\0')
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("Give the device token in FISHWATCH_DEVICE_TOKEN or with --token"));
      goto usage;
    }

  if (realtime && speed != 0 && speed != 1.0)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--realtime and --speed contradict each other"));
      goto usage;
    }
  if (speed == 0 || realtime)
    speed = 1.0;
  if (speed < 0 || speed > 1e9 || speed != speed)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--speed wants a factor above 0, not %g"), speed);
      goto usage;
    }

  if ((backfill_text != NULL && !fw_sim_parse_duration (backfill_text, FALSE, &backfill, &error))
      || (duration_text != NULL && !fw_sim_parse_duration (duration_text, FALSE, &duration, &error))
      || (push_every_text != NULL
          && !fw_sim_parse_duration (push_every_text, FALSE, &push_every, &error))
      || (now_text != NULL && !parse_time (now_text, &now, &error)))
    goto usage;

  if (push_every <= 0 || push_every > G_MAXUINT)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--push-every wants at least one second"));
      goto usage;
    }

  sim = fw_sim_new (server, token);
  fw_sim_set_backfill (sim, backfill);
  fw_sim_set_speed (sim, speed);
  fw_sim_set_duration (sim, duration);
  fw_sim_set_push_every (sim, (guint) push_every);
  fw_sim_set_now (sim, now);

  if (seed_text != NULL)
    {
      if (!parse_count ("--seed", seed_text, 0, G_MAXUINT64, &number, &error))
        goto usage;
      fw_sim_set_seed (sim, number);
    }
  if (sensors_per_request_text != NULL)
    {
      if (!parse_count ("--sensors-per-request", sensors_per_request_text, 0, G_MAXUINT,
                        &number, &error))
        goto usage;
      fw_sim_set_sensors_per_request (sim, (guint) number);
    }
  if (readings_per_request_text != NULL)
    {
      if (!parse_count ("--readings-per-request", readings_per_request_text, 1, G_MAXUINT,
                        &number, &error))
        goto usage;
      fw_sim_set_readings_per_request (sim, (guint) number);
    }
  if (concurrency_text != NULL)
    {
      if (!parse_count ("--concurrency", concurrency_text, 1, 64, &number, &error))
        goto usage;
      fw_sim_set_concurrency (sim, (guint) number);
    }

  for (guint i = 0; faults != NULL && faults[i] != NULL; i++)
    {
      if (!fw_sim_add_fault (sim, faults[i], &error))
        goto usage;
    }

  if (speed > 1.0 && duration < 0 && now == 0 && !quiet)
    g_printerr (_("Warning: without --duration, simulated time runs ahead of the clock, "
                  "and servers reject readings from the future\n"));

  cancellable = g_cancellable_new ();
  loop = g_main_loop_new (NULL, FALSE);
  run.sim = sim;
  run.cancellable = cancellable;
  run.loop = loop;
  run.quiet = quiet;
  run.tty = isatty (STDERR_FILENO);
  run.last_line = g_get_monotonic_time ();

  g_signal_connect (sim, "retrying", G_CALLBACK (on_retrying_cb), &run);
  g_signal_connect (sim, "rejected", G_CALLBACK (on_rejected_cb), &run);
  g_unix_signal_add (SIGINT, on_signal_cb, &run);
  g_unix_signal_add (SIGTERM, on_signal_cb, &run);
  if (!quiet)
    progress_id = g_timeout_add_seconds (1, progress_cb, &run);

  fw_sim_run_async (sim, cancellable, run_finished_cb, &run);
  g_main_loop_run (loop);

  if (progress_id != 0)
    g_source_remove (progress_id);

  if (run.error != NULL)
    {
      end_progress_line (&run);
      g_printerr ("fishwatch-sim: %s\n", run.error->message);
      g_clear_error (&run.error);
      return 1;
    }

  if (progress_id != 0)
    print_progress (&run, TRUE);

  elapsed = fw_sim_get_elapsed (sim);
  pushed = format_count (fw_sim_get_pushed (sim));
  rejected = format_count (fw_sim_get_rejected (sim));
  /* Translators: the summary at the end; benchmarks read it in the C locale */
  g_print (_("pushed %s readings in %.1f s (%.0f readings/s), rejected %s\n"),
           pushed, elapsed, elapsed > 0 ? fw_sim_get_pushed (sim) / elapsed : 0.0, rejected);

  return 0;

usage:
  g_printerr ("fishwatch-sim: %s\n", error->message);
  g_printerr (_("Run “%s --help” to see the options.\n"), g_get_prgname ());
  return 2;
}
