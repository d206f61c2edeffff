/* main.c — fishwatch-server: serve the API, or administer its store
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <glib-unix.h>
#include <glib/gi18n.h>

#include "fw-alert-engine.h"
#include "fw-build-info.h"
#include "fw-password.h"
#if HAVE_POSTGRESQL
#include "fw-pg-store.h"
#endif
#include "fw-server-log.h"
#include "fw-server.h"
#include "fw-sqlite-store.h"

/* One per core is enough: SQLite lets one writer in at a time anyway. */
#define STORE_CONNECTIONS 4
/* PostgreSQL serves readers and ingests side by side; a few more, while
 * staying far below its max_connections with several instances. */
#define PG_STORE_CONNECTIONS 8

static char *db_path;
static char *listen_address;
static char *environment;
static char *role_name;
static char **farm_ids;
static char *display_name;
static int extra_units;
static int alert_tick = -1;
static gboolean show_version;

static const GOptionEntry global_entries[] = {
  { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path, "The store: an SQLite file, created on first use, or a postgresql:// URI (FISHWATCH_DB when not given)", "FILE|URI" },
  { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen_address, "Address to serve on (default 127.0.0.1:8080)", "HOST:PORT" },
  { "environment", 'e', 0, G_OPTION_ARG_STRING, &environment, "development, staging or production (default development)", "NAME" },
  { "role", 0, 0, G_OPTION_ARG_STRING, &role_name, "user-add: worker, manager or admin", "ROLE" },
  { "farm", 0, 0, G_OPTION_ARG_STRING_ARRAY, &farm_ids, "user-add: a farm the user may see (repeat for more)", "FARM_ID" },
  { "display-name", 0, 0, G_OPTION_ARG_STRING, &display_name, "user-add: the name shown for the user", "NAME" },
  { "alert-tick", 0, 0, G_OPTION_ARG_INT, &alert_tick, "serve: look for silent sensors every SECONDS (default 30; 0: never)", "SECONDS" },
  { "extra-units", 0, 0, G_OPTION_ARG_INT, &extra_units, "demo: add this many more ponds, four sensors each (for load tests)", "N" },
  { "version", 0, 0, G_OPTION_ARG_NONE, &show_version, "Print the version and exit", NULL },
  { NULL }
};

static FwStore *
open_store (GError **error)
{
  /* From the environment too (a systemd EnvironmentFile), so that a
   * connection URI with a password need not show in `ps`. */
  if (db_path == NULL && g_getenv ("FISHWATCH_DB") != NULL)
    db_path = g_strdup (g_getenv ("FISHWATCH_DB"));

  if (db_path == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "--db FILE is required");
      return NULL;
    }

#if HAVE_POSTGRESQL
  if (fw_pg_store_is_conninfo (db_path))
    return (FwStore *) fw_pg_store_open (db_path, PG_STORE_CONNECTIONS, error);
#else
  if (g_str_has_prefix (db_path, "postgresql://") || g_str_has_prefix (db_path, "postgres://"))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           "This fishwatch-server was built without PostgreSQL (-Dpostgresql=disabled)");
      return NULL;
    }
#endif

  return (FwStore *) fw_sqlite_store_open (db_path, STORE_CONNECTIONS, error);
}

static char *
read_password (GError **error)
{
  g_autoptr(GIOChannel) channel = g_io_channel_unix_new (0);
  g_autofree char *line = NULL;
  gsize length = 0;

  if (g_io_channel_read_line (channel, &line, &length, NULL, error) != G_IO_STATUS_NORMAL && line == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "No password on standard input");
      return NULL;
    }

  g_strchomp (line);
  if (g_utf8_strlen (line, -1) < 8)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The password must be at least 8 characters");
      return NULL;
    }

  return g_steal_pointer (&line);
}

