/* bench-scale.c — ingest and pull through nginx: SQLite, and PostgreSQL
 * with 1, 2 and 4 server instances
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For each store and number of instances, in one run on this machine:
 *
 *   ingest  fishwatch-sim backfilling a farm's sensors through the
 *           balancer, several requests in flight: readings per second;
 *   pull    a farm's change log of logbook entries pulled from the start
 *           by several clients at once, in pages of 1,000, through the
 *           balancer: changes per second served.
 *
 * Every figure goes through the same nginx, so the ratios compare stores
 * and instance counts, not the proxy. PostgreSQL is the test's own (initdb
 * on loopback, fsync off, as in the tests), so its figures are an upper
 * bound next to a durable production setting; so is SQLite's (a tmpfs or
 * disk as the machine has it, synchronous=NORMAL as the server sets it).
 * docs/scaling.md puts these figures next to a 10,000-pond farm.
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#if HAVE_POSTGRESQL
#include <libpq-fe.h>
#endif

#include "fw-core.h"
#include "fw-test-balancer.h"
#include "fw-test-server.h"
#include "fw-test-util.h"

/* 13 demo units with 49 sensors, plus 100 ponds of four: 449 sensors. */
#define EXTRA_UNITS   100
#define BACKFILL      "36h"
#define SIM_REQUESTS  "4000"
#define SIM_INFLIGHT  "8"
#define ENTRIES       20000
#define PER_PUSH      500
#define PULLERS       8

typedef struct
{
  const char *name;
  gboolean    postgres;
  guint       instances;
  double      ingest_rate;
  double      pull_rate;
  double      bytes_per_reading;
} Run;

static guint
call (SoupSession  *session,
      const char   *base_url,
      const char   *method,
      const char   *path,
      const char   *token,
      const char   *body,
      JsonNode    **response)
{
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }

  answer = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  if (response != NULL)
    {
      gsize length;
      const char *data = g_bytes_get_data (answer, &length);
      g_autofree char *text = g_strndup (data, length);

      *response = json_from_string (text, NULL);
    }
  return soup_message_get_status (message);
}

static double
measure_ingest (FwTestServer *server,
                const char   *base_url)
{
  const char *sim = g_getenv ("FISHWATCH_SIM");
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "FISHWATCH_DEVICE_TOKEN",
                                        fw_test_server_device_token (server), TRUE);
  const char *argv[] = { sim, "--server", base_url, "--backfill", BACKFILL, "--duration", "0",
                         "--readings-per-request", SIM_REQUESTS, "--concurrency", SIM_INFLIGHT,
                         "--now", "2026-11-20T00:00:00Z", "--quiet", NULL };
  g_autofree char *summary = NULL;
  g_autofree char *errors = NULL;
  g_autoptr(GError) error = NULL;
  guint64 pushed = 0, rejected = 0;
  double rate = 0;
  int status;

  g_assert_nonnull (sim);
  if (!g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &summary, &errors, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("fishwatch-sim failed: %s\n%s", error->message, errors);

  /* "pushed N readings in S s (R readings/s), rejected M" */
  if (sscanf (summary, "pushed %" G_GUINT64_FORMAT " readings in %*f s (%lf readings/s), rejected %" G_GUINT64_FORMAT,
              &pushed, &rate, &rejected) != 3)
    g_error ("Unexpected summary from fishwatch-sim: %s", summary);

  return rate;
}

/* What a reading costs on disk: its row, its key, its share of the
 * hourly rollups. */
static double
bytes_per_reading (FwTestServer *server,
                   gboolean      postgres)
{
  double bytes = 0;

  if (postgres)
    {
#if HAVE_POSTGRESQL
      PGconn *conn = PQconnectdb (server->db);
      PGresult *result = PQexec (conn,
                                 "SELECT (pg_total_relation_size ('readings') + pg_total_relation_size ('rollups_hourly'))::float8"
                                 " / greatest (count (*), 1) FROM readings");

      if (PQresultStatus (result) == PGRES_TUPLES_OK)
        bytes = g_ascii_strtod (PQgetvalue (result, 0, 0), NULL);
      PQclear (result);
      PQfinish (conn);
#endif
    }
  else
    {
      sqlite3 *db = NULL;
      sqlite3_stmt *stmt = NULL;
      GStatBuf st;

      /* The whole file: readings are nearly all of it. */
      if (g_stat (server->db, &st) == 0 &&
          sqlite3_open_v2 (server->db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
          sqlite3_prepare_v2 (db, "SELECT count (*) FROM readings", -1, &stmt, NULL) == SQLITE_OK &&
          sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) > 0)
        bytes = (double) st.st_size / sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
      sqlite3_close (db);
    }

  return bytes;
}

/* ENTRIES new logbook entries, straight to one instance. */
static void
seed_entries (FwTestServer *server,
              const char   *token)
{
  g_autoptr(JsonNode) units = NULL;
  JsonArray *items;

  g_assert_cmpuint (fw_test_server_call (server, "GET", "/api/v1/farms/" FW_DEMO_FARM_UUID "/units", token,
                                         NULL, &units, NULL), ==, 200);
  items = json_object_get_array_member (json_node_get_object (units), "items");

  for (guint done = 0; done < ENTRIES; done += PER_PUSH)
    {
      g_autoptr(GString) body = g_string_new ("{\"mutations\":[");

      for (guint i = 0; i < PER_PUSH; i++)
        {
          g_autofree char *mutation_id = g_uuid_string_random ();
          g_autofree char *id = g_uuid_string_random ();
          JsonObject *unit = json_array_get_object_element (items, (done + i) % json_array_get_length (items));

          g_string_append_printf (body,
                                  "%s{\"mutation_id\":\"%s\",\"entity\":\"logbook_entry\",\"op\":\"upsert\",\"base_revision\":0,"
                                  "\"record\":{\"id\":\"%s\",\"unit_id\":\"%s\",\"kind\":\"observation\","
                                  "\"occurred_at\":\"2026-11-20T06:30:00Z\",\"payload\":{\"text\":\"Fish feeding well, water clear\"}}}",
                                  i > 0 ? "," : "", mutation_id, id, json_object_get_string_member (unit, "id"));
        }
      g_string_append (body, "]}");
      g_assert_cmpuint (fw_test_server_call (server, "POST", "/api/v1/sync/push", token, body->str, NULL, NULL), ==, 200);
    }
}