static int
command_user_add (const char *username,
                  GError    **error)
{
  g_autoptr(FwStore) store = NULL;
  g_autoptr(FwUser) user = fw_user_new ();
  g_autofree char *password = NULL;
  g_autofree char *hash = NULL;

  if (role_name == NULL || !fw_role_from_string (role_name, &user->role))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--role must be worker, manager or admin");
      return 2;
    }

  if ((store = open_store (error)) == NULL ||
      (password = read_password (error)) == NULL ||
      (hash = fw_password_hash (password, error)) == NULL)
    return 1;

  for (guint i = 0; farm_ids != NULL && farm_ids[i] != NULL; i++)
    {
      g_autoptr(JsonNode) farm = fw_store_get_record (store, FW_ENTITY_FARM, farm_ids[i], NULL, error);

      if (farm == NULL)
        return 1;
      g_ptr_array_add (user->farm_uuids, g_strdup (farm_ids[i]));
    }

  user->uuid = g_uuid_string_random ();
  user->username = g_strdup (username);
  user->display_name = g_strdup (display_name ?: "");

  if (!fw_store_add_user (store, user, hash, error))
    return 1;

  g_print ("%s\n", user->uuid);
  return 0;
}

/* Writes the demo farm's records, users with fresh random passwords, and
 * a gateway, and prints what a client or simulator needs as JSON. Run it
 * on an empty store. */
static int
command_demo (GError **error)
{
  g_autoptr(FwStore) store = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) mutations = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_mutation_free);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(FwUser) admin = fw_user_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *output = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_hash = NULL;
  g_autofree char *device_uuid = NULL;
  static const struct { const char *name; FwRole role; } people[] = {
    { "admin", FW_ROLE_ADMIN }, { "manager", FW_ROLE_MANAGER }, { "worker", FW_ROLE_WORKER },
  };
  FwTime now = g_get_real_time () / G_USEC_PER_SEC;

  if ((store = open_store (error)) == NULL)
    return 1;

  records = fw_demo_build_records (extra_units);
  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (mutations, fw_mutation_new_upsert (g_ptr_array_index (records, i)));

  /* The demo writes as an admin who exists only for this call. */
  admin->role = FW_ROLE_ADMIN;
  admin->uuid = g_uuid_string_random ();
  results = fw_store_apply_mutations (store, admin, mutations, now, error);
  if (results == NULL)
    return 1;

  for (guint i = 0; i < results->len; i++)
    {
      FwMutationResult *result = g_ptr_array_index (results, i);

      if (result->status != FW_MUTATION_APPLIED)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                       "The store has a demo farm already (%s); use a new --db", result->message);
          return 1;
        }
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "farm_id");
  json_builder_add_string_value (builder, FW_DEMO_FARM_UUID);
  json_builder_set_member_name (builder, "users");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autoptr(FwUser) user = fw_user_new ();
      g_autofree char *password = fw_token_new ("");
      g_autofree char *hash = fw_password_hash (password, error);

      if (hash == NULL)
        return 1;

      user->uuid = g_uuid_string_random ();
      user->username = g_strdup (people[i].name);
      user->role = people[i].role;
      g_ptr_array_add (user->farm_uuids, g_strdup (FW_DEMO_FARM_UUID));
      if (!fw_store_add_user (store, user, hash, error))
        return 1;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "username");
      json_builder_add_string_value (builder, user->username);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, fw_role_to_string (user->role));
      json_builder_set_member_name (builder, "password");
      json_builder_add_string_value (builder, password);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  token = fw_token_new (FW_DEVICE_TOKEN_PREFIX);
  token_hash = fw_token_hash (token);
  if (!fw_store_add_device (store, FW_DEMO_FARM_UUID, "Demo gateway", token_hash, &device_uuid, error))
    return 1;

  json_builder_set_member_name (builder, "device");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, device_uuid);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, token);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  output = json_to_string (root, TRUE);
  g_print ("%s\n", output);
  return 0;
}

/* How long a stop waits for requests in flight before it gives up on a
 * client that stalls; systemd's own stop timeout is longer. */
#define STOP_GRACE_SECONDS 30

typedef struct
{
  GMainLoop *loop;
  FwServer  *server;
  gboolean   stopping;
  guint      grace;
} Serving;

static void
maybe_quit (Serving *serving)
{
  if (serving->stopping && fw_server_get_in_flight (serving->server) == 0)
    g_main_loop_quit (serving->loop);
}

static gboolean
on_grace_over_cb (gpointer user_data)
{
  Serving *serving = user_data;

  fw_server_log ("warn", "Stopping with requests still in flight", "event.action", "stop-timeout", NULL);
  serving->grace = 0;
  g_main_loop_quit (serving->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
on_signal_cb (gpointer user_data)
{
  Serving *serving = user_data;

  /* A second signal stops at once. */
  if (serving->stopping)
    {
      g_main_loop_quit (serving->loop);
      return G_SOURCE_CONTINUE;
    }

  fw_server_log ("info", "Stopping: finishing the requests in flight",
                 "event.action", "stopping", NULL);
  serving->stopping = TRUE;
  fw_server_stop (serving->server);
  serving->grace = g_timeout_add_seconds (STOP_GRACE_SECONDS, on_grace_over_cb, serving);
  maybe_quit (serving);
  return G_SOURCE_CONTINUE;
}

static void
on_in_flight_cb (Serving *serving)
{
  maybe_quit (serving);
}

static int
command_serve (GError **error)
{
  g_autoptr(FwStore) store = NULL;
  g_autoptr(FwServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *port = NULL;
  Serving serving = { 0, };

  if ((store = open_store (error)) == NULL)
    return 1;

  server = fw_server_new (store, environment);
  fw_server_set_alert_tick (server, alert_tick >= 0 ? (guint) alert_tick : FW_ALERT_ENGINE_TICK_SECONDS);
  if (!fw_server_listen (server, listen_address ?: "127.0.0.1:8080", error))
    return 1;

  port = g_strdup_printf ("%u", fw_server_get_port (server));
  fw_server_log ("info", "Serving the Fish Watch API", "event.action", "listening",
                 "server.port", port, "url.domain", listen_address ?: "127.0.0.1:8080", NULL);

  loop = g_main_loop_new (NULL, FALSE);
  serving.loop = loop;
  serving.server = server;
  g_unix_signal_add (SIGTERM, on_signal_cb, &serving);
  g_unix_signal_add (SIGINT, on_signal_cb, &serving);
  g_signal_connect_swapped (server, "notify::in-flight", G_CALLBACK (on_in_flight_cb), &serving);

  g_main_loop_run (loop);

  /* The signal handlers stay until the process ends: another SIGTERM
   * while the store closes must not cut that short. */
  g_clear_handle_id (&serving.grace, g_source_remove);
  fw_server_log ("info", "Stopped", "event.action", "stopped", NULL);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const char *command;
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  context = g_option_context_new ("[serve | user-add NAME | demo]");
  g_option_context_set_summary (context,
    "The Fish Watch backend: serves the HTTP API on its store.\n\n"
    "Commands:\n"
    "  serve           serve the API (the default)\n"
    "  user-add NAME   add a user; the password is read from standard input\n"
    "  demo            write the demo farm, its users and a gateway; prints their secrets as JSON");
  g_option_context_add_main_entries (context, global_entries, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("fishwatch-server: %s\n", error->message);
      return 2;
    }

  if (show_version)
    {
      g_print ("fishwatch-server %s (%s)\n", PACKAGE_VERSION, FW_BUILD_REVISION);
      return 0;
    }

  if (environment == NULL)
    environment = g_strdup ("development");
  if (!g_str_equal (environment, "development") && !g_str_equal (environment, "staging") &&
      !g_str_equal (environment, "production"))
    {
      g_printerr ("fishwatch-server: --environment must be development, staging or production\n");
      return 2;
    }

  fw_server_log_init (environment, PACKAGE_VERSION);

  if (!fw_password_init (&error))
    {
      g_printerr ("fishwatch-server: %s\n", error->message);
      return 1;
    }

  command = argc > 1 ? argv[1] : "serve";

  if (g_str_equal (command, "serve") && argc <= 2)
    status = command_serve (&error);
  else if (g_str_equal (command, "user-add") && argc == 3)
    status = command_user_add (argv[2], &error);
  else if (g_str_equal (command, "demo") && argc == 2)
    status = command_demo (&error);
  else
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("%s", help);
      return 2;
    }

  if (status != 0 && error != NULL)
    g_printerr ("fishwatch-server: %s\n", error->message);

  return status;
}