typedef struct
{
  const char *base_url;
  const char *token;
  guint       changes;
} Puller;

static gpointer
pull_all_thread (gpointer data)
{
  Puller *puller = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autofree char *cursor = NULL;
  gboolean more = TRUE;

  while (more)
    {
      g_autoptr(JsonNode) page = NULL;
      g_autofree char *path = g_strdup_printf ("/api/v1/sync/pull?limit=1000%s%s",
                                               cursor != NULL ? "&cursor=" : "", cursor ?: "");
      JsonObject *object;

      g_assert_cmpuint (call (session, puller->base_url, "GET", path, puller->token, NULL, &page), ==, 200);
      object = json_node_get_object (page);
      puller->changes += json_array_get_length (json_object_get_array_member (object, "changes"));
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (object, "cursor"));
      more = json_object_get_boolean_member (object, "more");
    }

  return NULL;
}

static double
measure_pull (const char *base_url,
              const char *token)
{
  Puller pullers[PULLERS] = { 0, };
  GThread *threads[PULLERS];
  gint64 started = g_get_monotonic_time ();
  guint total = 0;
  double seconds;

  for (guint i = 0; i < PULLERS; i++)
    {
      pullers[i].base_url = base_url;
      pullers[i].token = token;
      threads[i] = g_thread_new ("puller", pull_all_thread, &pullers[i]);
    }
  for (guint i = 0; i < PULLERS; i++)
    {
      g_thread_join (threads[i]);
      total += pullers[i].changes;
    }
  seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;

  g_assert_cmpuint (total, >=, PULLERS * ENTRIES);
  return total / seconds;
}

static void
measure (Run        *run,
         const char *nginx)
{
  g_autofree char *extra = g_strdup_printf ("--extra-units %d", EXTRA_UNITS);
  FwTestServer *servers[4] = { NULL, };
  guint ports[4];
  FwTestBalancer *balancer;
  g_autofree char *token = NULL;

  if (run->postgres)
    g_setenv ("FW_TEST_STORE", "postgresql", TRUE);
  else
    g_unsetenv ("FW_TEST_STORE");

  servers[0] = fw_test_server_start_full (extra, "--alert-tick 0");
  for (guint i = 1; i < run->instances; i++)
    servers[i] = fw_test_server_start_another (servers[0], "--alert-tick 0");
  for (guint i = 0; i < run->instances; i++)
    ports[i] = servers[i]->port;
  balancer = fw_test_balancer_start (nginx, ports, run->instances);

  run->ingest_rate = measure_ingest (servers[0], balancer->base_url);
  run->bytes_per_reading = bytes_per_reading (servers[0], run->postgres);

  token = fw_test_server_login (servers[0], "worker");
  seed_entries (servers[0], token);
  run->pull_rate = measure_pull (balancer->base_url, token);

  g_print ("%-24s ingest %9.0f readings/s   pull %9.0f changes/s   %5.1f bytes/reading on disk\n",
           run->name, run->ingest_rate, run->pull_rate, run->bytes_per_reading);

  fw_test_balancer_stop (balancer);
  for (guint i = run->instances; i > 0; i--)
    fw_test_server_stop (servers[i - 1]);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *nginx = fw_test_balancer_find_nginx ();
  g_autofree char *bindir = NULL;
  Run runs[] = {
    { "SQLite, 1 instance", FALSE, 1 },
    { "PostgreSQL, 1 instance", TRUE, 1 },
    { "PostgreSQL, 2 instances", TRUE, 2 },
    { "PostgreSQL, 4 instances", TRUE, 4 },
  };

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  if (nginx == NULL)
    {
      g_print ("nginx is not installed: nothing to measure\n");
      return 0;
    }

  g_print ("%u sensors backfilling %s (sim: %s readings a request, %s in flight); "
           "%u entries pulled by %u clients at once, pages of 1,000; all through nginx\n",
           fw_demo_get_n_sensors () + EXTRA_UNITS * 4, BACKFILL, SIM_REQUESTS, SIM_INFLIGHT, ENTRIES, PULLERS);
  g_print ("machine: %u CPUs\n", g_get_num_processors ());

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      if (runs[i].postgres)
        {
          g_setenv ("FW_TEST_STORE", "postgresql", TRUE);
          fw_test_server_check_store ();
        }
      measure (&runs[i], nginx);
    }

  g_print ("\nratios to SQLite (ingest, pull):\n");
  for (guint i = 1; i < G_N_ELEMENTS (runs); i++)
    g_print ("  %-24s %.2fx  %.2fx\n", runs[i].name,
             runs[i].ingest_rate / runs[0].ingest_rate, runs[i].pull_rate / runs[0].pull_rate);
  g_print ("ratios to PostgreSQL with 1 instance (ingest, pull):\n");
  for (guint i = 2; i < G_N_ELEMENTS (runs); i++)
    g_print ("  %-24s %.2fx  %.2fx\n", runs[i].name,
             runs[i].ingest_rate / runs[1].ingest_rate, runs[i].pull_rate / runs[1].pull_rate);

  return 0;
}
